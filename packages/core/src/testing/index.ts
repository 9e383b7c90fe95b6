export {
  createMockExecutor,
  type MockExecutor,
  type MockExecutorSettings,
} from "./mock-executor.js";
export {
  createMockRewardModel,
  type MockRewardModel,
  type MockRewardModelSettings,
} from "./mock-reward-model.js";
export { createMockTestScorer, type MockTestScorerSettings } from "./mock-test-scorer.js";
export {
  createMockTextGenerator,
  type MockTextGenerator,
  type MockTextGeneratorSettings,
} from "./mock-text-generator.js";
