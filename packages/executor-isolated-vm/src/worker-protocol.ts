/**
 * The messages between the executor (main thread) and its worker threads. A job is one
 * candidate with some of its tests; the worker answers one {@link WorkerVerdict} per test, in
 * order, then {@link WorkerDone}. Types only: both sides import them as types.
 */

/** What a test runs: a program (`assert`, `check`) or a call of the entry point. */
export type WorkerTestBody =
  | { kind: "assert"; code: string }
  | { kind: "check"; code: string; entryPoint: string }
  | { kind: "call"; entryPoint: string; args: unknown[]; expected?: unknown; atol?: number };

/** A test as the worker runs it (its `index` in the job's request; its own time limit). */
export type WorkerTest = WorkerTestBody & { index: number; timeMs: number };

/** Runs a candidate against tests. */
export interface WorkerJob {
  type: "job";
  id: number;
  language: "javascript" | "typescript";
  /** The candidate's program (TypeScript is stripped in the worker). */
  program: string;
  tests: WorkerTest[];
  memoryMb: number;
  outputBytes: number;
}

/** Stops a job: the running test is killed and no more verdicts come for it. */
interface WorkerCancel {
  type: "cancel";
  id: number;
}

/** Main thread to worker. */
export type ToWorker = WorkerJob | WorkerCancel;

/** The outcome of one test. */
export interface WorkerVerdict {
  type: "verdict";
  job: number;
  index: number;
  status: "pass" | "fail" | "error" | "timeout" | "oom" | "tampered";
  errorType?: string;
  message?: string;
  output?: string;
  wallMs: number;
  cpuMs: number;
  /** The computed value of a call test run without an expected value. */
  value?: unknown;
  hasValue?: boolean;
}

/** A job ended: every verdict was sent (or it was cancelled). */
interface WorkerDone {
  type: "done";
  job: number;
}

/** The worker started; what its verdicts depend on. */
export interface WorkerReady {
  type: "ready";
  versions: { isolatedVm: string; v8: string; node: string; harness: string };
}

/** Worker to main thread. */
export type FromWorker = WorkerVerdict | WorkerDone | WorkerReady;
