import { randomBytes } from "node:crypto";
import { availableParallelism, hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { CodermError, type CodermErrorCode, type Executor, type Verdict } from "@coderm/core";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import {
  decodeRequest,
  encodeFailure,
  encodeVerdicts,
  type QueueJobData,
  type QueueJobResult,
  queueProtocolVersion,
} from "./job-format.js";
import { defaultPrefix, defaultQueueName, queueKeys } from "./queue-keys.js";
import type { QueueLocation } from "./queue-status.js";
import { connectRedis, disconnectRedis, redisLabel } from "./redis-connection.js";
import { SuiteReader } from "./test-suites.js";
import {
  liveWorkers,
  publishWorker,
  type QueueWorkerRecord,
  removeWorker,
} from "./worker-registry.js";

/** Settings of {@link createQueueWorker}. */
export interface QueueWorkerSettings extends QueueLocation {
  /**
   * The executor jobs run on, started or not (its fingerprint is the version of the jobs the
   * worker takes). Give it without a verdict cache: the coordinator keeps one. The worker does
   * not close it.
   */
  executor: Executor;
  /** The backend's name, for status (`local`, `docker`, `isolated-vm`; the executor's by default). */
  executorName?: string;
  /** Jobs run at once (twice the cores by default, so harness processes never wait on Redis). */
  concurrency?: number;
  /**
   * How long a job stays locked to this worker without a renewal, in milliseconds (30 s by
   * default; renewed every half of it while the job runs). A job whose worker died is taken back
   * once its lock expired and another worker's stalled check saw it twice.
   */
  lockDurationMs?: number;
  /** How often this worker checks for jobs of dead workers, in milliseconds (30 s by default). */
  stalledIntervalMs?: number;
  /** Times a job may lose its worker and be retried before it fails (2 by default). */
  maxStalledCount?: number;
  /**
   * How often the worker renews its record in the registry, in milliseconds (5 s by default); a
   * record not renewed for three periods is gone.
   */
  heartbeatIntervalMs?: number;
  /**
   * How long this worker takes no job after it gave one back (refused), in milliseconds (1 s by
   * default): a worker of another version keeps out of the way of the workers that run the jobs.
   */
  refusalDelayMs?: number;
  /** Told of what an operator wants to see: refused and failed jobs, retried ones, errors. */
  onEvent?: (event: QueueWorkerEvent) => void;
}

/** What a worker tells its operator (see {@link QueueWorkerSettings.onEvent}). */
export type QueueWorkerEvent =
  | {
      /** A job for another version: it goes back to the queue for a worker that runs that one. */
      type: "refused";
      jobId: string;
      message: string;
    }
  | { type: "failed"; jobId: string; message: string }
  | {
      /** A job whose worker died, moved back to the queue by this worker's stalled check. */
      type: "stalled";
      jobId: string;
    }
  | { type: "error"; message: string };

/** A `coderm worker`: takes execution jobs from a queue and runs them on its executor. */
export interface QueueWorker {
  /** Its id in the registry (host, process id and a random part). */
  readonly id: string;
  /** What it says of itself in the registry (a snapshot). */
  readonly record: QueueWorkerRecord;
  /**
   * Starts the executor (its fingerprint is the version of the jobs it takes), connects,
   * registers and takes jobs. A Redis that cannot be reached is an `unavailable` error on the
   * `redis` field; an executor that cannot start rejects with its own error.
   */
  start(): Promise<void>;
  /**
   * Drains: takes no more jobs, finishes those it has, leaves the registry and disconnects (the
   * executor stays open). With `force` (on a first call only: a drain under way goes on), it
   * abandons running jobs instead, to the stalled check of other workers.
   */
  close(options?: { force?: boolean }): Promise<void>;
}

// Errors another worker may not hit (a harness that could not start, a daemon gone): retried.
const retryableCodes: ReadonlySet<CodermErrorCode> = new Set([
  "unavailable",
  "io-error",
  "timeout",
  "internal",
]);

/**
 * Creates a queue worker over an executor. Each job is one candidate with its tests; the worker
 * checks the job's version (queue protocol and executor fingerprint) against its own and refuses
 * a job of another (it goes back to the queue for a worker that runs that version, or fails with
 * a message naming both versions when no live worker does), runs the candidate, and completes
 * the job with its verdicts. A heartbeat keeps its record (what it runs, what it has done) in
 * the registry that `coderm worker status` and the coordinators read.
 */
export function createQueueWorker(settings: QueueWorkerSettings): QueueWorker {
  const name = settings.queue ?? defaultQueueName;
  const prefix = settings.prefix ?? defaultPrefix;
  const keys = queueKeys(prefix, name);
  const label = redisLabel(settings.redis);
  const heartbeatMs = settings.heartbeatIntervalMs ?? 5000;
  const refusalDelayMs = settings.refusalDelayMs ?? 1000;
  const emit = (event: QueueWorkerEvent) => settings.onEvent?.(event);
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const record: QueueWorkerRecord = {
    id,
    host: hostname(),
    pid: process.pid,
    executor: settings.executorName ?? settings.executor.name,
    concurrency: settings.concurrency ?? availableParallelism() * 2,
    protocol: queueProtocolVersion,
    fingerprint: "",
    startedAt: new Date().toISOString(),
    active: 0,
    completed: 0,
    failed: 0,
    refused: 0,
    draining: false,
  };
  let client: Redis | undefined;
  let worker: Worker<QueueJobData, QueueJobResult> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let suites: SuiteReader | undefined;
  let closing: Promise<void> | undefined;

  let backingOff = false;
  const backOff = () => {
    if (backingOff || worker === undefined) return;
    backingOff = true;
    void (async () => {
      await worker!.pause(true);
      await sleep(refusalDelayMs);
      backingOff = false;
      if (closing === undefined) worker!.resume();
    })().catch((error: unknown) => emit({ type: "error", message: messageOf(error) }));
  };

  const publish = () =>
    publishWorker(client!, keys, record, heartbeatMs * 3).catch((error: unknown) =>
      emit({ type: "error", message: `heartbeat to ${label} failed: ${messageOf(error)}` }),
    );

  /** Puts back a job of another version, or fails it when no live worker runs that version. */
  const refuse = async (job: Job<QueueJobData>, token: string | undefined): Promise<never> => {
    record.refused += 1;
    const data = job.data as Partial<QueueJobData> | undefined;
    const asked = `queue protocol ${data?.protocol ?? "?"}, executor fingerprint "${data?.fingerprint ?? "?"}"`;
    const runs = `queue protocol ${queueProtocolVersion}, executor fingerprint "${record.fingerprint}"`;
    const workers = await liveWorkers(client!, keys);
    const served = workers.some(
      (other) =>
        !other.draining &&
        other.protocol === data?.protocol &&
        other.fingerprint === data?.fingerprint,
    );
    const message = `worker ${id} refuses job ${job.id}: the job asks for ${asked}; this worker runs ${runs}${served ? " (the job goes back to the queue for a worker that runs its version)" : ""}`;
    emit({ type: "refused", jobId: job.id!, message });
    if (!served)
      throw new UnrecoverableError(
        encodeFailure(
          new CodermError(
            "unavailable",
            `no live worker of queue "${name}" runs the version job ${job.id} asks for (${asked}); worker ${id} runs ${runs}: run the same coderm version, backend and sandbox level on every worker of a queue`,
            { details: { asked: data?.fingerprint, worker: id, runs: record.fingerprint } },
          ),
        ),
      );
    // give the job back at once (to the front of the queue), then take no job for a while: a
    // worker of another version keeps out of the way of the workers that run the jobs
    await job.moveToWait(token);
    backOff();
    throw new WaitingError();
  };

  const run = async (job: Job<QueueJobData>, token?: string): Promise<QueueJobResult> => {
    const data = job.data;
    if (data?.protocol !== queueProtocolVersion || data.fingerprint !== record.fingerprint)
      return refuse(job, token);
    record.active += 1;
    try {
      const tests = await suites!.read(data.suite, job.id!);
      const request = decodeRequest(data.request, tests);
      const verdicts: (Verdict | undefined)[] = new Array(tests.length);
      let count = 0;
      for await (const verdict of settings.executor.execute([request])) {
        const index = Number(verdict.testId);
        if (verdicts[index] === undefined) count += 1;
        verdicts[index] = verdict;
      }
      if (count !== tests.length)
        throw new CodermError(
          "internal",
          `the executor gave ${count} verdicts for ${tests.length} tests of job ${job.id}`,
        );
      record.completed += 1;
      return encodeVerdicts(verdicts as Verdict[]);
    } catch (error) {
      record.failed += 1;
      emit({ type: "failed", jobId: job.id!, message: messageOf(error) });
      if (!CodermError.isInstance(error)) throw error;
      // the coordinator gets the CodermError back from the reason; retried where another try may help
      if (retryableCodes.has(error.code)) throw new Error(encodeFailure(error));
      throw new UnrecoverableError(encodeFailure(error));
    } finally {
      record.active -= 1;
    }
  };

  return {
    id,
    get record() {
      return { ...record };
    },
    async start() {
      record.fingerprint = await settings.executor.fingerprint();
      client = await connectRedis(settings.redis, `coderm-worker-${id}`);
      suites = new SuiteReader(client, keys);
      worker = new Worker<QueueJobData, QueueJobResult>(name, run, {
        connection: client,
        prefix,
        name: id,
        autorun: false,
        concurrency: record.concurrency,
        lockDuration: settings.lockDurationMs ?? 30_000,
        stalledInterval: settings.stalledIntervalMs ?? 30_000,
        maxStalledCount: settings.maxStalledCount ?? 2,
      });
      worker.on("error", (error) =>
        emit({ type: "error", message: `queue "${name}" at ${label}: ${messageOf(error)}` }),
      );
      worker.on("stalled", (jobId) => emit({ type: "stalled", jobId }));
      await publish();
      heartbeat = setInterval(() => void publish(), heartbeatMs);
      heartbeat.unref();
      worker.run().catch((error: unknown) => emit({ type: "error", message: messageOf(error) }));
      await worker.waitUntilReady();
    },
    close(options = {}) {
      closing ??= (async () => {
        record.draining = true;
        if (client !== undefined) await publish();
        await worker?.close(options.force ?? false);
        clearInterval(heartbeat);
        if (client !== undefined) {
          await removeWorker(client, keys, id).catch(() => {});
          await disconnectRedis(client);
        }
      })();
      return closing;
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
