import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { attachHarness } from "./attach-harness.js";
import type { HarnessProcess } from "./harness-protocol.js";

/** How to start a local harness process. */
export interface LocalHarnessLaunch {
  /** The real Python executable. */
  python: string;
  /** Path of the harness program. */
  harnessPath: string;
  /** Extra arguments before the harness path (a sandbox wrapper puts its command here). */
  wrapper?: readonly string[];
  /** Command words before everything else (the host limits: joining a cgroup, a sized tmpfs). */
  prefix?: readonly string[];
  /** Environment on top of the scrubbed one (`TMPDIR` for a sized work directory). */
  env?: Readonly<Record<string, string>>;
  /** What the launch adds to the harness's own confinement report (`cgroup-v1`, ...). */
  confinement?: readonly string[];
  /** Milliseconds to wait for the harness's ready frame (30 s). */
  startTimeoutMs?: number;
}

/**
 * Starts one long-lived harness process on this machine and resolves once it is ready. Requests
 * go in on fd 3 and frames come back on fd 4; stdout and stderr are not part of the protocol. The
 * process runs in its own process group with an environment that holds nothing of the parent's
 * (no keys or tokens); killing it kills the whole group.
 */
export function startLocalHarnessProcess(launch: LocalHarnessLaunch): Promise<HarnessProcess> {
  const words = [
    ...(launch.prefix ?? []),
    ...(launch.wrapper ?? []),
    launch.python,
    "-S",
    "-u",
    launch.harnessPath,
  ];
  const [command, ...args] = words as [string, ...string[]];
  const child = spawn(command, args, {
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      PYTHONHASHSEED: "0",
      PYTHONDONTWRITEBYTECODE: "1",
      ...launch.env,
    },
    detached: true,
  });
  const attachment = attachHarness(
    {
      responses: child.stdio[4] as Readable,
      stderr: child.stderr,
      requests: child.stdio[3] as Writable,
      kill() {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      },
    },
    {
      startTimeoutMs: launch.startTimeoutMs ?? 30_000,
      what: `the Python harness process (${command})`,
    },
  );
  child.on("error", (error) => attachment.failed(error.message));
  child.on("exit", (code, signal) => attachment.ended({ code, signal }));
  const extra = launch.confinement ?? [];
  return extra.length === 0
    ? attachment.ready
    : attachment.ready.then((harness) => withConfinement(harness, extra));
}

/** The harness process with `extra` appended to its confinement report. */
function withConfinement(harness: HarnessProcess, extra: readonly string[]): HarnessProcess {
  return {
    version: harness.version,
    pythonVersion: harness.pythonVersion,
    confinement: [...harness.confinement, ...extra],
    get exited() {
      return harness.exited;
    },
    get onFrame() {
      return harness.onFrame;
    },
    set onFrame(handler) {
      harness.onFrame = handler;
    },
    get onExit() {
      return harness.onExit;
    },
    set onExit(handler) {
      harness.onExit = handler;
    },
    send: (request) => harness.send(request),
    kill: () => harness.kill(),
  };
}
