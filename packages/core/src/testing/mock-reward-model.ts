import type { RewardInput, RewardModel } from "../interfaces/reward-model.js";

/** Settings of {@link createMockRewardModel}. */
export interface MockRewardModelSettings {
  /** The model's name (`mock`). */
  name?: string;
  /** Whether it asks for the pass matrix (false). */
  needsPassMatrix?: boolean;
  /** The scores of an input; the candidates' positions reversed by default (the last is best). */
  score?: (input: RewardInput) => number[] | Promise<number[]>;
}

/** A {@link RewardModel} that scores with a function and remembers every input. */
export interface MockRewardModel extends RewardModel {
  /** Every input scored, in order. */
  readonly inputs: RewardInput[];
}

/** A mock of the {@link RewardModel} interface for tests of code that drives reward models. */
export function createMockRewardModel(settings: MockRewardModelSettings = {}): MockRewardModel {
  const inputs: RewardInput[] = [];
  return {
    name: settings.name ?? "mock",
    needsPassMatrix: settings.needsPassMatrix ?? false,
    inputs,
    async score(input) {
      inputs.push(input);
      return settings.score?.(input) ?? input.candidates.map((_, position) => position);
    },
  };
}
