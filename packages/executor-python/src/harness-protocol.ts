/** One test's result as the harness reports it. */
export interface HarnessResult {
  id: number;
  event: "result";
  index: number;
  status: "pass" | "fail" | "error" | "timeout" | "oom" | "tampered";
  wallMs: number;
  cpuMs: number;
  errorType?: string;
  message?: string;
  output?: string;
  stderr?: string;
  outputDropped?: number;
  value?: unknown;
  methods?: {
    name: string;
    status: HarnessResult["status"];
    errorType?: string;
    message?: string;
  }[];
  /**
   * The program's line coverage in this test (requests with `coverage: true`): its executable
   * lines and those that ran, 1-based, sorted.
   */
  coverage?: { executable: number[]; covered: number[] };
}

/** The frame a harness sends once, when it is ready for requests. */
export interface HarnessReady {
  event: "ready";
  /** The harness version. */
  version: string;
  pid: number;
  /** The interpreter version. */
  python: string;
  /** What the harness can confine candidates with (`landlock-v7`, `seccomp`). */
  confinement?: string[];
}

/** Every frame the harness sends. */
export type HarnessFrame =
  | HarnessReady
  | HarnessResult
  | { id: number; event: "done" }
  /** The request waits for a machine-wide CPU slot (sent about once a second while it waits). */
  | { id: number; event: "waiting" }
  /** `id` is null when the harness could not tell which request failed (the one it was running). */
  | { id: number | null; event: "error"; message: string };

/** Why a harness process ended. */
export interface HarnessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few kilobytes the harness wrote to stderr. */
  stderr: string;
}

/**
 * A running harness process, wherever it runs (a local process, a container): what the harness
 * pool needs. {@link attachHarness} makes one from a backend's streams.
 */
export interface HarnessProcess {
  /** The harness version from its ready frame. */
  readonly version: string;
  /** The interpreter version from its ready frame. */
  readonly pythonVersion: string;
  /** What the harness could confine candidates with (`landlock-v7`, `seccomp`). */
  readonly confinement: readonly string[];
  /** True once the harness has ended. */
  readonly exited: boolean;
  /** Receives every frame after the ready frame. */
  onFrame: (frame: HarnessFrame) => void;
  /** Called once when the harness ends, after its last frame. */
  onExit: (exit: HarnessExit) => void;
  /** Sends one request object. */
  send(request: unknown): void;
  /** Kills the harness and everything it started. */
  kill(): void;
}
