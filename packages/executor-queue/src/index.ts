export {
  createQueueExecutor,
  type QueueExecutor,
  type QueueExecutorSettings,
  queueExecutorCapabilities,
} from "./queue-executor.js";
export { type QueueLocation, type QueueStatus, readQueueStatus } from "./queue-status.js";
export {
  createQueueWorker,
  type QueueWorker,
  type QueueWorkerEvent,
  type QueueWorkerSettings,
} from "./queue-worker.js";
export { type RedisSettings, redisLabel } from "./redis-connection.js";
export type { QueueWorkerRecord } from "./worker-registry.js";
