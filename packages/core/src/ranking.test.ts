import { describe, expect, it } from "vitest";
import { rankingFromScores, rankingPassAtK } from "./ranking.js";

describe("rankingFromScores", () => {
  it("groups equal scores, highest first, unscored last", () => {
    expect(rankingFromScores([1, 3, 1, Number.NaN, 2]).groups).toEqual([[1], [4], [0, 2], [3]]);
    expect(rankingFromScores([]).groups).toEqual([]);
  });

  it("gives the expected pass@k of a tie-sharing pick", () => {
    const ranking = rankingFromScores([5, 5, 1]);
    expect(rankingPassAtK(ranking, [true, false, true], 1)).toBe(0.5);
    expect(rankingPassAtK(ranking, [true, false, true], 2)).toBe(1);
  });
});
