import { createRandom, type Ranking, type TestBasedReward } from "@coderm/core";
import { selectionOf } from "./ranking.js";

/**
 * The unbiased baseline: no preference. Its pick is uniform, so its pass@1 is the plain pass rate
 * and its pass@k the unbiased estimator; `score` draws seeded random scores for callers that need
 * a total order.
 */
export function createRandomReward(options: { seed?: number | string } = {}): TestBasedReward {
  const rank = (): Ranking => ({ groups: [] });
  return {
    name: "random",
    needsPassMatrix: false,
    ranks: true,
    rank,
    async score(input) {
      const random = createRandom(`${options.seed ?? 0}/${input.problem.id}`);
      return input.candidates.map(() => random.next());
    },
    async select(input) {
      return selectionOf(rank(), input.candidates.length);
    },
  };
}
