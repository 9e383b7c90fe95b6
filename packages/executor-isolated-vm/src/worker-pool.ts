import { Worker } from "node:worker_threads";
import { CodermError } from "@coderm/core";
import type {
  FromWorker,
  WorkerJob,
  WorkerReady,
  WorkerTest,
  WorkerVerdict,
} from "./worker-protocol.js";

/** A job as the pool takes it: the worker's job without its id, plus where its answers go. */
interface PoolJob extends Omit<WorkerJob, "type" | "id"> {
  /** One call per test, in order (from the worker, or from the pool when a worker is lost). */
  onVerdict(verdict: WorkerVerdict): void;
}

/** A submitted job: cancel it to stop it (no verdict comes afterwards). */
export interface PoolJobHandle {
  cancel(): void;
}

/** Settings of {@link WorkerPool}. */
interface WorkerPoolSettings {
  size: number;
  /** Grace past a test's limit before the worker's watchdog kills its isolate. */
  watchdogGraceMs: number;
}

interface Running {
  id: number;
  job: PoolJob;
  /** Verdicts received so far (the next one is for `job.tests[answered]`). */
  answered: number;
  cancelled: boolean;
}

interface Slot {
  worker: Worker;
  ready: Promise<WorkerReady["versions"]>;
  /** The worker said it was ready (a worker that never was is not replaced). */
  started: boolean;
  /** Jobs sent to the worker, in the order it runs them: the first is running, the next waits. */
  running: Running[];
  /** When the worker last showed progress (for the unresponsive-worker check). */
  lastProgress: number;
}

/** Jobs a worker holds at once: the one it runs and the next, so it never waits for a message. */
const jobsPerWorker = 2;

/** How long past its own watchdog a silent worker is given before it is replaced. */
const unresponsiveMarginMs = 10_000;

/**
 * The executor's worker threads (see `isolate-worker.ts`), each running one job at a time and
 * holding the next. Jobs wait in order for a worker: every idle worker gets one before any busy
 * worker gets its next. A worker that dies or stops answering (past the running test's limit, the
 * watchdog's grace and a margin) is replaced: its running test gets an `error` (or a `timeout`)
 * and the tests it had not answered go back to the front of the queue. Idle workers do not keep
 * the process alive.
 */
export class WorkerPool {
  readonly #settings: WorkerPoolSettings;
  readonly #slots: Slot[] = [];
  readonly #queue: { id: number; job: PoolJob }[] = [];
  #nextId = 1;
  #closed = false;
  #monitor: ReturnType<typeof setInterval> | undefined;

  constructor(settings: WorkerPoolSettings) {
    this.#settings = settings;
  }

