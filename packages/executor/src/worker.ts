import { type ChildProcess, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { CodermError, stringifyJson } from "@coderm/core";
import { encodeFrame, FrameDecoder } from "./framing.js";

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
}

/** Every frame the harness sends. */
export type HarnessFrame =
  | { event: "ready"; version: string; pid: number; python: string; confinement?: string[] }
  | HarnessResult
  | { id: number; event: "done" }
  | { id: number; event: "error"; message: string };

/** How to start a worker. */
export interface WorkerLaunch {
  /** The real Python executable. */
  python: string;
  /** Path of harness.py. */
  harnessPath: string;
  /** Extra arguments before the harness path (a sandbox wrapper puts its command here). */
  wrapper?: readonly string[];
  /** Milliseconds to wait for the harness's ready frame. */
  startTimeoutMs?: number;
}

/** Why a worker ended. */
export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last few kilobytes the harness wrote to stderr. */
  stderr: string;
}

const stderrTail = 8192;

/**
 * A running harness, wherever it runs (a local process, a container): what the worker pool needs.
 * Backends implement it over their transport; frames are the harness protocol's.
 */
export interface HarnessWorker {
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
  onExit: (exit: WorkerExit) => void;
  /** Sends one request object. */
  send(request: unknown): void;
  /** Kills the harness and everything it started. */
  kill(): void;
}

/**
 * One long-lived harness process. Requests go in on fd 3 and frames come back on fd 4; stdout
 * and stderr are not part of the protocol. The process runs in its own process group with an
 * environment that holds nothing of the parent's (no keys or tokens).
 */
export class PythonWorker implements HarnessWorker {
  readonly pid: number;
  readonly version: string;
  readonly pythonVersion: string;
  /** What the kernel let the harness confine candidates with (`landlock-v7`, `seccomp`). */
  readonly confinement: readonly string[];
  onFrame: (frame: HarnessFrame) => void = () => {};
  onExit: (exit: WorkerExit) => void = () => {};
  readonly #process: ChildProcess;
  readonly #requests: Writable;
  #exited = false;

  private constructor(
    process: ChildProcess,
    requests: Writable,
    ready: { version: string; pid: number; python: string; confinement?: string[] },
  ) {
    this.#process = process;
    this.#requests = requests;
    this.pid = process.pid!;
    this.version = ready.version;
    this.pythonVersion = ready.python;
    this.confinement = ready.confinement ?? [];
  }

  /** Starts a worker and waits until the harness reports ready. */
  static start(launch: WorkerLaunch): Promise<PythonWorker> {
    const command = launch.wrapper?.[0] ?? launch.python;
    const args = [
      ...(launch.wrapper?.slice(1) ?? []),
      ...(launch.wrapper ? [launch.python] : []),
      "-S",
      "-u",
      launch.harnessPath,
    ];
    const child = spawn(command, args, {
      stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
      env: {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
        PYTHONHASHSEED: "0",
        PYTHONDONTWRITEBYTECODE: "1",
      },
      detached: true,
    });
    const requests = child.stdio[3] as Writable;
    const responses = child.stdio[4] as Readable;
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrTail);
    });
    requests.on("error", () => {});
    return new Promise((resolve, reject) => {
      let worker: PythonWorker | undefined;
      const decoder = new FrameDecoder();
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        fail(`the harness did not start within ${launch.startTimeoutMs ?? 30_000} ms`);
      }, launch.startTimeoutMs ?? 30_000);
      const fail = (reason: string) => {
        clearTimeout(timer);
        reject(
          new CodermError(
            "unavailable",
            `cannot start the Python worker (${command}): ${reason}${stderr ? `\n${stderr.trim()}` : ""}`,
          ),
        );
      };
      child.on("error", (error) => fail(error.message));
      responses.on("data", (chunk: Buffer) => {
        let frames: string[];
        try {
          frames = decoder.push(chunk);
        } catch (error) {
          child.kill("SIGKILL");
          if (worker === undefined) fail((error as Error).message);
          return;
        }
        for (const text of frames) {
          const frame = JSON.parse(text) as HarnessFrame;
          if (worker === undefined) {
            if (frame.event !== "ready") {
              fail(`expected a ready frame, got ${text.slice(0, 200)}`);
              return;
            }
            clearTimeout(timer);
            worker = new PythonWorker(child, requests, frame);
            resolve(worker);
          } else {
            worker.onFrame(frame);
          }
        }
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (worker === undefined) {
          fail(`it exited (${signal ?? code})`);
          return;
        }
        worker.#exited = true;
        // Let any frames still in the pipe arrive before the exit is reported.
        setImmediate(() => worker!.onExit({ code, signal, stderr }));
      });
    });
  }

  /** True once the process has ended. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Sends one request object. */
  send(request: unknown): void {
    this.#requests.write(encodeFrame(stringifyJson(request)));
  }

  /** Kills the worker and everything it started (its whole process group). */
  kill(): void {
    if (this.#exited) return;
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      this.#process.kill("SIGKILL");
    }
  }
}
