export {
  type Allocation,
  allocateEqual,
  allocateGreedy,
  allocations,
  defaultMargin,
  type GreedyOptions,
} from "./allocate.js";
export {
  createOracleDifficulty,
  createPredictedDifficulty,
  createUniformDifficulty,
  type DifficultyContext,
  type DifficultyEstimator,
  difficultyFeatureNames,
  difficultyFeatures,
  fitRidge,
  type PredictedDifficultyOptions,
} from "./difficulty.js";
export {
  createEarlyStopping,
  type EarlyStoppedProblem,
  type EarlyStopping,
  type EarlyStoppingOptions,
  type EarlyStoppingResult,
  type EarlyStoppingRound,
  earlyStoppingMethods,
  summarizeEarlyStopping,
} from "./early-stopping.js";
export {
  allocateFoldGreedy,
  assignFolds,
  type FoldGreedyInputs,
  type FoldGreedyPlan,
  foldGreedyPlan,
  gainVectors,
} from "./fold-greedy.js";
export {
  type AccuracyCurve,
  type AccuracyCurveOptions,
  accuracyCurve,
  fitGainModel,
  type GainExample,
  type GainModel,
} from "./gain-model.js";
export { passRate, pickAccuracy, testOrder } from "./pick-accuracy.js";
export {
  type AllocationStudy,
  type AllocationStudyOptions,
  allocationStudy,
  defaultStudyBudgets,
} from "./study.js";
export {
  type EarlyStoppingSummary,
  type GreedyStrategy,
  greedyStrategies,
  type StudyResult,
  type StudyStrategy,
  studyStrategies,
} from "./study-result.js";
export { createTestBudget, type TestBudgetOptions, testBudgetAllocations } from "./test-budget.js";
