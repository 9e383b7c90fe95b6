import { CodermError } from "@coderm/core";
import type {
  HarnessExit,
  HarnessFrame,
  HarnessProcess,
  HarnessResult,
} from "./harness-protocol.js";

/** A test as the harness takes it. */
export type HarnessTest = Record<string, unknown> & { kind: string; timeMs?: number };

/** Limits as the harness takes them. */
export interface HarnessLimits {
  timeMs: number;
  memoryMb: number;
  outputBytes: number;
  maxProcesses?: number;
  maxFileBytes?: number;
  maxOpenFiles?: number;
}

/** One candidate program with the tests to run against it. */
export interface PoolJob {
  program: string;
  tests: readonly HarnessTest[];
  limits: HarnessLimits;
  /** Record the program's line coverage per test (each result then carries `coverage`). */
  coverage?: boolean;
  /** Called once for each test, in test order. */
  onResult(result: HarnessResult): void;
  /** Called once: after the last result, or with the error that ends the job early. */
  onEnd(error?: Error): void;
}

/** Settings of a {@link HarnessPool}. */
export interface HarnessPoolSettings {
  size: number;
  /** Starts a harness process for a slot (0 .. size - 1): at start, and to replace one that died. */
  start(slot: number): Promise<HarnessProcess>;
  /**
   * Extra time past a test's own limit before the pool kills a harness process that reports nothing (the
   * harness's own watchdog normally acts first); 2000 ms by default.
   */
  watchdogGraceMs?: number;
  /** Attempts at a test whose harness process dies under it before it is reported as an error (2). */
  maxAttempts?: number;
}

/** A handle on a submitted job. */
export interface JobHandle {
  /** Drops the job if it is queued, or kills its harness process if it runs; `onEnd` gets the reason. */
  cancel(reason: Error): void;
}

interface ActiveJob {
  job: PoolJob;
  /** Index of the next test without a result. */
  next: number;
  attempts: number;
  ended: boolean;
}

interface Slot {
  harness: HarnessProcess | undefined;
  index: number;
  /** Requests sent to the harness process, oldest (the one running) first. */
  inFlight: { requestId: number; active: ActiveJob }[];
  lastActivity: number;
  /** Why the pool killed this harness process, if it did. */
  killedFor: "watchdog" | "cancel" | undefined;
}

/** Requests a harness process holds at once: one running, one ready to start the moment it ends. */
const pipelineDepth = 2;

/**
 * A pool of warm harness processes. Jobs queue and go to processes, two at a time per process so the
 * next candidate is prepared while the current one runs; results stream back in test order. A
 * process that dies is replaced and its jobs resume at their first test without a result; a process
 * silent past its running test's deadline is killed, that test is a timeout, and the job resumes
 * after it.
 */
export class HarnessPool {
  readonly #settings: Required<Pick<HarnessPoolSettings, "watchdogGraceMs" | "maxAttempts">> &
    HarnessPoolSettings;
  readonly #slots: Slot[] = [];
  readonly #queue: ActiveJob[] = [];
  #nextRequestId = 1;
  #closed = false;
  #watchdog: NodeJS.Timeout | undefined;
  #fatal: Error | undefined;
  /** Versions reported by the processes' harness and interpreter. */
  versions: { harness: string; python: string; confinement: readonly string[] } = {
    harness: "",
    python: "",
    confinement: [],
  };

  constructor(settings: HarnessPoolSettings) {
    this.#settings = { watchdogGraceMs: 2000, maxAttempts: 2, ...settings };
  }

