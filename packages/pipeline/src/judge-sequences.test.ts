import type { Problem, UnitTest } from "@coderm/core";
import { createLocalExecutor } from "@coderm/executor-python";
import { afterAll, describe, expect, it } from "vitest";
import { evalPlusDefaults } from "./evalplus-rules.js";
import { type JudgedSample, judgeSamples } from "./judge.js";

const executor = createLocalExecutor({ workers: 2 });
afterAll(() => executor.close());

const tests: UnitTest[] = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => ({
  kind: "call",
  id: `t${x}`,
  problemId: "p",
  entryPoint: "f",
  args: [x],
  expected: x * 2,
}));
const problem: Problem = {
  id: "p",
  prompt: "",
  entryPoint: "f",
  language: "python",
  tests,
  metadata: { baseTestCount: 3 },
};
const limits = { timeMs: 2000, memoryMb: 256, outputBytes: 1024 };

async function judge(program: string, stopAtFirstFailure: boolean): Promise<JudgedSample> {
  const judged: JudgedSample[] = [];
  for await (const sample of judgeSamples([{ index: 0, taskId: "p", program }], {
    problems: new Map([["p", problem]]),
    executor,
    limits,
    stopAtFirstFailure,
    evalPlus: evalPlusDefaults,
  }))
    judged.push(sample);
  return judged[0]!;
}

describe("judgeSamples by test sequence", () => {
  it("stops each sequence at its first failure and still judges the plus inputs after a base failure", async () => {
    // wrong on 1 (base) and on 5 (plus)
    const sample = await judge("def f(x):\n    return 0 if x in (1, 5) else 2 * x\n", true);
    expect(sample.passed).toBe(false);
    expect(
      sample.sequences.map(({ name, status, verdicts, testCount }) => ({
        name,
        status,
        ran: verdicts.map((verdict) => verdict.testId),
        testCount,
      })),
    ).toEqual([
      { name: "base", status: "fail", ran: ["t0", "t1"], testCount: 3 },
      { name: "plus", status: "fail", ran: ["t3", "t4", "t5"], testCount: 5 },
    ]);
  });

  it("runs every input when asked, and passes a program right on all of them", async () => {
    const details = await judge("def f(x):\n    return 0 if x == 1 else 2 * x\n", false);
    expect(details.verdicts.map((verdict) => verdict.status)).toEqual([
      "pass",
      "fail",
      "pass",
      "pass",
      "pass",
      "pass",
      "pass",
      "pass",
    ]);
    expect(details.sequences.map((sequence) => sequence.status)).toEqual(["fail", "pass"]);
    const right = await judge("def f(x):\n    return 2 * x\n", true);
    expect(right.passed).toBe(true);
    expect(right.verdicts).toHaveLength(8);
  });
});
