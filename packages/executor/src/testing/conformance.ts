import {
  CodermError,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  type Language,
  languageSchema,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Builds an assert test. */
export function assertTest(id: string, code: string): UnitTest {
  return { id, problemId: "p", kind: "assert", code };
}

/** Builds a request for one program (of `language`, when given). */
export function request(
  id: string,
  code: string,
  tests: UnitTest[],
  limits: Partial<ExecutionLimits> = {},
  language?: Language,
): ExecutionRequest {
  return {
    candidate: { id, problemId: "p", code },
    tests,
    limits: { timeMs: 1000, memoryMb: 512, outputBytes: 4096, ...limits },
    ...(language === undefined ? {} : { language }),
  };
}

/** Runs requests and returns the verdicts keyed `candidate/test`; fails on a repeated pair. */
export async function collect(
  executor: Executor,
  requests: ExecutionRequest[],
): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  for await (const verdict of executor.execute(requests)) {
    const key = `${verdict.candidateId}/${verdict.testId}`;
    expect(verdicts.has(key), `one verdict for ${key}`).toBe(false);
    verdicts.set(key, verdict);
  }
  return verdicts;
}

/** One case of a language's fixture pack: a vitest test run against the executor. */
export interface ConformanceCase {
  /** The test's name. */
  name: string;
  /** Runs the case (with vitest's `expect`) against the suite's executor. */
  run(executor: Executor): Promise<void>;
}

/**
 * What {@link describeExecutorConformance} needs of a language: a few programs for the cases every
 * language shares (duplicates, bad requests, unsupported languages, cancellation), and the cases
 * only this language can state (verdict kinds, limits, hostile candidates).
 */
export interface ConformanceFixtures {
  /** The language of every program here; the shared cases' requests carry it. */
  language: Language;
  /** A program that passes {@link passingTest} and fails {@link failingTest}. */
  program: string;
  passingTest: UnitTest;
  failingTest: UnitTest;
  /**
   * A program (different for each index) for which {@link slowTest} takes about half a second,
   * then fails.
   */
  slowProgram(index: number): string;
  slowTest: UnitTest;
  /** The language's own cases. */
  cases: readonly ConformanceCase[];
}

/**
 * The behaviour every {@link Executor} must show, as a vitest suite: the cases every language
 * shares, then the fixture pack's own (for Python, `pythonConformanceFixtures`: verdict kinds of
 * every test kind, limits, hostile candidates). Each backend's tests call it with a factory; the
 * executor is created once and closed at the end. Wrapped executors run it too.
 */
export function describeExecutorConformance(
  name: string,
  create: () => Promise<Executor>,
  fixtures: ConformanceFixtures,
): void {
  describe(`${name} executor conformance (${fixtures.language})`, () => {
    let executor: Executor;
    beforeAll(async () => {
      executor = await create();
    });
    afterAll(async () => {
      await executor?.close();
    });
    const { language, program, passingTest, failingTest } = fixtures;
    const honest = (id: string) => request(id, program, [passingTest], {}, language);

    it("starts through fingerprint, which is a stable string", async () => {
      const fingerprint = await executor.fingerprint();
      expect(typeof fingerprint).toBe("string");
      expect(fingerprint.length).toBeGreaterThan(0);
      expect(await executor.fingerprint()).toBe(fingerprint);
      expect(executor.capabilities.languages).toContain(language);
    });

    it("gives each pair one verdict, duplicated candidates included", async () => {
      const tests = [passingTest, failingTest];
      const verdicts = await collect(executor, [
        request("a", program, tests, {}, language),
        request("b", program, tests, {}, language),
        request("c", `${program}\n`, [failingTest], {}, language),
      ]);
      expect(verdicts.size).toBe(5);
      for (const id of ["a", "b"]) {
        expect(verdicts.get(`${id}/${passingTest.id}`)?.status, id).toBe("pass");
        expect(verdicts.get(`${id}/${failingTest.id}`)?.status, id).toBe("fail");
      }
      expect(verdicts.get(`c/${failingTest.id}`)?.status).toBe("fail");
    });

    it("rejects bad requests with a typed error naming the field, and keeps working", async () => {
      const cases: [unknown, string][] = [
        [
          {
            ...request("x", program, [], {}, language),
            tests: [{ id: "t", problemId: "p", kind: "pytest", code: "" }],
          },
          "tests[0].kind",
        ],
        [request("x", program, [], { timeMs: 0 }, language), "limits.timeMs"],
        [request("x", "s = '\ud800'", [], {}, language), "candidate.code"],
        [
          {
            candidate: { id: "x", problemId: "p" },
            tests: [],
            limits: { timeMs: 1, memoryMb: 64, outputBytes: 0 },
          },
          "candidate.code",
        ],
        [{ ...request("x", program, []), language: "cobol" }, "language"],
      ];
      for (const [bad, field] of cases) {
        const error = await collect(executor, [bad as ExecutionRequest]).catch(
          (caught: unknown) => caught,
        );
        expect(CodermError.isInstance(error), field).toBe(true);
        expect((error as CodermError).code, field).toBe("invalid-input");
        expect((error as CodermError).field).toBe(field);
        expect((error as CodermError).message).toContain("bad execution request");
      }
      const verdicts = await collect(executor, [honest("ok")]);
      expect(verdicts.get(`ok/${passingTest.id}`)?.status).toBe("pass");
    });

    it("refuses a language it does not run with an unsupported error, and keeps working", async () => {
      const other = languageSchema.options.find(
        (candidate) => !executor.capabilities.languages.includes(candidate),
      );
      if (other === undefined) return;
      const error = await collect(executor, [
        request("elsewhere", program, [passingTest], {}, other),
      ]).catch((caught: unknown) => caught);
      expect(CodermError.isInstance(error)).toBe(true);
      expect((error as CodermError).code).toBe("unsupported");
      expect((error as CodermError).message).toContain(other);
      const verdicts = await collect(executor, [honest("after-unsupported")]);
      expect(verdicts.get(`after-unsupported/${passingTest.id}`)?.status).toBe("pass");
    });

    it("cancels through an AbortSignal", async () => {
      const controller = new AbortController();
      const slow = Array.from({ length: 6 }, (_, index) =>
        request(`slow-${index}`, fixtures.slowProgram(index), [fixtures.slowTest], {}, language),
      );
      const started = performance.now();
      setTimeout(() => controller.abort(), 200);
      const error = await (async () => {
        for await (const _ of executor.execute(slow, { signal: controller.signal })) {
          // drain
        }
      })().catch((caught: unknown) => caught);
      expect((error as CodermError).code).toBe("cancelled");
      expect(performance.now() - started).toBeLessThan(1500);
      const verdicts = await collect(executor, [honest("after-cancel")]);
      expect(verdicts.get(`after-cancel/${passingTest.id}`)?.status).toBe("pass");
    });

    for (const conformanceCase of fixtures.cases)
      it(conformanceCase.name, () => conformanceCase.run(executor));
  });
}
