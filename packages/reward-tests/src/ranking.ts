import {
  CodermError,
  passAtK,
  type RewardInput,
  type RewardModel,
  type Selection,
} from "@coderm/core";
import { uniformOver } from "./matrix.js";

/**
 * How a test-based reward orders candidates (rows of the pass matrix): tie groups, best first. A
 * pick takes a uniform candidate of the first group, so ties are an expected value, never a lucky
 * first element. Rows in no group are never picked; with no groups at all the method has no
 * signal and picks uniformly among all candidates.
 */
export interface Ranking {
  groups: number[][];
}

/** A reward model that ranks candidates by their pass matrix. */
export interface TestBasedReward extends RewardModel {
  /** The ranking of the input's candidates; needs `input.passMatrix`. */
  rank(input: RewardInput): Ranking;
  /**
   * True when the ranking orders more than the pick, so pass@k for k > 1 is meaningful (CodeT's
   * rule: the k picks walk down the tie groups).
   */
  readonly ranks: boolean;
}

/** The pass matrix of an input, or a typed error naming the problem. */
export function requireMatrix(input: RewardInput) {
  if (input.passMatrix === undefined) {
    throw new CodermError(
      "invalid-input",
      "a test-based reward needs the candidates' pass matrix",
      { item: input.problem.id, field: "passMatrix" },
    );
  }
  if (input.passMatrix.rowCount !== input.candidates.length) {
    throw new CodermError(
      "invalid-input",
      `the pass matrix has ${input.passMatrix.rowCount} rows for ${input.candidates.length} candidates`,
      { item: input.problem.id, field: "passMatrix" },
    );
  }
  return input.passMatrix;
}

/** The selection a ranking implies: uniform over its first group (or over all rows). */
export function selectionOf(ranking: Ranking, rowCount: number): Selection {
  const top = ranking.groups[0];
  return {
    probabilities: uniformOver(rowCount, top ?? Array.from({ length: rowCount }, (_, row) => row)),
  };
}

/**
 * Expected pass@k of a ranking against ground truth, by CodeT's rule: the first k tie groups get
 * one pick each (with fewer groups, the extra picks go round the groups from the top), a pick is
 * uniform within its group, and the result is 1 - P(every pick is wrong). Without groups it is the
 * unbiased pass@k over all candidates.
 */
export function rankingPassAtK(ranking: Ranking, correct: readonly boolean[], k: number): number {
  const n = correct.length;
  if (n === 0) return 0;
  const groups = ranking.groups.filter((group) => group.length > 0);
  if (groups.length === 0) {
    const c = correct.filter(Boolean).length;
    return passAtK(n, c, Math.min(k, n));
  }
  const chosen = groups.slice(0, k);
  const picks = chosen.map(() => 1);
  for (let extra = 0; extra < k - chosen.length; extra++) picks[extra % chosen.length]! += 1;
  let allWrong = 1;
  chosen.forEach((group, index) => {
    const c = group.filter((row) => correct[row]).length;
    allWrong *= (1 - c / group.length) ** picks[index]!;
  });
  return 1 - allWrong;
}
