import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRequest, Executor, Language, UnitTest, Verdict } from "@coderm/core";
import { createMockExecutor, type MockExecutor } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createSqliteVerdictCache } from "./sqlite-verdict-cache.js";
import { assertTest, request as conformanceRequest } from "./testing/conformance.js";
import type { VerdictCache } from "./verdict-cache.js";
import { withDeduplication } from "./with-deduplication.js";
import { withVerdictCache } from "./with-verdict-cache.js";

const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 1000 };
const test = (id: string, code = `assert f() == "${id}"`): UnitTest => assertTest(id, code);
const request = (id: string, code: string, tests: UnitTest[]): ExecutionRequest =>
  conformanceRequest(id, code, tests, limits);

/** A mock that passes a test when the candidate's code contains the test's id. */
function judgeByContent(settings: { fingerprint?: string } = {}): MockExecutor {
  return createMockExecutor({
    ...settings,
    judge: (candidate, unitTest) => (candidate.code.includes(unitTest.id) ? "pass" : "fail"),
  });
}

/** Adds `programKeys` to an executor: a program's key is its text without spaces and comments. */
function withProgramKeys<T extends Executor>(executor: T): T & { keyed: string[] } {
  const keyed: string[] = [];
  return Object.assign(executor, {
    keyed,
    async programKeys(programs: readonly string[], _language: Language) {
      keyed.push(...programs);
      return programs.map((program) =>
        program.startsWith("!") ? null : program.replace(/#.*$/gm, "").replace(/\s/g, ""),
      );
    },
  });
}

async function all(executor: Executor, requests: ExecutionRequest[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for await (const verdict of executor.execute(requests)) verdicts.push(verdict);
  return verdicts;
}

async function cachePath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite");
}

describe("withVerdictCache", () => {
  it("answers a rerun from the cache, marked cached, and asks the backend for nothing", async () => {
    const path = await cachePath();
    const batch = [
      request("c1", "a b", [test("a"), test("b"), test("c")]),
      request("c2", "c", [test("a"), test("c")]),
    ];
    const first = judgeByContent();
    const cold = withVerdictCache(first, { cache: createSqliteVerdictCache({ path }) });
    const coldVerdicts = await all(cold, batch);
    expect(coldVerdicts).toHaveLength(5);
    expect(coldVerdicts.some((verdict) => verdict.cached)).toBe(false);
    expect(cold.stats).toMatchObject({ executed: 5, cached: 0, deduplicated: 0 });
    expect(cold.stats.byStatus).toMatchObject({ pass: 3, fail: 2 });
    await cold.close();
    expect(first.closed).toBe(true);

    const second = judgeByContent();
    const warm = withVerdictCache(second, { cache: createSqliteVerdictCache({ path }) });
    const warmVerdicts = await all(warm, batch);
    expect(warmVerdicts).toHaveLength(5);
    expect(warmVerdicts.every((verdict) => verdict.cached === true)).toBe(true);
    const statuses = Object.fromEntries(
      warmVerdicts.map((verdict) => [`${verdict.candidateId}/${verdict.testId}`, verdict.status]),
    );
    expect(statuses).toEqual({
      "c1/a": "pass",
      "c1/b": "pass",
      "c1/c": "fail",
      "c2/a": "fail",
      "c2/c": "pass",
    });
    expect(second.requests).toHaveLength(0);
    expect(warm.stats).toMatchObject({ executed: 0, cached: 5 });
    await warm.close();
  });

  it("forwards only the missing tests, one request per candidate, under any candidate id", async () => {
    const backend = judgeByContent();
    const executor = withVerdictCache(backend, {
      cache: createSqliteVerdictCache({ path: await cachePath() }),
    });
    await all(executor, [request("first", "a", [test("a"), test("b")])]);
    const verdicts = await all(executor, [
      request("other-id", "a", [test("a"), test("b"), test("c"), test("d")]),
    ]);
    expect(verdicts.map((verdict) => verdict.candidateId)).toEqual(Array(4).fill("other-id"));
    expect(backend.requests).toHaveLength(2);
    expect(backend.requests[1]!.tests.map((unitTest) => unitTest.id)).toEqual(["c", "d"]);
    expect(executor.stats).toMatchObject({ executed: 4, cached: 2 });
    await executor.close();
  });

  it("keys pairs by limits, language, fingerprint and test content, not by ids", async () => {
    const path = await cachePath();
    const first = withVerdictCache(judgeByContent(), { cache: createSqliteVerdictCache({ path }) });
    await all(first, [request("c", "a", [test("a")])]);
    // Another test id with the same content is the same test.
    const renamed = { ...test("a"), id: "renamed" };
    await all(first, [request("c", "a", [renamed])]);
    expect(first.stats.cached).toBe(1);
    await all(first, [{ ...request("c", "a", [test("a")]), limits: { ...limits, timeMs: 999 } }]);
    await all(first, [{ ...request("c", "a", [test("a")]), language: "javascript" }]);
    expect(first.stats).toMatchObject({ executed: 3, cached: 1 });
    await first.close();
    const other = withVerdictCache(judgeByContent({ fingerprint: "another runtime" }), {
      cache: createSqliteVerdictCache({ path }),
    });
    await all(other, [request("c", "a", [test("a")])]);
    expect(other.stats).toMatchObject({ executed: 1, cached: 0 });
    await other.close();
  });

  it("shares verdicts between programs with equal program keys and remembers the keys", async () => {
    const path = await cachePath();
    const first = withProgramKeys(judgeByContent());
    const cold = withVerdictCache(first, { cache: createSqliteVerdictCache({ path }) });
    await all(cold, [request("x", "a  # comment", [test("a")])]);
    await all(cold, [request("y", "a", [test("a")]), request("z", "!a", [test("a")])]);
    expect(cold.stats).toMatchObject({ executed: 2, cached: 1 });
    expect(first.keyed).toEqual(["a  # comment", "a", "!a"]);
    await cold.close();
    // A warm run finds every program's key in the cache: the backend keys nothing.
    const second = withProgramKeys(judgeByContent());
    const warm = withVerdictCache(second, { cache: createSqliteVerdictCache({ path }) });
    await all(warm, [
      request("x", "a  # comment", [test("a")]),
      request("y", "a", [test("a")]),
      request("z", "!a", [test("a")]),
    ]);
    expect(second.keyed).toEqual([]);
    expect(warm.stats).toMatchObject({ executed: 0, cached: 3 });
    await warm.close();
    // Keyed by content only, a reformatted program is another candidate.
    const third = withProgramKeys(judgeByContent());
    const byContent = withVerdictCache(third, {
      cache: createSqliteVerdictCache({ path }),
      candidateKeys: "content",
    });
    await all(byContent, [request("w", "a # other comment", [test("a")])]);
    expect(third.keyed).toEqual([]);
    expect(byContent.stats.executed).toBe(1);
    await byContent.close();
  });

  it("counts the whole stack's work in the outermost wrapper", async () => {
    const backend = judgeByContent();
    const executor = withVerdictCache(withDeduplication(backend), {
      cache: createSqliteVerdictCache({ path: await cachePath() }),
    });
    const tests = [test("a"), test("b")];
    await all(executor, [
      request("1", "a", tests),
      request("2", "a", tests),
      request("3", "b", tests),
    ]);
    expect(executor.stats).toMatchObject({ executed: 4, cached: 0, deduplicated: 2 });
    await all(executor, [request("4", "a", tests)]);
    expect(executor.stats).toMatchObject({ executed: 4, cached: 2, deduplicated: 2 });
    expect(executor.stats.byStatus).toMatchObject({ pass: 4, fail: 4 });
    expect(backend.executed).toBe(4);
    await executor.close();
  });

  it("flushes after each execution and closes the cache with the executor", async () => {
    const calls: string[] = [];
    const store = createSqliteVerdictCache({ path: await cachePath() });
    const cache: VerdictCache = {
      lookup: (...args) => store.lookup(...args),
      put: (...args) => store.put(...args),
      programKey: (textKey) => store.programKey(textKey),
      rememberProgramKey: (...args) => store.rememberProgramKey(...args),
      flush: () => {
        calls.push("flush");
        store.flush();
      },
      close: () => {
        calls.push("close");
        store.close();
      },
    };
    const executor = withVerdictCache(judgeByContent(), { cache });
    await all(executor, [request("c", "a", [test("a")])]);
    expect(calls).toEqual(["flush"]);
    await executor.close();
    expect(calls).toEqual(["flush", "close"]);
    expect(() => executor.execute([])).toThrow(/closed/);
  });

  it("passes the backend's errors on", async () => {
    const executor = withVerdictCache(
      createMockExecutor({
        judge: () => {
          throw new Error("backend broke");
        },
      }),
      { cache: createSqliteVerdictCache({ path: await cachePath() }) },
    );
    await expect(all(executor, [request("c", "a", [test("a")])])).rejects.toThrow("backend broke");
    await executor.close();
  });
});
