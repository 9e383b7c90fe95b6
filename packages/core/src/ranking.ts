import type { Ranking } from "./interfaces/reward-model.js";
import { passAtK } from "./statistics.js";

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

/**
 * The ranking that scores imply: positions grouped by equal score, highest first. NaN scores
 * (a model that could not score a candidate) rank last, in a group of their own.
 */
export function rankingFromScores(scores: readonly number[]): Ranking {
  const byScore = new Map<number, number[]>();
  const unscored: number[] = [];
  scores.forEach((score, position) => {
    if (Number.isNaN(score)) {
      unscored.push(position);
      return;
    }
    const group = byScore.get(score);
    if (group === undefined) byScore.set(score, [position]);
    else group.push(position);
  });
  const groups = [...byScore.entries()].sort((a, b) => b[0] - a[0]).map(([, group]) => group);
  if (unscored.length > 0) groups.push(unscored);
  return { groups };
}
