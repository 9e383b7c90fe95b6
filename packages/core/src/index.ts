export { AsyncQueue } from "./async-queue.js";
export { defaultCacheDir } from "./cache-dir.js";
export { contentId, jsonContentId, normalizeText, sha256 } from "./content-id.js";
export {
  CodermError,
  type CodermErrorCode,
  type CodermErrorLocation,
  type CodermErrorOptions,
} from "./errors.js";
export type {
  ExecuteOptions,
  Executor,
  ExecutorCapabilities,
  RewardInput,
  RewardModel,
  Selection,
} from "./interfaces.js";
export {
  canonicalJson,
  type JsonValue,
  type PythonValue,
  parseJson,
  parsePythonJson,
  stringifyJson,
} from "./json.js";
export {
  createJsonlWriter,
  isGzipFile,
  type JsonlRecord,
  type JsonlWriter,
  type JsonlWriterOptions,
  openDecompressed,
  type ReadJsonlOptions,
  readJsonl,
  writeJsonl,
} from "./jsonl.js";
export {
  assertTestSchema,
  type Candidate,
  callTestSchema,
  candidateSchema,
  checkTestSchema,
  defaultExecutionLimits,
  type ExecutionLimits,
  type ExecutionRequest,
  executionLimitsSchema,
  executionRequestSchema,
  type Language,
  languageSchema,
  type Problem,
  type ProblemInput,
  problemSchema,
  type Source,
  sourceSchema,
  stdioTestSchema,
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
export { type PythonRuntime, resolvePython, runPython } from "./python.js";
export { createRandom, type Random } from "./random.js";
export { inTransaction, openSqliteStore, type SqliteStoreLayout } from "./sqlite-store.js";
export {
  average,
  type BootstrapOptions,
  bootstrapInterval,
  type Interval,
  meanPassAtK,
  passAtK,
} from "./statistics.js";
