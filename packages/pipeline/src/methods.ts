import { CodermError, type RewardModel, type TestBasedReward } from "@coderm/core";
import { createCombinedReward, createHybridReward } from "@coderm/reward-nt";
import { createTestBasedReward, testBasedMethods } from "@coderm/reward-tests";

/** Methods that read a learned reward model (CodeRM-NT served): alone, pruning, or combined. */
export const learnedMethods = ["nt", "hybrid", "combined"] as const;

/**
 * Every reward method a run can name, by family: the test-based rewards, then the ones that read
 * a learned reward model. Commands and the reward service list methods from this registry, never
 * from a list of their own.
 */
export const rewardMethods: readonly string[] = [...testBasedMethods, ...learnedMethods];

/** Settings every reward method may read. */
export interface RewardMethodSettings {
  /** Seed of random picks (the `random` method). */
  seed?: number | string;
  /**
   * The learned reward model that `nt`, `hybrid` and `combined` read (`createServedRewardModel`
   * of `@coderm/reward-nt`); those methods are a typed error without it.
   */
  rewardModel?: RewardModel;
  /** `hybrid`: distinct programs kept per problem by the reward model before testing (10). */
  keep?: number;
  /** `hybrid`: the test-based method that ranks the kept programs (`codet`). */
  testMethod?: string;
  /** `combined`: weight of the reward model's z-score against the test pass ratio (1). */
  rewardWeight?: number;
}

/** Creates a reward method by name; an unknown name is a typed error listing the known ones. */
export function createRewardMethod(name: string, settings: RewardMethodSettings = {}): RewardModel {
  if (!rewardMethods.includes(name))
    throw new CodermError(
      "invalid-input",
      `unknown method "${name}" (methods: ${rewardMethods.join(", ")})`,
      { field: "methods", item: name },
    );
  if (!(learnedMethods as readonly string[]).includes(name))
    return createTestBasedReward(name, settings);
  const reward = settings.rewardModel;
  if (reward === undefined)
    throw new CodermError(
      "invalid-input",
      `method "${name}" needs a served reward model, and none is configured`,
      { field: "rewardModel", item: name },
    );
  if (name === "nt") return reward.name === "nt" ? reward : { ...reward, name: "nt" };
  if (name === "combined")
    return createCombinedReward({ reward, weight: settings.rewardWeight ?? 1 });
  const testMethod = settings.testMethod ?? "codet";
  if (!(testBasedMethods as readonly string[]).includes(testMethod))
    throw new CodermError(
      "invalid-input",
      `hybrid ranks its kept programs with a test-based method (${testBasedMethods.join(", ")}), not "${testMethod}"`,
      { field: "testMethod", item: testMethod },
    );
  return createHybridReward({
    reward,
    tests: requireTestBasedReward(createTestBasedReward(testMethod, settings), "testMethod"),
    keep: settings.keep ?? 10,
  });
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
