import type { Ranking, RewardInput, TestBasedReward } from "@coderm/core";
import { allRows, completeColumns, groupByPassedSet } from "./matrix.js";
import { requireMatrix, selectionOf } from "./ranking.js";

/**
 * CodeRM-8B's majority vote (Ma et al. 2025, arXiv 2501.01054; `evaluation/calculate_result.py`):
 * keep the candidates that pass the most tests; among them keep those whose passed set is shared
 * by the most of them (every set reaching that count is kept); the pick is uniform among the kept.
 * With no tests or no passes, every candidate is kept.
 */
export function createCodermVoteReward(): TestBasedReward {
  const analyse = (input: RewardInput) => {
    const matrix = requireMatrix(input);
    const columns = completeColumns(matrix);
    const rows = allRows(matrix);
    const counts = rows.map((row) => matrix.passCount(row, columns));
    const best = Math.max(0, ...counts);
    const top = rows.filter((row) => counts[row] === best);
    const consistency = new Array<number>(rows.length).fill(0);
    for (const group of groupByPassedSet(matrix, top, columns).values())
      for (const row of group) consistency[row] = group.length;
    return { counts, consistency, top };
  };
  const rank = (input: RewardInput): Ranking => {
    if (input.candidates.length === 0) return { groups: [] };
    const { consistency, top } = analyse(input);
    const most = Math.max(...top.map((row) => consistency[row]!));
    return { groups: [top.filter((row) => consistency[row] === most)] };
  };
  return {
    name: "coderm-vote",
    needsPassMatrix: true,
    ranks: false,
    rank,
    async score(input) {
      const { counts, consistency } = analyse(input);
      const scale = input.candidates.length + 1;
      return counts.map((count, row) => count * scale + consistency[row]!);
    },
    async select(input) {
      return selectionOf(rank(input), input.candidates.length);
    },
  };
}
