export { AsyncQueue } from "./async-queue.js";
export { contentId, jsonContentId, normalizeText, sha256 } from "./content-id.js";
export {
  CodermError,
  type CodermErrorCode,
  type CodermErrorLocation,
  type CodermErrorOptions,
} from "./errors.js";
export {
  type ExecuteOptions,
  type Executor,
  type ExecutorCapabilities,
  type SandboxLevel,
  sandboxLevels,
} from "./interfaces/executor.js";
export type {
  Ranking,
  RewardInput,
  RewardModel,
  Selection,
  TestBasedReward,
} from "./interfaces/reward-model.js";
export type { TestScore, TestScorer, TestScorerInput } from "./interfaces/test-scorer.js";
export type { TestSelection } from "./interfaces/test-selection.js";
export type {
  ChatMessage,
  Completion,
  GenerateOptions,
  GenerationJob,
  GenerationUsage,
  ResponseFormat,
  Sampling,
  TextGenerator,
} from "./interfaces/text-generator.js";
export {
  canonicalJson,
  type JsonValue,
  type PythonValue,
  parseJson,
  parsePythonJson,
  stringifyJson,
} from "./json.js";
export {
  assertTestSchema,
  type CallOracle,
  type Candidate,
  callOracles,
  callTestSchema,
  candidateSchema,
  checkTestSchema,
  type ExecutionLimits,
  type ExecutionRequest,
  executionLimitsSchema,
  executionRequestSchema,
  type Language,
  languageSchema,
  type Problem,
  problemSchema,
  type Source,
  sourceSchema,
  starvedErrorType,
  stdioTestSchema,
  type TestConvention,
  testConventions,
  type UnitTest,
  type UnitTestKind,
  unitTestKinds,
  unitTestSchema,
  unittestTestSchema,
  type Verdict,
  type VerdictStatus,
  verdictSchema,
  verdictStatuses,
  verdictStatusSchema,
} from "./model.js";
export { PassMatrix, type PassMatrixData, passMatrixSchema } from "./pass-matrix.js";
export type { ProblemMatrix } from "./problem-matrix.js";
export { createRandom, type Random } from "./random.js";
export { rankingFromScores, rankingPassAtK } from "./ranking.js";
export {
  average,
  type BootstrapOptions,
  bootstrapInterval,
  type Interval,
  passAtK,
} from "./statistics.js";
