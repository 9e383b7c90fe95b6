export { type RunAllocationStudyOptions, runAllocationStudy } from "./allocation-study.js";
export {
  compareEvalResults,
  type EvalResultsComparison,
  type EvalResultsDifference,
} from "./compare-eval-results.js";
export {
  type RerankWithEarlyStoppingOptions,
  rerankWithEarlyStopping,
} from "./early-stopping.js";
export {
  type EvalPlusResultEntry,
  type EvalPlusResults,
  evalPlusResults,
  writeEvalPlusResults,
} from "./eval-results.js";
export {
  type EvalPlusSettings,
  evalPlusDefaults,
  type SequenceStatus,
  sequenceStatus,
  type TestSequence,
  testSequences,
  withEvalPlusLimits,
} from "./evalplus-rules.js";
export {
  type EvaluateEvent,
  type EvaluateOptions,
  type EvaluateResult,
  evaluate,
  type ProblemSelection,
} from "./evaluate.js";
export {
  type ExecuteProblemsOptions,
  type ExecutionProgress,
  executeProblems,
  type ProblemSamples,
  type RerankInput,
  type RerankStream,
} from "./execute-problems.js";
export {
  type BatchedExecution,
  createExecutionBatcher,
  type ExecutionBatcher,
  type ExecutionBatcherSettings,
  type SubmitOptions,
} from "./execution-batcher.js";
export {
  type ExecutorSettings,
  executorNames,
  type OpenedExecutor,
  openExecutor,
} from "./executors.js";
export { type GenerateOptions, generate } from "./generate.js";
export {
  candidatesOf,
  createGenerator,
  extractProblem,
  type GenerationKind,
  type GeneratorSettings,
  generateByProblem,
  generationJobs,
  type ProblemCompletions,
  type ProblemGeneration,
  resolveTemplate,
  type TestCodeSource,
  testsOf,
  usageReport,
  writeProblemGeneration,
} from "./generation.js";
export {
  type JudgeCandidatesOptions,
  judgeCandidates,
  type PrepareGroundTruthOptions,
  prepareGroundTruth,
} from "./ground-truth.js";
export {
  expectedOutputsFromExecutor,
  type JudgedSample,
  type JudgedSequence,
  type JudgeOptions,
  judgeSamples,
  passAtKPercent,
} from "./judge.js";
export { applyJudgingPolicy, type JudgingPolicy, verdictsOnly } from "./judging-policy.js";
export {
  createRewardMethod,
  learnedMethods,
  type RewardMethodSettings,
  requireTestBasedReward,
  rewardMethods,
} from "./methods.js";
export { createProblemLookup, type ProblemLookupSettings } from "./problem-lookup.js";
export {
  type MethodScores,
  matrixTestQuality,
  type ProblemOutcome,
  type RerankOptions,
  type RerankResult,
  rankingOf,
  rerank,
  scoreMatrices,
} from "./rerank.js";
export {
  type InputError,
  loadRerankInputs,
  type RerankInputs,
  type RerankSource,
} from "./rerank-inputs.js";
export {
  type InlineTest,
  inlineTestSchema,
  inlineUnitTests,
  inputOutputSchema,
  type KnownProblem,
  type ProblemLookup,
  problemReferenceSchema,
  type ResolvedItem,
  type RewardItem,
  type RewardItemInput,
  resolveRewardItem,
  rewardItemSchema,
  rewardModes,
  rewardShapings,
} from "./reward-items.js";
export {
  createRewardScorer,
  type RewardResult,
  type RewardScorer,
  type RewardScorerSettings,
  type RewardStatus,
  type RewardVerdict,
  type ScoreOptions,
} from "./reward-scorer.js";
export {
  type BuildRmrfDatasetOptions,
  buildRmrfDataset,
  type RmrfDataset,
  type RmrfDatasetProgress,
  type RmrfDatasetStatistics,
  type RmrfSourceDataset,
  rmrfSourceDatasets,
  type WrittenRmrfDataset,
  writeRmrfDataset,
} from "./rmrf-dataset.js";
export {
  type GenerationCounts,
  type RunEvent,
  type RunFiles,
  type RunOptions,
  type RunResult,
  run,
} from "./run.js";
export {
  candidateOfRecord,
  problemOfTask,
  readSamples,
  readTests,
  type Sample,
  type SolutionRecord,
  solutionRecordSchema,
  type TestLine,
  type TestRecord,
  testOfRecord,
  testRecordSchema,
  type UnparsedRecord,
  unparsedRecordSchema,
} from "./sample-files.js";
export { type FilteredTests, type FilterTestsOptions, filterTests } from "./test-filter.js";
