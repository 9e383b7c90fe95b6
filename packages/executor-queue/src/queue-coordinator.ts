import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { CodermError, type ExecutionRequest, type Verdict } from "@coderm/core";
import { type JobsOptions, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  decodeFailure,
  decodeVerdicts,
  encodeRequest,
  executionJobName,
  type QueueJobData,
  queueProtocolVersion,
} from "./job-format.js";
import { defaultPrefix, defaultQueueName, type QueueKeys, queueKeys } from "./queue-keys.js";
import { type QueueLocation, type QueueStatus, queueStatusOf } from "./queue-status.js";
import { connectRedis, disconnectRedis, redisDeadline, redisLabel } from "./redis-connection.js";
import { SuiteUploader, testSuite } from "./test-suites.js";
import {
  chooseFleetVersion,
  type FleetVersion,
  lastFleetVersion,
  liveWorkers,
} from "./worker-registry.js";

/** How the coordinator submits jobs and waits for them (see `QueueExecutorSettings`). */
export interface CoordinatorSettings extends QueueLocation {
  attempts: number;
  workerWaitMs: number;
  suiteTtlMs: number;
  reconcileIntervalMs: number;
}

/** Who is told when a job ends: the run that submitted it. */
export interface JobOwner {
  /** The job's verdicts, in the order of its request's tests; called at most once per job. */
  completed(job: SubmittedJob, verdicts: Verdict[]): void;
  /** The job failed for good (or its result was malformed); called at most once per job. */
  failed(job: SubmittedJob, error: CodermError): void;
}

/** A job in the queue, until its one result arrives. */
export interface SubmittedJob {
  id: string;
  request: ExecutionRequest;
  owner: JobOwner;
  data: QueueJobData;
  submittedAt: number;
  /** Set when Redis no longer knew the job at the last check (its event may be lost). */
  suspect: boolean;
}

/**
 * The Redis side of the queue executor: submits jobs, hears their results from the queue's event
 * stream and hands each job's verdicts to its owner exactly once (a job's result is its return
 * value at completion, which BullMQ records once, whichever worker ran it and however often it was
 * retried), withdraws queued jobs, and resolves the fleet's version from the worker registry.
 * A job whose completion event was lost (the stream is capped) is found by a periodic check and
 * submitted again; its first result wins.
 */
export class QueueCoordinator {
  readonly #client: Redis;
  readonly #eventsClient: Redis;
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #keys: QueueKeys;
  readonly #label: string;
  readonly #settings: CoordinatorSettings;
  readonly #uploader: SuiteUploader;
  readonly #pending = new Map<string, SubmittedJob>();
  /** Additions under way: a withdrawal waits for them, so no job it removes arrives after. */
  readonly #adding = new Set<Promise<unknown>>();
  readonly #idPrefix = `q${randomBytes(5).toString("hex")}`;
  #nextJob = 0;
  #reconciling = false;
  readonly #timer: NodeJS.Timeout;

