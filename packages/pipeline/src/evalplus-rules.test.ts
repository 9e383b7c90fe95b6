import type { Problem, UnitTest, Verdict } from "@coderm/core";
import { describe, expect, it } from "vitest";
import {
  evalPlusDefaults,
  sequenceStatus,
  testSequences,
  withEvalPlusLimits,
} from "./evalplus-rules.js";

function call(id: string, expected: unknown, extra: Partial<UnitTest> = {}): UnitTest {
  return {
    kind: "call",
    id,
    problemId: "HumanEval/0",
    entryPoint: "f",
    args: [1],
    expected,
    ...extra,
  } as UnitTest;
}

const problem: Problem = {
  id: "HumanEval/0",
  prompt: "",
  entryPoint: "f",
  language: "python",
  tests: [
    call("b0", 1),
    call("b1", 0.5),
    call("b2", 2),
    call("p0", [1, 2]),
    call("p1", { $tuple: [1.5, { $float: "2.0" }] }),
    call("p2", "x"),
  ],
  metadata: { baseTestCount: 3 },
};

describe("withEvalPlusLimits", () => {
  it("gives each input max(minimum, factor x reference) and carries EvalPlus's float tolerance within a sequence", () => {
    const limited = withEvalPlusLimits(problem, [1, 2000, 0.4, 10, 3, 1500], evalPlusDefaults);
    const tests = limited.tests!.map((test) => ({
      id: test.id,
      timeMs: test.timeMs,
      atol: test.kind === "call" ? test.atol : undefined,
    }));
    expect(tests).toEqual([
      { id: "b0", timeMs: 4000, atol: undefined },
      { id: "b1", timeMs: 8000, atol: 1e-6 },
      { id: "b2", timeMs: 4000, atol: 1e-6 },
      // the plus inputs start again from the task's own tolerance
      { id: "p0", timeMs: 4000, atol: undefined },
      { id: "p1", timeMs: 4000, atol: 1e-6 },
      { id: "p2", timeMs: 6000, atol: 1e-6 },
    ]);
  });

  it("keeps a task's own tolerance, leaves find_zero's alone and refuses a wrong count of times", () => {
    const own = {
      ...problem,
      tests: [call("a", 1, { atol: 0.01 }), call("b", 0.5, { oracle: "find_zero" } as never)],
      metadata: { baseTestCount: 2 },
    };
    const limited = withEvalPlusLimits(own, [0, 0], evalPlusDefaults).tests!;
    expect(limited.map((test) => (test.kind === "call" ? test.atol : undefined))).toEqual([
      0.01,
      undefined,
    ]);
    expect(() => withEvalPlusLimits(problem, [1], evalPlusDefaults)).toThrow(
      "expected 6 reference times, got 1",
    );
  });
});

describe("testSequences and sequenceStatus", () => {
  it("splits EvalPlus's base and plus inputs, and one sequence elsewhere", () => {
    expect(testSequences(problem)).toEqual([
      { name: "base", start: 0, end: 3 },
      { name: "plus", start: 3, end: 6 },
    ]);
    expect(testSequences({ ...problem, metadata: {} })).toEqual([
      { name: "all", start: 0, end: 6 },
    ]);
  });

  it("is a timeout only when the tests together outlast EvalPlus's whole-run limit", () => {
    const tests = withEvalPlusLimits(problem, [0, 0, 0, 0, 0, 0], evalPlusDefaults).tests!.slice(
      0,
      3,
    );
    const verdict = (status: Verdict["status"], wallMs: number): Verdict => ({
      candidateId: "c",
      testId: "t",
      status,
      wallMs,
      cpuMs: 0,
    });
    const settings = evalPlusDefaults;
    expect(
      sequenceStatus(
        tests,
        [1, 2, 3].map(() => verdict("pass", 5)),
        settings,
        false,
      ),
    ).toBe("pass");
    // a per-input timeout is a failure, as in EvalPlus
    expect(sequenceStatus(tests, [verdict("timeout", 4000)], settings, false)).toBe("fail");
    // 3 inputs of 4 s allow 12 s + 2 s of slack (+ 1 s when every input is reported)
    expect(
      sequenceStatus(tests, [verdict("pass", 7000), verdict("pass", 7500)], settings, false),
    ).toBe("timeout");
    expect(
      sequenceStatus(tests, [verdict("pass", 7000), verdict("pass", 7500)], settings, true),
    ).toBe("fail");
  });
});
