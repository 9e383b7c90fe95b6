import { spawn } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { CodermError } from "@coderm/core";
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
  /** The machine-wide CPU slots this process shares with every other harness process. */
  cpuSlots?: CpuSlotsLaunch;
}

/** A harness process's share of the machine-wide CPU slots (see {@link cpuSlotsFile}). */
interface CpuSlotsLaunch {
  /** The lock file every harness process on the machine opens. */
  path: string;
  /** How many requests run at once, machine-wide. */
  count: number;
  /** The slot this process tries first. */
  first: number;
}

/** The fd on which a harness process finds the CPU slots' lock file (protocol.schema.json). */
const cpuSlotsFd = 5;

/**
 * The lock file of the machine-wide CPU slots: one per user, in the temporary directory, so that
 * two coderm runs started side by side (two reranks, a rerank and the reward service, parallel
 * test files) put no more candidates on the cores than there are cores.
 */
export function cpuSlotsFile(): string {
  return join(tmpdir(), `coderm-cpu-slots-${process.getuid?.() ?? "user"}`);
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
  const slots = launch.cpuSlots;
  // record locks belong to the process that takes them: Node only opens the file for the child
  const slotsFile = slots === undefined ? undefined : openSlotsFile(slots.path);
  const stdio: (number | "ignore" | "pipe")[] = ["ignore", "ignore", "pipe", "pipe", "pipe"];
  if (slotsFile !== undefined) stdio[cpuSlotsFd] = slotsFile;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(command, args, {
      stdio,
      env: {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
        PYTHONHASHSEED: "0",
        PYTHONDONTWRITEBYTECODE: "1",
        ...launch.env,
        ...(slots === undefined ? {} : { CODERM_CPU_SLOTS: `${slots.count}:${slots.first}` }),
      },
      detached: true,
    });
  } finally {
    if (slotsFile !== undefined) closeSync(slotsFile);
  }
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

function openSlotsFile(path: string): number {
  try {
    return openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new CodermError(
      "unavailable",
      `cannot open the CPU slots' lock file ${path} (${(error as Error).message}); remove it, or set cpuSlots to false`,
      { field: "cpuSlots" },
    );
  }
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