  private constructor(
    settings: CoordinatorSettings,
    keys: QueueKeys,
    client: Redis,
    eventsClient: Redis,
    queue: Queue,
    events: QueueEvents,
  ) {
    this.#settings = settings;
    this.#client = client;
    this.#eventsClient = eventsClient;
    this.#queue = queue;
    this.#events = events;
    this.#keys = keys;
    this.#label = redisLabel(settings.redis);
    this.#uploader = new SuiteUploader(client, this.#keys, settings.suiteTtlMs);
    events.on("completed", ({ jobId, returnvalue }) => this.#completed(jobId, returnvalue));
    events.on("failed", ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    // both reconnect by themselves; jobs whose events are lost meanwhile are reconciled
    events.on("error", () => {});
    queue.on("error", () => {});
    this.#timer = setInterval(() => void this.#reconcile(), settings.reconcileIntervalMs);
    this.#timer.unref();
  }

  /** Connects (two connections: commands, and the blocking read of the event stream). */
  static async open(settings: CoordinatorSettings): Promise<QueueCoordinator> {
    const name = settings.queue ?? defaultQueueName;
    const prefix = settings.prefix ?? defaultPrefix;
    const keys = queueKeys(prefix, name);
    const client = await connectRedis(settings.redis, "coderm-coordinator");
    let eventsClient: Redis | undefined;
    try {
      eventsClient = await connectRedis(settings.redis, "coderm-coordinator-events");
      const queue = new Queue(name, { connection: client, prefix });
      // read events from the stream's current end, before any job of ours exists
      const last = await client.xrevrange(queue.keys.events!, "+", "-", "COUNT", 1);
      const events = new QueueEvents(name, {
        connection: eventsClient,
        prefix,
        lastEventId: last[0]?.[0] ?? "0-0",
        blockingTimeout: 5000,
      });
      return new QueueCoordinator(settings, keys, client, eventsClient, queue, events);
    } catch (error) {
      if (eventsClient !== undefined) await disconnectRedis(eventsClient);
      await disconnectRedis(client);
      throw error;
    }
  }

  /**
   * The version to send jobs for: the one most live workers run; while none is up, the one the
   * fleet last announced; before any worker ever served the queue, the first one to register
   * within `workerWaitMs`. Live workers that all speak another job format are an `unavailable`
   * error saying so.
   */
  async fleetVersion(): Promise<FleetVersion> {
    const deadline = Date.now() + this.#settings.workerWaitMs;
    for (;;) {
      const workers = await redisDeadline(
        liveWorkers(this.#client, this.#keys),
        10_000,
        this.#label,
      );
      const chosen = chooseFleetVersion(workers);
      if (chosen !== undefined) return chosen;
      const speaking = workers.filter((worker) => !worker.draining);
      if (speaking.length > 0)
        throw new CodermError(
          "unavailable",
          `the workers of queue "${this.#queue.name}" at ${this.#label} speak queue protocol ${[...new Set(speaking.map((worker) => worker.protocol))].join(", ")}, this coordinator speaks ${queueProtocolVersion}: run the same coderm version on both sides`,
          { field: "queue" },
        );
      const last = await redisDeadline(
        lastFleetVersion(this.#client, this.#keys),
        10_000,
        this.#label,
      );
      if (last !== undefined && last.protocol === queueProtocolVersion) return last;
      if (Date.now() >= deadline)
        throw new CodermError(
          "unavailable",
          `no worker has served queue "${this.#queue.name}" at ${this.#label} (waited ${Math.round(this.#settings.workerWaitMs / 1000)} s): start workers on it first`,
          { field: "queue" },
        );
      await sleep(250);
    }
  }

  /**
   * Submits one job per request (its tests written to the suite store first) for `version`.
   * The jobs are known before BullMQ answers, so a result that comes first is not lost.
   */
  async submit(
    version: FleetVersion,
    items: readonly { request: ExecutionRequest; owner: JobOwner }[],
  ): Promise<SubmittedJob[]> {
    const suites = items.map((item) => testSuite(item.request.tests));
    await this.#uploader.write(suites);
    const now = Date.now();
    const jobs = items.map(({ request, owner }, index): SubmittedJob => {
      const job: SubmittedJob = {
        id: `${this.#idPrefix}-${this.#nextJob++}`,
        request,
        owner,
        data: {
          protocol: version.protocol,
          fingerprint: version.fingerprint,
          request: encodeRequest(request),
          suite: suites[index]!.id,
        },
        submittedAt: now,
        suspect: false,
      };
      this.#pending.set(job.id, job);
      return job;
    });
    try {
      await this.#add(jobs);
    } catch (error) {
      for (const job of jobs) this.#pending.delete(job.id);
      throw new CodermError(
        "unavailable",
        `cannot add jobs to queue "${this.#queue.name}" at ${this.#label}: ${error instanceof Error ? error.message : String(error)}`,
        { field: "redis", cause: error },
      );
    }
    return jobs;
  }

  /**
   * Forgets the jobs of an owner (their results will be ignored) and removes those still queued;
   * jobs a worker is running finish there.
   */
  async withdraw(owner: JobOwner): Promise<void> {
    const jobIds: string[] = [];
    for (const job of this.#pending.values()) if (job.owner === owner) jobIds.push(job.id);
    for (const id of jobIds) this.#pending.delete(id);
    const removals = (async () => {
      await Promise.allSettled([...this.#adding]);
      for (let start = 0; start < jobIds.length; start += 256)
        await Promise.all(
          jobIds.slice(start, start + 256).map((id) => this.#queue.remove(id).catch(() => 0)),
        );
    })();
    // with Redis gone the jobs stay (and run unread); closing must not wait for it to return
    await redisDeadline(removals, 10_000, this.#label).catch(() => {});
  }

  /** The queue's jobs and workers now (an `unavailable` error when Redis is silent for 3 s). */
  status(): Promise<QueueStatus> {
    return redisDeadline(
      queueStatusOf(this.#queue, this.#client, this.#keys, this.#label),
      3000,
      this.#label,
    );
  }

  /**
   * Closes the connections; pending jobs stay in the queue (withdraw them first). With Redis gone,
   * it gives BullMQ two seconds, then drops the connections.
   */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#pending.clear();
    await Promise.race([
      Promise.all([this.#events.close().catch(() => {}), this.#queue.close().catch(() => {})]),
      sleep(2000),
    ]);
    await disconnectRedis(this.#eventsClient);
    await disconnectRedis(this.#client);
  }

  #add(jobs: readonly SubmittedJob[]): Promise<unknown> {
    const adding = this.#addBulk(jobs);
    this.#adding.add(adding);
    void adding.then(
      () => this.#adding.delete(adding),
      () => this.#adding.delete(adding),
    );
    return adding;
  }

  #addBulk(jobs: readonly SubmittedJob[]): Promise<unknown> {
    const options: JobsOptions = {
      attempts: this.#settings.attempts,
      backoff: { type: "fixed", delay: 1000 },
      removeOnComplete: true,
      // failures stay a day for inspection (`coderm worker status`, dashboards)
      removeOnFail: { age: 24 * 3600, count: 1000 },
    };
    return this.#queue.addBulk(
      jobs.map((job) => ({
        name: executionJobName,
        data: job.data,
        opts: { ...options, jobId: job.id },
      })),
    );
  }

  #completed(jobId: string, result: unknown): void {
    const job = this.#pending.get(jobId);
    if (job === undefined) return;
    this.#pending.delete(jobId);
    let verdicts: Verdict[];
    try {
      verdicts = decodeVerdicts(result, job.request, jobId);
    } catch (error) {
      job.owner.failed(job, error as CodermError);
      return;
    }
    job.owner.completed(job, verdicts);
  }

  #failed(jobId: string, reason: string): void {
    const job = this.#pending.get(jobId);
    if (job === undefined) return;
    this.#pending.delete(jobId);
    job.owner.failed(job, decodeFailure(reason, jobId, job.request.candidate.id));
  }

  /**
   * Checks the jobs waiting long for a result: one Redis no longer knows, twice in a row, lost
   * its completion event (its result is gone with it) and is submitted again; one that finished
   * is read back.
   */
  async #reconcile(): Promise<void> {
    if (this.#reconciling) return;
    this.#reconciling = true;
    try {
      const due = Date.now() - this.#settings.reconcileIntervalMs;
      const old = [...this.#pending.values()].filter((job) => job.submittedAt < due);
      for (let start = 0; start < old.length; start += 256) {
        await Promise.all(old.slice(start, start + 256).map((job) => this.#check(job)));
      }
    } catch {
      // Redis unreachable: try again at the next tick
    } finally {
      this.#reconciling = false;
    }
  }

  async #check(job: SubmittedJob): Promise<void> {
    const state = await this.#queue.getJobState(job.id);
    if (this.#pending.get(job.id) !== job) return;
    if (state === "completed" || state === "failed") {
      const stored = await this.#queue.getJob(job.id);
      if (stored === undefined) return;
      if (state === "completed") this.#completed(job.id, stored.returnvalue);
      else this.#failed(job.id, stored.failedReason);
      return;
    }
    if (state !== "unknown") {
      job.suspect = false;
      return;
    }
    if (!job.suspect) {
      job.suspect = true;
      return;
    }
    this.#pending.delete(job.id);
    const again: SubmittedJob = {
      ...job,
      id: `${this.#idPrefix}-${this.#nextJob++}`,
      submittedAt: Date.now(),
      suspect: false,
    };
    this.#pending.set(again.id, again);
    await this.#add([again]).catch(() => {
      this.#pending.delete(again.id);
      this.#pending.set(job.id, job);
    });
  }
}
