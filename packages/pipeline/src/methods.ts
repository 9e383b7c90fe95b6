import { CodermError, type RewardModel, type TestBasedReward } from "@coderm/core";
import { createTestBasedReward, testBasedMethods } from "@coderm/reward-tests";

/**
 * Every reward method a run can name, by family: the test-based rewards now; learned and hybrid
 * ones register here as their packages arrive. Commands and the reward service list methods from
 * this registry, never from a list of their own.
 */
export const rewardMethods: readonly string[] = [...testBasedMethods];

/** Settings every reward method may read. */
export interface RewardMethodSettings {
  /** Seed of random picks (the `random` method). */
  seed?: number | string;
}

/** Creates a reward method by name; an unknown name is a typed error listing the known ones. */
export function createRewardMethod(name: string, settings: RewardMethodSettings = {}): RewardModel {
  if (!rewardMethods.includes(name))
    throw new CodermError(
      "invalid-input",
      `unknown method "${name}" (methods: ${rewardMethods.join(", ")})`,
      { field: "methods", item: name },
    );
  return createTestBasedReward(name, settings);
}

/**
 * The model as a test-based reward (a synchronous ranking from the pass matrix), which test-budget
 * allocation and early stopping need; any other model is a typed error naming `field`.
 */
export function requireTestBasedReward(model: RewardModel, field: string): TestBasedReward {
  if (
    typeof model.needsPassMatrix === "boolean" &&
    typeof model.ranks === "boolean" &&
    typeof model.rank === "function"
  )
    return model as TestBasedReward;
  throw new CodermError(
    "invalid-input",
    `method "${model.name}" does not rank from the pass matrix, which test-budget allocation needs`,
    { field, item: model.name },
  );
}
