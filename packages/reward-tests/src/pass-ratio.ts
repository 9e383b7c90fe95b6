import type { Ranking, RewardInput, TestBasedReward } from "@coderm/core";
import { completeColumns } from "./matrix.js";
import { requireMatrix, selectionOf } from "./ranking.js";

function ratios(input: RewardInput): number[] {
  const matrix = requireMatrix(input);
  const columns = completeColumns(matrix);
  return input.candidates.map((_, row) =>
    columns.length === 0 ? 0 : matrix.passCount(row, columns) / columns.length,
  );
}

/**
 * The fraction of tests a candidate passes: the common dense reward of RL on code. Candidates are
 * ranked by it, equal fractions tying.
 */
export function createPassRatioReward(): TestBasedReward {
  const rank = (input: RewardInput): Ranking => {
    const scores = ratios(input);
    const distinct = [...new Set(scores)].sort((a, b) => b - a);
    return {
      groups: distinct.map((value) =>
        scores.flatMap((score, row) => (score === value ? [row] : [])),
      ),
    };
  };
  return {
    name: "pass-ratio",
    needsPassMatrix: true,
    ranks: true,
    rank,
    async score(input) {
      return ratios(input);
    },
    async select(input) {
      return selectionOf(rank(input), input.candidates.length);
    },
  };
}
