import type { RewardModel } from "@coderm/core";
import { learnedScores } from "./learned-scores.js";

/** Settings of {@link createCombinedReward}. */
export interface CombinedRewardSettings {
  /** The learned reward (CodeRM-NT served). */
  reward: RewardModel;
  /** Weight of the learned reward's z-score against the test pass ratio (0..1 per test). */
  weight: number;
  /** The method's name (`combined`). */
  name?: string;
}

/**
 * A score combination: each candidate's pass ratio over the generated tests plus `weight` times
 * its learned reward z-scored within the problem (a problem whose rewards are all equal adds 0).
 * Weight 0 is the pass ratio; a large weight is the learned reward with tests breaking its ties.
 */
export function createCombinedReward(settings: CombinedRewardSettings): RewardModel {
  if (!Number.isFinite(settings.weight) || settings.weight < 0)
    throw new RangeError(`combined weight must be a finite number >= 0, got ${settings.weight}`);
  const scoresOf = learnedScores(settings.reward);
  return {
    name: settings.name ?? "combined",
    needsPassMatrix: true,
    ranks: true,
    async score(input) {
      const matrix = input.passMatrix;
      if (matrix === undefined)
        throw new TypeError(`${settings.name ?? "combined"} needs the pass matrix`);
      const learned = zScores(await scoresOf(input));
      return input.candidates.map((_, row) => {
        const ratio = matrix.columnCount === 0 ? 0 : matrix.passCount(row) / matrix.columnCount;
        return ratio + settings.weight * learned[row]!;
      });
    },
  };
}

/** Values as z-scores (population standard deviation); all zeros when they do not vary. */
export function zScores(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  const deviation = Math.sqrt(variance);
  return values.map((value) => (deviation === 0 ? 0 : (value - mean) / deviation));
}
