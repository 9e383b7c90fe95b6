import type { Ranking, RewardInput, TestBasedReward } from "@coderm/core";
import { completeColumns, groupByPassedSet } from "./matrix.js";
import { requireMatrix, selectionOf } from "./ranking.js";

interface ScoredGroup {
  rows: number[];
  score: number;
}

function scoreGroups(input: RewardInput): ScoredGroup[] {
  const matrix = requireMatrix(input);
  const columns = completeColumns(matrix);
  const passing = Array.from({ length: matrix.rowCount }, (_, row) => row).filter(
    (row) => matrix.passCount(row, columns) > 0,
  );
  return [...groupByPassedSet(matrix, passing, columns).values()].map((rows) => ({
    rows,
    score: matrix.passCount(rows[0]!, columns) * Math.sqrt(rows.length),
  }));
}

/**
 * CodeT's dual execution agreement (Chen et al. 2022, arXiv 2207.10397). Candidates that pass the
 * exact same set of tests form a consensus group; a group scores (tests passed) × sqrt(candidates
 * in it), where tests and candidates sampled several times count as many (repeated rows and
 * columns of the matrix). Only candidates passing at least one test are ranked; groups with equal
 * scores tie. Without any passing candidate it falls back to a uniform pick, as CodeT does.
 */
export function createCodetReward(): TestBasedReward {
  const rank = (input: RewardInput): Ranking => {
    const groups = scoreGroups(input).sort((a, b) => b.score - a.score);
    const tied: Ranking["groups"] = [];
    let lastScore: number | undefined;
    for (const group of groups) {
      if (group.score === lastScore) tied[tied.length - 1]!.push(...group.rows);
      else tied.push([...group.rows]);
      lastScore = group.score;
    }
    return { groups: tied };
  };
  return {
    name: "codet",
    needsPassMatrix: true,
    ranks: true,
    rank,
    async score(input) {
      const scores = new Array<number>(input.candidates.length).fill(0);
      for (const group of scoreGroups(input))
        for (const row of group.rows) scores[row] = group.score;
      return scores;
    },
    async select(input) {
      return selectionOf(rank(input), input.candidates.length);
    },
  };
}
