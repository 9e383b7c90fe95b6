import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { defaultPrefix, defaultQueueName, type QueueKeys, queueKeys } from "./queue-keys.js";
import {
  connectRedis,
  disconnectRedis,
  type RedisSettings,
  redisLabel,
} from "./redis-connection.js";
import { chooseFleetVersion, liveWorkers, type QueueWorkerRecord } from "./worker-registry.js";

/** Where a queue is: its Redis, its name and BullMQ's key prefix. */
export interface QueueLocation {
  redis: RedisSettings;
  /** The queue's name (`coderm` by default). */
  queue?: string;
  /** BullMQ's key prefix (`bull` by default). */
  prefix?: string;
}

/** A queue's state: its jobs by state and its live workers. */
export interface QueueStatus {
  /** Redis's address, without credentials. */
  redis: string;
  queue: string;
  /** Jobs by state. */
  jobs: {
    waiting: number;
    active: number;
    delayed: number;
    prioritized: number;
    failed: number;
    completed: number;
  };
  /** Workers whose heartbeat is current, oldest first. */
  workers: QueueWorkerRecord[];
  /**
   * The fingerprint a coordinator would send jobs for now (the one most live workers run),
   * undefined without live workers. Workers that run another refuse the jobs.
   */
  fleetFingerprint: string | undefined;
}

/**
 * Reads a queue's state once: jobs waiting, active, delayed, prioritized, failed and completed,
 * and the live workers with what each runs and has done. What `coderm worker status` prints and
 * the reward service's `/metrics` exports.
 */
export async function readQueueStatus(location: QueueLocation): Promise<QueueStatus> {
  const client = await connectRedis(location.redis, "coderm-status");
  const name = location.queue ?? defaultQueueName;
  const queue = new Queue(name, {
    connection: client,
    prefix: location.prefix ?? defaultPrefix,
    skipMetasUpdate: true,
  });
  try {
    return await queueStatusOf(
      queue,
      client,
      queueKeys(location.prefix ?? defaultPrefix, name),
      redisLabel(location.redis),
    );
  } finally {
    await queue.close();
    await disconnectRedis(client);
  }
}

/** The state of a queue through connections already open. */
export async function queueStatusOf(
  queue: Queue,
  client: Redis,
  keys: QueueKeys,
  label: string,
): Promise<QueueStatus> {
  const [counts, workers] = await Promise.all([
    queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed", "completed"),
    liveWorkers(client, keys),
  ]);
  return {
    redis: label,
    queue: queue.name,
    jobs: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      prioritized: counts.prioritized ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    },
    workers,
    fleetFingerprint: chooseFleetVersion(workers)?.fingerprint,
  };
}
