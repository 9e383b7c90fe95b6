import type { Redis } from "ioredis";
import { queueProtocolVersion } from "./job-format.js";
import type { QueueKeys } from "./queue-keys.js";

/** What a worker says of itself in Redis, renewed by its heartbeat. */
export interface QueueWorkerRecord {
  /** The worker's id (host, process and a random part). */
  id: string;
  host: string;
  pid: number;
  /** The backend it runs jobs on (`local`, `docker`, `isolated-vm`). */
  executor: string;
  /** Jobs it runs at once. */
  concurrency: number;
  /** The job format it speaks. */
  protocol: number;
  /** Its executor's fingerprint: the jobs it takes must ask for exactly this one. */
  fingerprint: string;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** Jobs running now. */
  active: number;
  /** Jobs it completed, failed and refused since it started. */
  completed: number;
  failed: number;
  refused: number;
  /** True once it stopped taking jobs (SIGTERM) and finishes those it has. */
  draining: boolean;
}

/** The version a fleet answers: the job format and the executor's fingerprint. */
export interface FleetVersion {
  protocol: number;
  fingerprint: string;
}

/**
 * Writes a worker's record, which expires after `ttlMs` unless written again (the heartbeat),
 * and announces its version as the fleet's latest.
 */
export async function publishWorker(
  client: Redis,
  keys: QueueKeys,
  record: QueueWorkerRecord,
  ttlMs: number,
): Promise<void> {
  const version: FleetVersion = { protocol: record.protocol, fingerprint: record.fingerprint };
  await client
    .multi()
    .set(keys.worker(record.id), JSON.stringify(record), "PX", ttlMs)
    .sadd(keys.workers, record.id)
    .set(keys.fleet, JSON.stringify(version))
    .exec();
}

/** Removes a worker's record (it stopped). */
export async function removeWorker(client: Redis, keys: QueueKeys, id: string): Promise<void> {
  await client.multi().del(keys.worker(id)).srem(keys.workers, id).exec();
}

/** The workers whose heartbeat is current, oldest first; expired ones are dropped from the set. */
export async function liveWorkers(client: Redis, keys: QueueKeys): Promise<QueueWorkerRecord[]> {
  const ids = await client.smembers(keys.workers);
  if (ids.length === 0) return [];
  const texts = await client.mget(ids.map((id) => keys.worker(id)));
  const records: QueueWorkerRecord[] = [];
  const expired: string[] = [];
  texts.forEach((text, index) => {
    if (text === null) expired.push(ids[index]!);
    else records.push(JSON.parse(text) as QueueWorkerRecord);
  });
  if (expired.length > 0) await client.srem(keys.workers, ...expired);
  return records.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The version the fleet last announced, if any worker ever served the queue. */
export async function lastFleetVersion(
  client: Redis,
  keys: QueueKeys,
): Promise<FleetVersion | undefined> {
  const text = await client.get(keys.fleet);
  return text === null ? undefined : (JSON.parse(text) as FleetVersion);
}

/**
 * The version to send jobs for, among live workers of this job format: the one most workers
 * run (on a tie, the one a worker started with last, as in a rolling upgrade). Workers that
 * run another refuse the jobs.
 */
export function chooseFleetVersion(
  records: readonly QueueWorkerRecord[],
): FleetVersion | undefined {
  const groups = new Map<string, { count: number; newest: string }>();
  for (const record of records) {
    if (record.protocol !== queueProtocolVersion || record.draining) continue;
    const group = groups.get(record.fingerprint) ?? { count: 0, newest: "" };
    group.count += 1;
    if (record.startedAt > group.newest) group.newest = record.startedAt;
    groups.set(record.fingerprint, group);
  }
  let best: [string, { count: number; newest: string }] | undefined;
  for (const entry of groups)
    if (
      best === undefined ||
      entry[1].count > best[1].count ||
      (entry[1].count === best[1].count && entry[1].newest > best[1].newest)
    )
      best = entry;
  return best === undefined ? undefined : { protocol: queueProtocolVersion, fingerprint: best[0] };
}
