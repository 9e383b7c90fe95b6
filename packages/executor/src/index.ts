export {
  createLocalExecutor,
  type ExecutorStats,
  type LocalExecutor,
  type LocalExecutorSettings,
} from "./local-executor.js";
export { type SandboxLevel, sandboxLevels } from "./sandbox.js";
export {
  type CachedVerdict,
  createSqliteVerdictCache,
  defaultCacheDir,
  type SqliteVerdictCacheSettings,
  type VerdictCache,
} from "./verdict-cache.js";
