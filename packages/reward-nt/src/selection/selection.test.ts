import { type Candidate, PassMatrix, type Problem } from "@coderm/core";
import { createMockRewardModel } from "@coderm/core/testing";
import { createTestBasedReward } from "@coderm/reward-tests";
import { describe, expect, it } from "vitest";
import { createCombinedReward, zScores } from "./combined-reward.js";
import { createHybridReward, keptRows } from "./hybrid-reward.js";

const problem: Problem = { id: "p", prompt: "", entryPoint: "f", language: "python" };
const candidate = (id: string): Candidate => ({ id, problemId: "p", code: `# ${id}` });

/** A pass matrix of rows (candidates) by columns (tests) from strings of "1" and "0". */
function matrix(candidates: readonly Candidate[], rows: readonly string[]): PassMatrix {
  const tests = [...rows[0]!].map((_, column) => `t${column}`);
  const result = new PassMatrix(
    "p",
    candidates.map((item) => item.id),
    tests,
  );
  rows.forEach((row, index) => {
    [...row].forEach((cell, column) => {
      result.set(index, column, cell === "1" ? "pass" : "fail");
    });
  });
  return result;
}

describe("keptRows", () => {
  it("keeps every sample of the best distinct programs, the earlier program winning a tie", () => {
    const candidates = ["a", "b", "a", "c", "d"].map(candidate);
    expect(keptRows(candidates, [1, 2, 1, 2, 0], 1)).toEqual([1]);
    expect(keptRows(candidates, [1, 2, 1, 2, 0], 2)).toEqual([1, 3]);
    expect(keptRows(candidates, [1, 2, 1, 2, 0], 3)).toEqual([0, 1, 2, 3]);
    expect(keptRows(candidates, [1, 2, 1, 2, 0], 9)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("createHybridReward", () => {
  const candidates = ["a", "b", "c", "d"].map(candidate);
  // the learned reward prefers d, then c; the tests prefer a (it passes everything)
  const reward = createMockRewardModel({ score: () => [0, 1, 2, 3] });
  const passMatrix = matrix(candidates, ["111", "100", "110", "100"]);

  it("tests the kept programs only and lets the tests rank them, the pruned after by reward", async () => {
    const hybrid = createHybridReward({
      reward,
      tests: createTestBasedReward("codet"),
      keep: 2,
    });
    expect(await hybrid.candidatesToTest!({ problem, candidates })).toEqual([2, 3]);
    const ranking = await hybrid.rank!({ problem, candidates, passMatrix });
    // among c and d the tests prefer c; then the pruned b, then a
    expect(ranking.groups).toEqual([[2], [3], [1], [0]]);
    const scores = await hybrid.score({ problem, candidates, passMatrix });
    expect(scores.indexOf(Math.max(...scores))).toBe(2);
  });

  it("picks uniformly among the kept programs when the tests rank none of them", async () => {
    const hybrid = createHybridReward({
      reward,
      tests: createTestBasedReward("codet"),
      keep: 2,
    });
    const failing = matrix(candidates, ["111", "100", "000", "000"]);
    const ranking = await hybrid.rank!({ problem, candidates, passMatrix: failing });
    // c and d pass nothing: CodeT has no signal among them, so the pick is uniform over both
    expect(ranking.groups).toEqual([[2, 3], [1], [0]]);
  });

  it("is the test-based reward when it keeps everything", async () => {
    const codet = createTestBasedReward("codet");
    const hybrid = createHybridReward({ reward, tests: codet, keep: 4 });
    expect((await hybrid.rank!({ problem, candidates, passMatrix })).groups[0]).toEqual(
      codet.rank({ problem, candidates, passMatrix }).groups[0],
    );
  });

  it("refuses a keep below one", () => {
    expect(() =>
      createHybridReward({ reward, tests: createTestBasedReward("codet"), keep: 0 }),
    ).toThrow(/keep must be a positive integer/);
  });
});

describe("createCombinedReward", () => {
  it("adds the weighted z-score of the reward to the pass ratio", async () => {
    const candidates = ["a", "b"].map(candidate);
    const reward = createMockRewardModel({ score: () => [0, 4] });
    const passMatrix = matrix(candidates, ["11", "10"]);
    // z-scores of [0, 4] are [-1, 1]
    expect(zScores([0, 4])).toEqual([-1, 1]);
    expect(zScores([5, 5])).toEqual([0, 0]);
    const light = createCombinedReward({ reward, weight: 0.2 });
    expect(await light.score({ problem, candidates, passMatrix })).toEqual([0.8, 0.7]);
    const heavy = createCombinedReward({ reward, weight: 1 });
    expect(await heavy.score({ problem, candidates, passMatrix })).toEqual([0, 1.5]);
  });
});
