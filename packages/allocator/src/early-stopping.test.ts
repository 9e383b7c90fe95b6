import { CodermError, type TestBasedReward } from "@coderm/core";
import {
  createCodermVoteReward,
  createCodetReward,
  createRandomReward,
} from "@coderm/reward-tests";
import { describe, expect, it } from "vitest";
import { createEarlyStopping, type EarlyStopping } from "./early-stopping.js";
import { pickAccuracy } from "./pick-accuracy.js";
import { problemMatrix } from "./problem-matrix-fixture.js";

// clear: the right program (sampled 3 times) passes all 10 tests, the others pass at most 2.
// close: two programs pass everything but the last test tells them apart.
const problems = [
  problemMatrix(
    "clear",
    ["good", "good", "good", "bad1", "bad2"],
    ["PPPPPPPPPP", "PPPPPPPPPP", "PPPPPPPPPP", "PPFFFFFFFF", "FFFFFFFFFP"],
    [true, true, true, false, false],
  ),
  problemMatrix("close", ["a", "b"], ["PPPPP", "PPPPF"], [true, false]),
];

/** Drives the policy with the full matrices' verdicts, as the pipeline drives it with an executor. */
function drive(policy: EarlyStopping): { asked: number; rounds: number } {
  const verdicts = new Map<string, boolean>();
  for (const item of problems)
    for (const [row, candidate] of item.candidates.entries())
      for (const [column, test] of item.tests.entries())
        verdicts.set(`${candidate.id}/${test.id}`, item.matrix.get(row, column) === "pass");
  let asked = 0;
  for (let round = policy.nextRound(); round !== undefined; round = policy.nextRound()) {
    for (const { candidate, tests } of round.runs)
      for (const test of tests) {
        asked += 1;
        policy.record(candidate.id, test.id, verdicts.get(`${candidate.id}/${test.id}`)!);
      }
  }
  return { asked, rounds: policy.rounds };
}

describe("createEarlyStopping", () => {
  for (const method of [createCodermVoteReward(), createCodetReward()] as TestBasedReward[]) {
    it(`${method.name}: picks as the full matrix does, asking for fewer pairs`, () => {
      const policy = createEarlyStopping(problems, { method, seed: 1 });
      const { asked, rounds } = drive(policy);
      const result = policy.result();
      const full = problems.map((item) =>
        pickAccuracy(
          item,
          method,
          item.tests.map((_, column) => column),
        ),
      );
      expect(result.problems.map((outcome) => outcome.passAt1)).toEqual(full);
      expect(result.executions).toBe(asked);
      expect(result.executions).toBeLessThan(result.fullExecutions);
      expect(result.rounds).toBe(rounds);
      expect(policy.active).toBe(0);
      // The clear problem stops before its last test; the close one needs every test.
      expect(result.problems.map((outcome) => outcome.stoppedEarly)).toEqual([true, false]);
    });
  }

  it("asks for an identical pair of two problems once", () => {
    const twin = { ...problems[1]!, problem: { ...problems[1]!.problem, id: "twin" } };
    const policy = createEarlyStopping([problems[1]!, twin], { method: createCodetReward() });
    const { asked } = drive(policy);
    expect(asked).toBe(policy.result().problems[0]!.executions);
  });

  it("refuses a method whose pick it cannot prove final", () => {
    expect(() => createEarlyStopping(problems, { method: createRandomReward() })).toThrow(
      CodermError,
    );
  });
});