  /** Starts every worker; resolves with what their verdicts depend on. */
  async start(): Promise<WorkerReady["versions"]> {
    for (let index = 0; index < this.#settings.size; index++) this.#slots.push(this.#spawn());
    this.#monitor = setInterval(() => this.#checkResponsive(), 1000);
    this.#monitor.unref();
    const [versions] = await Promise.all(this.#slots.map((slot) => slot.ready));
    return versions!;
  }

  submit(job: PoolJob): PoolJobHandle {
    const entry = { id: this.#nextId++, job };
    this.#queue.push(entry);
    this.#pump();
    return {
      cancel: () => {
        const queued = this.#queue.indexOf(entry);
        if (queued !== -1) {
          this.#queue.splice(queued, 1);
          return;
        }
        for (const slot of this.#slots)
          for (const running of slot.running)
            if (running.id === entry.id && !running.cancelled) {
              running.cancelled = true;
              slot.worker.postMessage({ type: "cancel", id: entry.id });
            }
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#monitor);
    this.#queue.length = 0;
    // A worker disposing of its isolate takes a moment, and a worker that was unreferenced does
    // not keep the process alive meanwhile: the timer does, until every worker has exited.
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }

  #spawn(): Slot {
    const source = import.meta.url.endsWith(".ts") ? "./isolate-worker.ts" : "./isolate-worker.js";
    const worker = new Worker(new URL(source, import.meta.url), {
      workerData: { watchdogGraceMs: this.#settings.watchdogGraceMs },
    });
    worker.unref();
    let resolveReady!: (versions: WorkerReady["versions"]) => void;
    let rejectReady!: (error: unknown) => void;
    const ready = new Promise<WorkerReady["versions"]>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    ready.catch(() => {});
    const slot: Slot = { worker, ready, started: false, running: [], lastProgress: 0 };
    worker.on("message", (message: FromWorker) => {
      if (message.type === "ready") {
        slot.started = true;
        resolveReady(message.versions);
        this.#pump();
      } else this.#onMessage(slot, message);
    });
    worker.on("error", (error) => {
      rejectReady(
        new CodermError("unavailable", `an isolated-vm worker failed: ${error.message}`, {
          cause: error,
        }),
      );
    });
    worker.on("exit", () => {
      rejectReady(new CodermError("unavailable", "an isolated-vm worker exited before it started"));
      this.#onLost(slot, "error", "WorkerExited", "the worker thread running the test exited");
    });
    return slot;
  }

  #onMessage(slot: Slot, message: Exclude<FromWorker, WorkerReady>): void {
    const position = slot.running.findIndex((running) => running.id === message.job);
    if (position === -1) return;
    const running = slot.running[position]!;
    slot.lastProgress = performance.now();
    if (message.type === "verdict") {
      running.answered += 1;
      if (!running.cancelled) running.job.onVerdict(message);
      return;
    }
    // done: tests the worker could not answer (a harness failure) still get a verdict
    if (!running.cancelled)
      for (const test of running.job.tests.slice(running.answered))
        running.job.onVerdict(
          lostVerdict(
            running.id,
            test,
            "error",
            "HarnessError",
            "the worker could not run this test",
          ),
        );
    slot.running.splice(position, 1);
    if (slot.running.length === 0) slot.worker.unref();
    this.#pump();
  }

  /** A worker died or hung: answer its running test, requeue the rest, start a new worker. */
  #onLost(slot: Slot, status: "error" | "timeout", errorType: string, message: string): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1 || this.#closed) return;
    const requeued: { id: number; job: PoolJob }[] = [];
    for (const [position, running] of slot.running.splice(0).entries()) {
      if (running.cancelled) continue;
      let rest = running.job.tests.slice(running.answered);
      if (position === 0 && rest.length > 0) {
        running.job.onVerdict(lostVerdict(running.id, rest[0]!, status, errorType, message));
        rest = rest.slice(1);
      }
      if (rest.length > 0)
        requeued.push({ id: this.#nextId++, job: { ...running.job, tests: rest } });
    }
    this.#queue.unshift(...requeued);
    void slot.worker.terminate();
    if (!slot.started) {
      // A replacement that cannot start is not replaced again; with no worker left, the queued
      // tests are answered here.
      this.#slots.splice(index, 1);
      if (this.#slots.length === 0)
        for (const { id, job } of this.#queue.splice(0))
          for (const test of job.tests)
            job.onVerdict(
              lostVerdict(id, test, "error", "WorkerExited", "no worker thread could start"),
            );
      return;
    }
    this.#slots[index] = this.#spawn();
    this.#pump();
  }

  #checkResponsive(): void {
    const now = performance.now();
    for (const slot of [...this.#slots]) {
      const running = slot.running[0];
      if (running === undefined) continue;
      const test = running.job.tests[running.answered];
      const allowance = (test?.timeMs ?? 0) + this.#settings.watchdogGraceMs + unresponsiveMarginMs;
      if (now - slot.lastProgress > allowance)
        this.#onLost(
          slot,
          "timeout",
          "WorkerUnresponsive",
          "the worker stopped answering and was replaced",
        );
    }
  }

  #pump(): void {
    for (let held = 0; held < jobsPerWorker; held++)
      for (const slot of this.#slots) {
        if (this.#queue.length === 0) return;
        if (slot.running.length !== held || !slot.started) continue;
        const { id, job } = this.#queue.shift()!;
        if (held === 0) {
          slot.lastProgress = performance.now();
          slot.worker.ref();
        }
        slot.running.push({ id, job, answered: 0, cancelled: false });
        const { onVerdict: _onVerdict, ...fields } = job;
        const message: WorkerJob = { type: "job", id, ...fields };
        slot.worker.postMessage(message);
      }
  }
}

function lostVerdict(
  job: number,
  test: WorkerTest,
  status: "error" | "timeout",
  errorType: string,
  message: string,
): WorkerVerdict {
  return {
    type: "verdict",
    job,
    index: test.index,
    status,
    errorType,
    message,
    wallMs: 0,
    cpuMs: 0,
  };
}
