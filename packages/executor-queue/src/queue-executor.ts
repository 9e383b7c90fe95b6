import {
  AsyncQueue,
  CodermError,
  type ExecuteOptions,
  type ExecutionRequest,
  type Executor,
  type ExecutorCapabilities,
  languageSchema,
  sandboxLevels,
  unitTestKinds,
  type Verdict,
} from "@coderm/core";
import { checkExecutionRequest } from "@coderm/executor";
import { createFleetMemory } from "./fleet-memory.js";
import { queueProtocolVersion } from "./job-format.js";
import { type JobOwner, QueueCoordinator } from "./queue-coordinator.js";
import { defaultPrefix, defaultQueueName, queueKeys } from "./queue-keys.js";
import type { QueueLocation, QueueStatus } from "./queue-status.js";
import { redisLabel } from "./redis-connection.js";
import type { FleetVersion } from "./worker-registry.js";

/** Settings of {@link createQueueExecutor}: where the queue is, and how jobs are sent. */
export interface QueueExecutorSettings extends QueueLocation {
  /**
   * Jobs of one `execute` call in the queue at once (2048 by default); further requests wait
   * here, so Redis holds a window of the work, not all of it.
   */
  maxJobsInFlight?: number;
  /**
   * Tries of a job whose worker failed it with an unexpected error (3 by default). A job whose
   * worker died is retried apart from these (the workers' `maxStalledCount`).
   */
  attempts?: number;
  /**
   * How long starting waits for a first worker when none has ever served the queue, in
   * milliseconds (30 s by default).
   */
  workerWaitMs?: number;
  /** How long a suite of tests stays in Redis after it was last written (24 h by default). */
  suiteTtlMs?: number;
  /**
   * How often jobs long without a result are looked up in Redis, to resubmit one whose
   * completion event was lost, in milliseconds (15 s by default).
   */
  reconcileIntervalMs?: number;
  /**
   * A file where the fleet's version is remembered per queue (the pipeline keeps it in the cache
   * directory). When Redis cannot be reached, the fingerprint is the one remembered there, so a
   * rerun whose verdicts a cache holds completes without Redis; a request it does not hold is then
   * the `unavailable` error on `redis`.
   */
  fleetFile?: string;
}

/** An {@link Executor} whose backend is a BullMQ queue served by `coderm worker` processes. */
export interface QueueExecutor extends Executor {
  /** The queue's jobs and live workers now. */
  status(): Promise<QueueStatus>;
}

/**
 * What the queue executor can do: whatever its workers run (every language, test kind and
 * sandbox level a registered backend offers). A request the workers' backend cannot run fails
 * with that backend's error.
 */
export const queueExecutorCapabilities: ExecutorCapabilities = {
  languages: languageSchema.options,
  testKinds: unitTestKinds,
  sandboxLevels,
};

/**
 * Creates the queue executor: each request (a candidate with all its tests, so a worker's
 * backend forks it once) becomes a job in a BullMQ queue on Redis, `coderm worker` processes on
 * any number of hosts run the jobs on a registered backend, and each job's verdicts stream back
 * when its worker completes it, counted once however often the job was retried. Its fingerprint
 * is the fleet's (the workers' executor fingerprint, which every job carries: a worker with
 * another refuses the job), so a verdict cache around it keys verdicts by what really ran, and a
 * rerun answered by the cache sends no job (with `fleetFile`, it needs no Redis at all when Redis is
 * out of reach). Cancelling (or stopping to read) removes the call's
 * queued jobs. Nothing connects until the first `fingerprint()` or `execute`; a Redis that
 * cannot be reached is an `unavailable` error on the `redis` field. It caches and deduplicates
 * nothing itself: wrap it (`withVerdictCache`, `withDeduplication`).
 */
