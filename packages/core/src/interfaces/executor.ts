import type { ExecutionRequest, Language, UnitTestKind, Verdict } from "../model.js";

/**
 * How strongly a backend confines candidate code, weakest first: `process` (rlimits, a scrubbed
 * environment, Landlock and seccomp where the kernel allows), `bwrap` (bubblewrap namespaces on
 * top), `docker` (a locked-down container per harness process).
 */
export type SandboxLevel = "process" | "bwrap" | "docker";

/** Every sandbox level, weakest first. */
export const sandboxLevels: readonly SandboxLevel[] = ["process", "bwrap", "docker"];

/** What an executor can do, so callers can refuse early rather than fail late. */
export interface ExecutorCapabilities {
  /** Languages of the candidates it runs; requests of other languages are refused. */
  languages: readonly Language[];
  /** Kinds of unit test it judges. */
  testKinds: readonly UnitTestKind[];
  /** Sandbox levels it can provide (the level of a given instance is in its fingerprint). */
  sandboxLevels: readonly SandboxLevel[];
}

/** Options of {@link Executor.execute}. */
export interface ExecuteOptions {
  /** Aborting stops scheduling, kills running work and ends the stream with a `cancelled` error. */
  signal?: AbortSignal;
}

/**
 * Runs candidates against tests in a sandbox. Verdicts stream back as they finish, in no
 * particular order; every (candidate, test) pair of every request yields exactly one verdict.
 * Backends implement this interface; cross-cutting behaviour (verdict cache, deduplication,
 * routing by language) wraps it (see `@coderm/executor`).
 */
export interface Executor {
  /** The backend's name (`local`, `docker`, ...). */
  readonly name: string;
  readonly capabilities: ExecutorCapabilities;
  /**
   * What this executor's verdicts depend on besides the candidate, the test and the limits
   * (runtime and harness versions, sandbox level, confinement), as an opaque string: two executors
   * with equal fingerprints give equal verdicts, so verdict caches key on it. Starts the backend
   * when it must (rejects when it cannot start, so callers can await it to fail early).
   */
  fingerprint(): Promise<string>;
  /**
   * Runs every request's candidate against its tests. The program run is exactly
   * `normalizeText(candidate.code)` (see `contentId`), so a candidate's content id is the hash of
   * the text that runs: programs with equal content ids cannot be told apart at run time, and
   * verdict caches and deduplication key candidates by content id alone.
   */
  execute(
    requests: Iterable<ExecutionRequest> | AsyncIterable<ExecutionRequest>,
    options?: ExecuteOptions,
  ): AsyncIterable<Verdict>;
  /** Stops every process the executor holds; it cannot be used afterwards. */
  close(): Promise<void>;
}
