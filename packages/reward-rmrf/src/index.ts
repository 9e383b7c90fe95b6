export {
  type SuiteObservation,
  type TestDeltas,
  type TestDeltasInput,
  testDeltas,
} from "./deltas.js";
export {
  type CrossValidationOptions,
  type CrossValidationResult,
  crossValidateEmbeddedModel,
} from "./evaluation/cross-validation.js";
export {
  auroc,
  averageRanks,
  brierScore,
  type ClassificationMetrics,
  classificationMetrics,
  evaluateTestScores,
  expectedCalibrationError,
  spearman,
  type TargetReport,
  type TestScoreReport,
  type TestScoreTarget,
  type TestScoreThreshold,
  type TestScoreTruth,
  testScoreTargets,
} from "./evaluation/metrics.js";
export { type RmrfRow, rmrfRow } from "./evaluation/rmrf-rows.js";
export { type ScoredRows, scoreRows } from "./evaluation/score-rows.js";
export {
  createEmbeddedTestScorer,
  type EmbeddedPredictor,
  type EmbeddedTestScorerSettings,
  loadEmbeddedPredictor,
  shippedEmbeddedModelPath,
} from "./predictors/embedded-scorer.js";
export {
  createFeatureExtractor,
  type FeatureExtractor,
  type FeatureInput,
  type FeatureName,
  featureDefinitions,
  featureNames,
} from "./predictors/features.js";
export { predictTestScore } from "./predictors/forest.js";
export {
  type EmbeddedModel,
  embeddedModelSchema,
  parseEmbeddedModel,
  readEmbeddedModel,
  writeEmbeddedModel,
} from "./predictors/model-file.js";
export {
  createServedTestScorer,
  readAnswer,
  type ServedTestScorerSettings,
  servedTestScorerMessages,
  servedTestScorerTemplate,
} from "./predictors/served-scorer.js";
export type { SourceLanguage } from "./predictors/syntax.js";
export {
  type TestLabels,
  type TrainEmbeddedModelOptions,
  type TrainingRow,
  thresholdsFor,
  trainEmbeddedModel,
} from "./predictors/train.js";
export {
  readTrainingPairs,
  type TrainingPair,
  type TrainingPairSplits,
} from "./predictors/training-pairs.js";
export {
  killedStatuses,
  parseRmrfSample,
  type RmrfLanguage,
  type RmrfSample,
  type RmrfSampleFiles,
  type RmrfSuiteRun,
  readRmrfSample,
  readRmrfSamples,
  rmrfSampleDeltas,
} from "./rmrf-sample.js";
export { pythonLiteral, testSourceText } from "./test-text.js";