  /** Starts every harness process; rejects when the harness cannot start. */
  async start(): Promise<void> {
    const started = await Promise.all(
      Array.from({ length: this.#settings.size }, (_, index) => this.#settings.start(index)),
    );
    for (const [index, harness] of started.entries()) {
      const slot: Slot = {
        harness: undefined,
        index,
        inFlight: [],
        lastActivity: 0,
        killedFor: undefined,
      };
      this.#slots.push(slot);
      this.#attach(slot, harness);
    }
    this.versions = {
      harness: started[0]!.version,
      python: started[0]!.pythonVersion,
      confinement: started[0]!.confinement,
    };
    this.#watchdog = setInterval(() => this.#checkDeadlines(), 100).unref();
  }

  /** Queues a job. */
  submit(job: PoolJob): JobHandle {
    const active: ActiveJob = { job, next: 0, attempts: 0, ended: false };
    if (this.#fatal !== undefined) {
      this.#end(active, this.#fatal);
      return { cancel: () => {} };
    }
    if (job.tests.length === 0) {
      this.#end(active);
      return { cancel: () => {} };
    }
    this.#queue.push(active);
    this.#dispatch();
    return {
      cancel: (reason) => {
        if (active.ended) return;
        const queued = this.#queue.indexOf(active);
        if (queued >= 0) this.#queue.splice(queued, 1);
        this.#end(active, reason);
        const slot = this.#slots.find((candidate) =>
          candidate.inFlight.some((entry) => entry.active === active),
        );
        if (slot !== undefined) {
          slot.inFlight = slot.inFlight.filter((entry) => entry.active !== active);
          slot.killedFor = "cancel";
          slot.harness?.kill();
        }
      },
    };
  }

  /** Kills every harness process; queued jobs end with a `cancelled` error. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    const reason = new CodermError("cancelled", "the executor was closed");
    for (const active of this.#queue.splice(0)) this.#end(active, reason);
    for (const slot of this.#slots) {
      for (const { active } of slot.inFlight) this.#end(active, reason);
      slot.inFlight = [];
      slot.harness?.kill();
    }
  }

  #attach(slot: Slot, harness: HarnessProcess): void {
    slot.harness = harness;
    slot.killedFor = undefined;
    harness.onFrame = (frame) => this.#onFrame(slot, frame);
    harness.onExit = (exit) => this.#onExit(slot, harness, exit);
    this.#dispatch();
  }

  #dispatch(): void {
    for (let depth = 1; depth <= pipelineDepth; depth++) {
      for (const slot of this.#slots) {
        if (this.#queue.length === 0) return;
        if (slot.harness === undefined || slot.harness.exited || slot.killedFor !== undefined)
          continue;
        if (slot.inFlight.length >= depth) continue;
        const active = this.#queue.shift()!;
        const requestId = this.#nextRequestId++;
        if (slot.inFlight.length === 0) slot.lastActivity = performance.now();
        slot.inFlight.push({ requestId, active });
        const { program, tests, limits, coverage } = active.job;
        slot.harness.send({
          id: requestId,
          program,
          tests,
          limits,
          start: active.next,
          ...(coverage === true ? { coverage } : {}),
        });
      }
    }
  }

  #onFrame(slot: Slot, frame: HarnessFrame): void {
    if (!("id" in frame)) return;
    if (frame.event === "error" && frame.id === null) {
      // The harness could not tell which request failed (an internal error): it answers requests
      // in order, so it is the one running. Its remaining tests get the error, not a hang.
      this.#failRunning(slot, frame.message);
      return;
    }
    const position = slot.inFlight.findIndex((entry) => entry.requestId === frame.id);
    if (position < 0) return;
    const { active } = slot.inFlight[position]!;
    slot.lastActivity = performance.now();
    if (frame.event === "waiting") return;
    if (frame.event === "result") {
      if (frame.index !== active.next) return;
      active.next += 1;
      active.attempts = 0;
      active.job.onResult(frame);
      return;
    }
    if (frame.event === "error") {
      this.#fillRemaining(active, "error", "HarnessError", frame.message);
    } else if (active.next < active.job.tests.length) {
      this.#fillRemaining(
        active,
        "error",
        "MissingResult",
        "the harness ended the request without a result for this test",
      );
    }
    slot.inFlight.splice(position, 1);
    this.#end(active);
    this.#dispatch();
  }

  #failRunning(slot: Slot, message: string): void {
    const running = slot.inFlight.shift();
    if (running === undefined) {
      process.emitWarning(`coderm harness error outside any request: ${message}`);
      return;
    }
    slot.lastActivity = performance.now();
    this.#fillRemaining(running.active, "error", "HarnessError", message);
    this.#end(running.active);
    this.#dispatch();
  }

  #onExit(slot: Slot, harness: HarnessProcess, exit: HarnessExit): void {
    if (slot.harness !== harness) return;
    slot.harness = undefined;
    const inFlight = slot.inFlight.filter((entry) => !entry.active.ended);
    slot.inFlight = [];
    const running = inFlight[0]?.active;
    if (running !== undefined && slot.killedFor === "watchdog") {
      this.#emit(
        running,
        "timeout",
        "WatchdogTimeout",
        `no result within ${this.#deadline(running)} ms`,
      );
    } else if (
      running !== undefined &&
      slot.killedFor === undefined &&
      ++running.attempts >= this.#settings.maxAttempts
    ) {
      const how = exit.signal ?? `exit code ${exit.code}`;
      this.#emit(
        running,
        "error",
        "WorkerCrashed",
        `the harness process died (${how}) ${running.attempts} times on this test${exit.stderr ? `: ${exit.stderr.trim().slice(-500)}` : ""}`,
      );
    }
    // Every unfinished job goes back to the front of the queue, in the order it was sent.
    const resumed = inFlight
      .map((entry) => entry.active)
      .filter((active) => {
        if (active.next < active.job.tests.length) return true;
        this.#end(active);
        return false;
      });
    this.#queue.unshift(...resumed);
    if (this.#closed) return;
    this.#settings.start(slot.index).then(
      (replacement) => {
        if (this.#closed) replacement.kill();
        else this.#attach(slot, replacement);
      },
      (error: Error) => {
        this.#fatal = error;
        for (const queued of this.#queue.splice(0)) this.#end(queued, error);
      },
    );
  }

  #checkDeadlines(): void {
    const now = performance.now();
    for (const slot of this.#slots) {
      const running = slot.inFlight[0]?.active;
      if (running === undefined || slot.harness === undefined || slot.killedFor !== undefined)
        continue;
      if (now - slot.lastActivity > this.#deadline(running) + this.#settings.watchdogGraceMs) {
        slot.killedFor = "watchdog";
        slot.harness.kill();
      }
    }
  }

  /** How long the running test may take before the harness should have answered. */
  #deadline(active: ActiveJob): number {
    const test = active.job.tests[active.next];
    const timeMs = test?.timeMs ?? active.job.limits.timeMs;
    // the harness gives a test back the time it waited for a CPU, up to max(4 × its time, 200 ms)
    const allowedMs = timeMs + Math.max(4 * timeMs, 200);
    return test?.kind === "unittest" ? allowedMs * 64 : allowedMs * 2;
  }

  #emit(
    active: ActiveJob,
    status: HarnessResult["status"],
    errorType: string,
    message: string,
  ): void {
    active.job.onResult({
      id: 0,
      event: "result",
      index: active.next,
      status,
      wallMs: 0,
      cpuMs: 0,
      errorType,
      message,
    });
    active.next += 1;
    active.attempts = 0;
  }

  #fillRemaining(
    active: ActiveJob,
    status: HarnessResult["status"],
    errorType: string,
    message: string,
  ): void {
    while (active.next < active.job.tests.length) this.#emit(active, status, errorType, message);
  }

  #end(active: ActiveJob, error?: Error): void {
    if (active.ended) return;
    active.ended = true;
    active.job.onEnd(error);
  }
}