export function createQueueExecutor(settings: QueueExecutorSettings): QueueExecutor {
  // bad settings fail here, before anything connects
  redisLabel(settings.redis);
  queueKeys(settings.prefix ?? defaultPrefix, settings.queue ?? defaultQueueName);
  const maxJobsInFlight = positive(settings.maxJobsInFlight, 2048, "maxJobsInFlight");
  const coordinatorSettings = {
    ...settings,
    attempts: positive(settings.attempts, 3, "attempts"),
    workerWaitMs: positive(settings.workerWaitMs, 30_000, "workerWaitMs"),
    suiteTtlMs: positive(settings.suiteTtlMs, 24 * 3600 * 1000, "suiteTtlMs"),
    reconcileIntervalMs: positive(settings.reconcileIntervalMs, 15_000, "reconcileIntervalMs"),
  };
  let opening: Promise<QueueCoordinator> | undefined;
  let version: FleetVersion | undefined;
  let closed = false;
  const runs = new Set<(error: unknown) => void>();
  const withdrawals = new Set<Promise<void>>();

  const open = (): Promise<QueueCoordinator> => {
    if (closed) return Promise.reject(new CodermError("unavailable", "the executor is closed"));
    if (opening === undefined) {
      opening = QueueCoordinator.open(coordinatorSettings);
      // a Redis that was down may be up at the next call
      opening.catch(() => {
        opening = undefined;
      });
    }
    return opening;
  };
  const memory =
    settings.fleetFile === undefined ? undefined : createFleetMemory(settings.fleetFile);
  const memoryKey = `${redisLabel(settings.redis)} ${settings.prefix ?? defaultPrefix}:${settings.queue ?? defaultQueueName}`;
  const resolveVersion = async (): Promise<FleetVersion> => {
    try {
      version = await (await open()).fleetVersion();
      await memory?.remember(memoryKey, version);
    } catch (error) {
      // Redis out of reach: the version its fleet last had, if this machine saw it
      const unreachable =
        CodermError.isInstance(error) && error.code === "unavailable" && error.field === "redis";
      const remembered = unreachable ? await memory?.recall(memoryKey) : undefined;
      if (remembered?.protocol !== queueProtocolVersion) throw error;
      version = remembered;
    }
    return version;
  };

  return {
    name: "queue",
    capabilities: queueExecutorCapabilities,
    async fingerprint() {
      return (await resolveVersion()).fingerprint;
    },
    async status() {
      return (await open()).status();
    },
    execute(requests, options: ExecuteOptions = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      return executeThroughQueue(requests, options, {
        open,
        version: async () => version ?? resolveVersion(),
        maxJobsInFlight,
        runs,
        withdrawals,
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of [...runs]) stop(new CodermError("unavailable", "the executor is closed"));
      await Promise.all(withdrawals);
      const coordinator = await opening?.catch(() => undefined);
      await coordinator?.close();
    },
  };
}

/** What one `execute` call needs of its executor. */
interface RunContext {
  open(): Promise<QueueCoordinator>;
  version(): Promise<FleetVersion>;
  maxJobsInFlight: number;
  /** The calls in progress, by their stop function (closing the executor stops them). */
  runs: Set<(error: unknown) => void>;
  /** Removals of stopped calls' queued jobs still under way (closing waits for them). */
  withdrawals: Set<Promise<void>>;
}

/** Requests submitted together (one round trip to Redis). */
const submitBatchSize = 64;

/**
 * One `execute` call: validates the requests, submits them as jobs in batches (a batch leaves as
 * soon as the input pauses, so a caller that waits for verdicts before sending more is never
 * stuck), keeps at most `maxJobsInFlight` jobs in the queue, and streams each job's verdicts.
 */
function executeThroughQueue(
  requests: Iterable<ExecutionRequest> | AsyncIterable<ExecutionRequest>,
  options: ExecuteOptions,
  context: RunContext,
): AsyncIterable<Verdict> {
  let coordinator: QueueCoordinator | undefined;
  let stopped = false;
  let inputDone = false;
  /** Jobs submitted or about to be, whose verdicts have not come. */
  let inFlight = 0;
  let batch: ExecutionRequest[] = [];
  let flushScheduled = false;
  let windowOpen: (() => void) | undefined;

  const owner: JobOwner = {
    completed(_job, verdicts) {
      if (stopped) return;
      for (const verdict of verdicts) output.push(verdict);
      inFlight -= 1;
      windowOpen?.();
      settle();
    },
    failed: (_job, error) => stop(error),
  };
  const settle = () => {
    if (!inputDone || inFlight > 0 || stopped) return;
    stopped = true;
    detach();
    output.end();
  };
  const stop = (error?: unknown) => {
    if (stopped) return;
    stopped = true;
    detach();
    output.end(error);
    windowOpen?.();
    if (coordinator === undefined) return;
    const withdrawal = coordinator.withdraw(owner).catch(() => {});
    context.withdrawals.add(withdrawal);
    void withdrawal.then(() => context.withdrawals.delete(withdrawal));
  };
  const detach = () => {
    options.signal?.removeEventListener("abort", abort);
    context.runs.delete(stop);
  };
  const abort = () => stop(new CodermError("cancelled", "execution was cancelled"));
  const output = new AsyncQueue<Verdict>();
  context.runs.add(stop);
  if (options.signal?.aborted) abort();
  else options.signal?.addEventListener("abort", abort, { once: true });

  const flush = (version: FleetVersion) => {
    flushScheduled = false;
    if (batch.length === 0 || stopped) return;
    const items = batch.map((request) => ({ request, owner }));
    batch = [];
    coordinator!.submit(version, items).catch(stop);
  };

  (async () => {
    coordinator = await context.open();
    const version = await context.version();
    let index = 0;
    for await (const raw of requests) {
      if (stopped) return;
      const request = checkExecutionRequest(raw, index++);
      if (request.tests.length === 0) continue;
      batch.push(request);
      inFlight += 1;
      if (batch.length >= submitBatchSize) flush(version);
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(() => flush(version));
      }
      while (inFlight >= context.maxJobsInFlight && !stopped)
        await new Promise<void>((resolve) => {
          windowOpen = resolve;
        });
    }
    if (stopped) return;
    flush(version);
    inputDone = true;
    settle();
  })().catch(stop);
  return (async function* () {
    try {
      yield* output;
    } finally {
      // the caller stopped reading (or the stream ended): withdraw what is still queued
      stop();
    }
  })();
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new CodermError("invalid-input", `expected a whole number of at least 1, got ${value}`, {
      field,
    });
  return value;
}
