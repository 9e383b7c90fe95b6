import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { CodermError, type SandboxLevel } from "@coderm/core";
import {
  type CgroupLayout,
  createHarnessCgroup,
  detectCgroupLayout,
  type HarnessCgroup,
  removeStaleCgroups,
} from "./cgroups.js";

/**
 * Limits on what one harness process tree (the harness, its zygote, test server and candidates)
 * may take from the host, whatever a candidate does (raw `fork` through ctypes, threads, memfds,
 * shared memory, files). See "Host limits" in THREAT-MODEL.md.
 */
export interface HostLimitsSettings {
  /**
   * `required` (the default): the executor refuses to start, with an `unavailable` error saying
   * why, when a limit below cannot be applied. `best-effort`: it applies what the machine allows
   * and `executor.confinement` lists only what it got.
   */
  mode?: "required" | "best-effort";
  /**
   * Memory of each harness process tree in bytes, shared memory, memfds and tmpfs pages included
   * (a cgroup's `memory.max`). Default: 80 % of the host's memory divided among the harness
   * processes, at least 256 MiB.
   */
  memoryBytes?: number;
  /** Processes and threads of each harness process tree (`pids.max`); 512 by default. */
  pids?: number;
  /**
   * Size of each harness process's files (its own and its candidates' working directories): a
   * tmpfs of this size, counted in `memoryBytes` too. Default: half of `memoryBytes`, at most 1 GiB.
   */
  workDirBytes?: number;
}

/** What one harness process is started with under the host limits. */
interface HostLimitsLaunch {
  /** Command words that run before the sandbox wrapper or the interpreter. */
  prefix: string[];
  /** Environment the harness process gets on top of its scrubbed one. */
  env: Record<string, string>;
}

/** The host limits of one executor: applied to every harness process it starts. */
export interface HostLimits {
  /** What was applied, for `executor.confinement` and the fingerprint (`cgroup-v1`, ...). */
  readonly applied: readonly string[];
  /** The limits in effect. */
  readonly limits: Required<Omit<HostLimitsSettings, "mode">>;
  /**
   * How bwrap's `/tmp` is limited: bound from the sized tmpfs this module mounts (`bind`, as root),
   * or a tmpfs of `bytes` made by bwrap itself (unprivileged: size only, inodes bounded by the
   * memory limit). Undefined at other levels.
   */
  readonly bwrapTmp: { bind: string } | { bytes: number } | undefined;
  /** Prepares the cgroup of a slot (made once, emptied and reused when the slot restarts). */
  launch(slot: number): HostLimitsLaunch;
  /** Removes every cgroup and mount point this executor made; never throws. */
  close(): void;
}

const mebibyte = 1024 * 1024;

/** Joins every cgroup named before `--`, then runs the rest. */
const joinScript =
  'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
/** Mounts a sized tmpfs on the mount point (in the private mount namespace), then runs the rest. */
const mountScript =
  'mount -t tmpfs -o "size=$1,nr_inodes=$2,mode=0700,nosuid,nodev" coderm-work "$3" || exit 125; shift 3; exec "$@"';
/** Files per byte of the work directory: one inode per 16 KiB. */
const bytesPerInode = 16 * 1024;

const workDirPrefix = "coderm-work-";
let openedHostLimits = 0;

function checkWhole(value: number, minimum: number, field: string): number {
  if (!(Number.isSafeInteger(value) && value >= minimum)) {
    throw new CodermError(
      "invalid-input",
      `hostLimits.${field} must be a whole number of at least ${minimum}, got ${value}`,
      { field: `hostLimits.${field}` },
    );
  }
  return value;
}

/** The limits with their defaults for a pool of `workers` harness processes. */
export function resolveHostLimits(
  settings: HostLimitsSettings,
  workers: number,
): Required<Omit<HostLimitsSettings, "mode">> {
  const memoryBytes = checkWhole(
    settings.memoryBytes ??
      Math.max(256 * mebibyte, Math.floor((totalmem() * 0.8) / workers / mebibyte) * mebibyte),
    64 * mebibyte,
    "memoryBytes",
  );
  const pids = checkWhole(settings.pids ?? 512, 16, "pids");
  const workDirBytes = checkWhole(
    settings.workDirBytes ?? Math.min(1024 * mebibyte, Math.floor(memoryBytes / 2)),
    mebibyte,
    "workDirBytes",
  );
  return { memoryBytes, pids, workDirBytes };
}

/** Removes mount points that ended runs left in the temp directory (empty on the host side). */
function removeStaleMountPoints(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((name) => name.startsWith(workDirPrefix));
  } catch {
    return;
  }
  for (const name of names) {
    const owner = Number(name.slice(workDirPrefix.length).split("-")[0]);
    if (!Number.isInteger(owner) || owner === process.pid || existsSync(`/proc/${owner}`)) continue;
    try {
      rmdirSync(join(tmpdir(), name));
    } catch {
      // not empty or not ours: left alone
    }
  }
}

