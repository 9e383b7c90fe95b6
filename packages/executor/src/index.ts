export { checkExecutionRequest } from "./check-execution-request.js";
export type { ExecutionStats, WrappedExecutor } from "./execution-stats.js";
export {
  createExecutorRegistry,
  type ExecutorFactory,
  type ExecutorRegistry,
} from "./executor-registry.js";
export { createRoutingExecutor, type ExecutorRoutes } from "./routing-executor.js";
export {
  createSqliteVerdictCache,
  type SqliteVerdictCacheSettings,
} from "./sqlite-verdict-cache.js";
export type { CachedVerdict, VerdictCache } from "./verdict-cache.js";
export { withDeduplication } from "./with-deduplication.js";
export { type VerdictCacheSettings, withVerdictCache } from "./with-verdict-cache.js";
