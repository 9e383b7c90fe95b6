export { encodeFrame, FrameDecoder } from "./framing.js";
export {
  createHarnessExecutor,
  type ExecutorStats,
  type HarnessExecutor,
  type HarnessExecutorOptions,
  type HarnessExecutorSettings,
  type WorkerSupply,
} from "./harness-executor.js";
export {
  createLocalExecutor,
  type LocalExecutor,
  type LocalExecutorSettings,
} from "./local-executor.js";
export { type SandboxLevel, sandboxLevels } from "./sandbox.js";
export {
  type CachedVerdict,
  createSqliteVerdictCache,
  type SqliteVerdictCacheSettings,
  type VerdictCache,
} from "./verdict-cache.js";
export type { HarnessFrame, HarnessResult, HarnessWorker, WorkerExit } from "./worker.js";