/**
 * Sets up the host limits of an executor at a sandbox level: a cgroup per harness process tree
 * (v2, or v1 where the machine has only that: memory counting shared memory, pids, CPU
 * accounting), and a sized tmpfs for the files (bwrap's `/tmp`; at the `process` level, the
 * harness's temp directory mounted in a private mount namespace, which needs root). Removes what
 * crashed runs left. With `mode: "required"` it throws `unavailable`, saying why and what to do,
 * when any of it cannot be applied.
 */
export function openHostLimits(
  level: SandboxLevel,
  workers: number,
  settings: HostLimitsSettings = {},
  cgroupRoot = "/sys/fs/cgroup",
): HostLimits {
  const mode = settings.mode ?? "required";
  if (mode !== "required" && mode !== "best-effort") {
    throw new CodermError(
      "invalid-input",
      `hostLimits.mode must be "required" or "best-effort", got ${JSON.stringify(mode)}`,
      { field: "hostLimits.mode" },
    );
  }
  const limits = resolveHostLimits(settings, workers);
  const required = (reason: string) => {
    if (mode === "required") {
      throw new CodermError(
        "unavailable",
        `host limits cannot be applied at the "${level}" level: ${reason}; run as root (or inside a cgroup delegated to this user), or run without them: --host-limits best-effort (hostLimits: { mode: "best-effort" } in the API)`,
        { field: "hostLimits" },
      );
    }
  };
  const detected = detectCgroupLayout(cgroupRoot);
  let layout: CgroupLayout | undefined;
  if ("unavailable" in detected) required(detected.unavailable);
  else layout = detected;
  const isRoot = process.getuid?.() === 0;
  // this process's pid first (what removeStale* read), then which of its executors: two local
  // executors of one process must not share a cgroup or a mount point
  const owner = `${process.pid}-${++openedHostLimits}`;
  let mountWorkDir = isRoot && existsSync("/usr/bin/unshare");
  // Every harness process mounts its own tmpfs here, each in its own mount namespace.
  const mountPoint = join(tmpdir(), `${workDirPrefix}${owner}`);
  if (level === "process" && !mountWorkDir) {
    required("a sized work directory at this level needs root and unshare (util-linux)");
  }
  const groups = new Map<number, HarnessCgroup>();
  const mountPoints = new Set<string>();
  const applied: string[] = [];

  const launch = (slot: number): HostLimitsLaunch => {
    const prefix: string[] = [];
    const env: Record<string, string> = {};
    if (layout !== undefined) {
      let group = groups.get(slot);
      if (group === undefined) {
        try {
          group = createHarnessCgroup(layout, owner, slot, limits);
          groups.set(slot, group);
        } catch (error) {
          if (mode === "required") throw error;
          layout = undefined;
        }
      } else {
        group.empty(); // the slot's previous harness process is gone: so must be its tree
      }
      if (group !== undefined)
        prefix.push("/bin/sh", "-c", joinScript, "coderm-join", ...group.procsFiles, "--");
    }
    if (mountWorkDir) {
      mkdirSync(mountPoint, { recursive: true, mode: 0o700 });
      mountPoints.add(mountPoint);
      prefix.push(
        "/usr/bin/unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        mountScript,
        "coderm-mount",
        String(limits.workDirBytes),
        String(Math.max(1024, Math.floor(limits.workDirBytes / bytesPerInode))),
        mountPoint,
      );
      if (level === "process") env.TMPDIR = mountPoint;
    }
    return { prefix, env };
  };

  const close = () => {
    for (const group of groups.values()) group.remove();
    groups.clear();
    for (const mountPoint of mountPoints) {
      try {
        rmdirSync(mountPoint);
      } catch {
        // still busy or already gone; a later run removes it
      }
    }
    mountPoints.clear();
  };

  if (layout !== undefined) removeStaleCgroups(layout);
  removeStaleMountPoints();
  // Slot 0 is prepared now and tried with a trivial command, so a limit that cannot be applied
  // is reported before any harness process starts.
  const probe = launch(0);
  if (probe.prefix.length > 0) {
    const result = spawnSync(probe.prefix[0]!, [...probe.prefix.slice(1), "/bin/true"], {
      encoding: "utf8",
      timeout: 10_000,
      env: { PATH: "/usr/bin:/bin" },
    });
    if (result.error !== undefined || result.status !== 0) {
      close();
      const reason = result.error?.message ?? (result.stderr.trim() || `exit ${result.status}`);
      required(`starting a process under them failed (${reason})`);
      layout = undefined;
      mountWorkDir = false;
    }
  }
  if (layout !== undefined) {
    applied.push(`cgroup-v${layout.version}`, "memory-limit", "pids-limit");
    if (layout.parents.cpu !== undefined) applied.push("cpu-accounting");
  }
  if (mountWorkDir || level === "bwrap") applied.push("disk-quota");
  return {
    applied,
    limits,
    bwrapTmp:
      level !== "bwrap"
        ? undefined
        : mountWorkDir
          ? { bind: mountPoint }
          : { bytes: limits.workDirBytes },
    launch,
    close,
  };
}
