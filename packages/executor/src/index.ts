export {
  createLocalExecutor,
  type ExecutorStats,
  type LocalExecutor,
  type LocalExecutorSettings,
  type SandboxLevel,
} from "./local-executor.js";
export {
  type CachedVerdict,
  createSqliteVerdictCache,
  defaultCacheDir,
  type SqliteVerdictCacheSettings,
  type VerdictCache,
} from "./verdict-cache.js";
