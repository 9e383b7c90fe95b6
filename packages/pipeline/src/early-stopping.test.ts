import { pickAccuracy } from "@coderm/allocator";
import { CodermError, type ProblemMatrix, type TestBasedReward } from "@coderm/core";
import { withDeduplication } from "@coderm/executor";
import { createLocalExecutor } from "@coderm/executor-python";
import {
  createCodermVoteReward,
  createCodetReward,
  createRandomReward,
} from "@coderm/reward-tests";
import { assertTest, functionCandidate, functionProblem } from "@coderm/reward-tests/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rerankWithEarlyStopping } from "./early-stopping.js";
import { executeProblems } from "./execute-problems.js";

const executor = withDeduplication(createLocalExecutor({ workers: 2 }));
afterAll(() => executor.close());

const limits = { timeMs: 2000, memoryMb: 256, outputBytes: 1000 };

const repeat = <T>(count: number, make: () => T): T[] => Array.from({ length: count }, make);

// easy (f doubles): "x * 2", sampled 4 times, passes all 12 tests; the wrong programs pass at most
// one each. tie (f is abs): "abs(x)" and "x" pass every (positive) test, only "abs(x)" is right.
// none: candidates but no generated tests.
const input = {
  problems: [
    functionProblem("easy", "    assert candidate(3) == 6\n    assert candidate(-4) == -8\n"),
    functionProblem("tie", "    assert candidate(-3) == 3\n    assert candidate(2) == 2\n"),
    functionProblem("none", "    assert candidate(1) == 2\n"),
  ],
  candidates: [
    ...repeat(4, () => functionCandidate("easy", "x * 2")),
    functionCandidate("easy", "x + 2"),
    functionCandidate("easy", "x * 3"),
    functionCandidate("easy", "x - 1"),
    functionCandidate("easy", "x ** 2"),
    functionCandidate("tie", "abs(x)"),
    functionCandidate("tie", "x"),
    functionCandidate("tie", "-x"),
    functionCandidate("none", "x + 3"),
    functionCandidate("none", "x * 2"),
    functionCandidate("none", "x * 2"),
  ],
  tests: [
    ...Array.from({ length: 12 }, (_, k) =>
      assertTest("easy", `assert f(${k + 3}) == ${2 * (k + 3)}`, k),
    ),
    assertTest("tie", "assert f(1) == 1", 0),
    assertTest("tie", "assert f(2) == 2", 1),
    assertTest("tie", "assert f(5) == 5", 2),
    assertTest("tie", "assert f(7) == 7", 3),
  ],
};

let problems: ProblemMatrix[] = [];
beforeAll(async () => {
  problems = await executeProblems(input, { executor, limits, groundTruthLimits: limits });
}, 60_000);

const byId = (id: string) => problems.findIndex((item) => item.problem.id === id);
const fullAccuracy = (method: TestBasedReward) =>
  problems.map((item) =>
    pickAccuracy(
      item,
      method,
      item.tests.map((_, column) => column),
    ),
  );

describe("the executed problems", () => {
  it("have the expected shape", () => {
    expect(problems.map((item) => item.problem.id)).toEqual(["easy", "tie", "none"]);
    expect(problems.map((item) => item.tests.length)).toEqual([12, 4, 0]);
    expect(problems[byId("easy")]!.correct).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(problems[byId("tie")]!.correct).toEqual([true, false, false]);
  });
});

describe.each([
  ["coderm-vote", createCodermVoteReward],
  ["codet", createCodetReward],
] as const)("rerankWithEarlyStopping with %s", (_, createMethod) => {
  it("picks as the full matrix does with fewer executions", async () => {
    const method = createMethod();
    const rounds: number[] = [];
    const result = await rerankWithEarlyStopping(problems, {
      executor,
      limits,
      method,
      onRound: (round) => rounds.push(round),
    });
    const full = fullAccuracy(method);
    expect(result.problems.map((outcome) => outcome.problemId)).toEqual(["easy", "tie", "none"]);
    result.problems.forEach((outcome, index) => {
      expect(outcome.passAt1).toBeCloseTo(full[index]!, 12);
      expect(outcome.executions).toBeLessThanOrEqual(outcome.fullExecutions);
    });
    expect(full).toEqual([1, 0.5, 2 / 3]);
    expect(result.passAt1).toBeCloseTo((100 * (1 + 0.5 + 2 / 3)) / 3, 10);

    const easy = result.problems[byId("easy")]!;
    // 5 distinct programs x 12 distinct tests.
    expect(easy.fullExecutions).toBe(60);
    expect(easy.executions).toBeLessThan(easy.fullExecutions);
    expect(easy.stoppedEarly).toBe(true);
    expect(easy.testsRun).toBeLessThan(12);

    const tie = result.problems[byId("tie")]!;
    // Two programs pass everything, so every test runs.
    expect(tie.testsRun).toBe(4);
    expect(tie.stoppedEarly).toBe(false);

    const none = result.problems[byId("none")]!;
    expect(none).toMatchObject({
      executions: 0,
      fullExecutions: 0,
      testsRun: 0,
      stoppedEarly: false,
    });

    expect(result.executions).toBe(result.problems.reduce((sum, item) => sum + item.executions, 0));
    expect(result.fullExecutions).toBe(60 + 3 * 4);
    expect(result.executions).toBeLessThan(result.fullExecutions);
    expect(result.problemsStoppedEarly).toBe(1);
    expect(rounds).toEqual(Array.from({ length: result.rounds }, (__, index) => index + 1));
  });

  it("runs the confident rule with no more executions than the exact rule", async () => {
    const method = createMethod();
    const exact = await rerankWithEarlyStopping(problems, { executor, limits, method, seed: 3 });
    const confident = await rerankWithEarlyStopping(problems, {
      executor,
      limits,
      method,
      seed: 3,
      rule: "confident",
    });
    expect(confident.executions).toBeLessThanOrEqual(exact.executions);
    expect(confident.problems).toHaveLength(3);
    for (const outcome of confident.problems) {
      expect(outcome.passAt1).toBeGreaterThanOrEqual(0);
      expect(outcome.passAt1).toBeLessThanOrEqual(1);
      expect(outcome.executions).toBeLessThanOrEqual(outcome.fullExecutions);
    }
  });

  it("counts a failed suite as failed and runs nothing for it", async () => {
    const method = createMethod();
    const result = await rerankWithEarlyStopping(problems, {
      executor,
      limits,
      method,
      judging: { failedSuites: new Set(["easy"]) },
    });
    const easy = result.problems[byId("easy")]!;
    expect(easy).toMatchObject({
      executions: 0,
      fullExecutions: 0,
      testsRun: 0,
      stoppedEarly: false,
    });
    // Every candidate fails every test, so the pick is uniform: 4 correct samples of 8.
    expect(easy.passAt1).toBeCloseTo(0.5, 12);
  });
});

describe("rerankWithEarlyStopping's method check", () => {
  it("rejects a method it cannot stop early", async () => {
    await expect(
      rerankWithEarlyStopping(problems, { executor, limits, method: createRandomReward() }),
    ).rejects.toThrow(CodermError);
  });
});
