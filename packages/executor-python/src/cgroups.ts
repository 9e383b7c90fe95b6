import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { CodermError } from "@coderm/core";

/** The controllers a harness cgroup uses: memory and pids are promised, cpu only accounts. */
type CgroupController = "memory" | "pids" | "cpu";

/**
 * Where this process's cgroups live and which hierarchy holds them: `2` is the unified hierarchy
 * (one directory per group, every controller in it), `1` the legacy one (a directory per
 * controller). `parents` are the directories new groups are created in: this process's own group
 * of each controller, so that the limits nest inside whatever already limits it.
 */
export interface CgroupLayout {
  readonly version: 1 | 2;
  readonly parents: Readonly<Partial<Record<CgroupController, string>>>;
}

/** The cgroup of one harness process tree, with the limits written into it. */
export interface HarnessCgroup {
  /** Files a process writes its pid into to join the group (one per controller directory). */
  readonly procsFiles: readonly string[];
  /** Kills every process left in the group (a dead harness's candidates) and waits ≤ 2 s. */
  empty(): void;
  /** Kills every process left in the group and removes it; never throws. */
  remove(): void;
}

/** The name prefix of every group this executor creates, followed by `<node pid>-<slot>`. */
export const cgroupPrefix = "coderm-";

/** Reads `/proc/self/cgroup` into (controllers, path) pairs. */
function ownGroups(text: string): { controllers: string[]; path: string }[] {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, controllers = "", ...path] = line.split(":");
      return { controllers: controllers.split(",").filter(Boolean), path: path.join(":") };
    });
}

/**
 * Finds where groups can be made: the unified hierarchy when `root` is a cgroup2 mount, otherwise
 * the legacy controllers mounted under `root` (a hybrid machine: its `root/unified` has no
 * controllers). Returns a reason instead when neither gives memory and pids.
 */
export function detectCgroupLayout(
  root = "/sys/fs/cgroup",
  selfCgroup = "/proc/self/cgroup",
): CgroupLayout | { unavailable: string } {
  let groups: { controllers: string[]; path: string }[];
  try {
    groups = ownGroups(readFileSync(selfCgroup, "utf8"));
  } catch {
    return { unavailable: `${selfCgroup} cannot be read (not Linux, or no cgroups)` };
  }
  if (existsSync(join(root, "cgroup.controllers"))) {
    const unified = groups.find((group) => group.controllers.length === 0);
    const base = join(root, unified?.path ?? "/");
    const available = readText(join(base, "cgroup.controllers")).split(/\s+/);
    const missing = ["memory", "pids"].filter((name) => !available.includes(name));
    if (missing.length > 0) {
      return { unavailable: `cgroup ${base} has no ${missing.join(" or ")} controller delegated` };
    }
    return {
      version: 2,
      parents: {
        memory: base,
        pids: base,
        ...(available.includes("cpu") ? { cpu: base } : {}),
      },
    };
  }
  const parents: Partial<Record<CgroupController, string>> = {};
  const legacy: [CgroupController, string][] = [
    ["memory", "memory"],
    ["pids", "pids"],
    ["cpu", "cpuacct"],
  ];
  for (const [controller, name] of legacy) {
    const group = groups.find((entry) => entry.controllers.includes(name));
    if (group === undefined) continue;
    const mount = join(root, group.controllers.join(","));
    const own = join(mount, group.path).replace(/(.)\/+$/, "$1");
    // Inside a cgroup namespace the path is relative to a root we may see as the mount itself.
    const parent = existsSync(own) ? own : mount;
    if (existsSync(join(parent, "cgroup.procs"))) parents[controller] = parent;
  }
  if (parents.memory === undefined || parents.pids === undefined) {
    return { unavailable: `no cgroup v2 at ${root}, and no v1 memory and pids controllers there` };
  }
  return { version: 1, parents };
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

/** Kills the processes of one group directory (v2: `cgroup.kill` where the kernel has it). */
function killMembers(directory: string): void {
  const kill = join(directory, "cgroup.kill");
  if (existsSync(kill)) {
    try {
      writeFileSync(kill, "1");
      return;
    } catch {
      // fall back to one signal per process
    }
  }
  for (const line of readText(join(directory, "cgroup.procs")).split("\n")) {
    const pid = Number(line);
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

function pause(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/** Removes one group directory after killing what it holds, retrying while they die (≤ 2 s). */
function removeDirectory(directory: string): void {
  if (!existsSync(directory)) return;
  const deadline = Date.now() + 2000;
  for (;;) {
    killMembers(directory);
    try {
      rmdirSync(directory);
      return;
    } catch {
      if (Date.now() > deadline) return;
      pause(20);
    }
  }
}

/** Groups and their directories of the distinct controller parents of a layout. */
function directories(layout: CgroupLayout, name: string): string[] {
  return [...new Set(Object.values(layout.parents))].map((parent) => join(parent, name));
}

/**
 * Removes the groups that runs which ended without closing (a crash, a kill) left behind: those
 * whose Node process no longer runs. Never throws.
 */
export function removeStaleCgroups(layout: CgroupLayout): number {
  let removed = 0;
  for (const parent of new Set(Object.values(layout.parents))) {
    let names: string[];
    try {
      names = readdirSync(parent).filter((name) => name.startsWith(cgroupPrefix));
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = Number(name.slice(cgroupPrefix.length).split("-")[0]);
      if (!Number.isInteger(owner) || owner === process.pid || existsSync(`/proc/${owner}`)) {
        continue;
      }
      removeDirectory(join(parent, name));
      removed += 1;
    }
  }
  return removed;
}

/** What a harness group is limited to. */
export interface CgroupLimits {
  /** Memory of the whole tree, shared memory and tmpfs pages included. */
  memoryBytes: number;
  /** Processes and threads of the whole tree. */
  pids: number;
}

function write(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (error) {
    throw new CodermError(
      "unavailable",
      `cannot write ${value.trim()} to ${path} (${(error as Error).message}); run as root or inside a cgroup delegated to this user, or set hostLimits.mode to "best-effort"`,
      { field: "hostLimits" },
    );
  }
}

/** Lets the children of a v2 group use memory and pids (and cpu when offered). */
function enableControllers(parent: string, layout: CgroupLayout): void {
  const wanted = ["memory", "pids", ...(layout.parents.cpu ? ["cpu"] : [])];
  const enabled = readText(join(parent, "cgroup.subtree_control")).split(/\s+/);
  const missing = wanted.filter((name) => !enabled.includes(name));
  if (missing.length === 0) return;
  write(join(parent, "cgroup.subtree_control"), missing.map((name) => `+${name}`).join(" "));
}

/**
 * Creates the group `coderm-<node pid>-<slot>` (one directory per controller on v1) and writes
 * the limits: `memory.max` and `memory.swap.max` 0 (v2), `memory.limit_in_bytes` and
 * `memory.memsw.limit_in_bytes` (v1), `pids.max`. An existing group of that name is emptied and
 * reused. Throws `unavailable` when a file cannot be written.
 */
export function createHarnessCgroup(
  layout: CgroupLayout,
  owner: string,
  slot: number,
  limits: CgroupLimits,
): HarnessCgroup {
  const name = `${cgroupPrefix}${owner}-${slot}`;
  const made = directories(layout, name);
  const remove = () => {
    for (const directory of made) removeDirectory(directory);
  };
  try {
    if (layout.version === 2) enableControllers(layout.parents.memory!, layout);
    for (const directory of made) {
      if (existsSync(directory)) killMembers(directory);
      else mkdirSync(directory);
    }
    const memory = join(layout.parents.memory!, name);
    const pids = join(layout.parents.pids!, name);
    const bytes = String(limits.memoryBytes);
    if (layout.version === 2) {
      write(join(memory, "memory.max"), bytes);
      if (existsSync(join(memory, "memory.swap.max"))) write(join(memory, "memory.swap.max"), "0");
    } else {
      write(join(memory, "memory.limit_in_bytes"), bytes);
      const swap = join(memory, "memory.memsw.limit_in_bytes");
      if (existsSync(swap)) write(swap, bytes);
    }
    write(join(pids, "pids.max"), String(limits.pids));
  } catch (error) {
    remove();
    if (error instanceof CodermError) throw error;
    throw new CodermError(
      "unavailable",
      `cannot create cgroup ${name} (${(error as Error).message}); run as root or inside a cgroup delegated to this user, or set hostLimits.mode to "best-effort"`,
      { field: "hostLimits" },
    );
  }
  const empty = () => {
    const deadline = Date.now() + 2000;
    for (const directory of made) {
      while (readText(join(directory, "cgroup.procs")) !== "" && Date.now() < deadline) {
        killMembers(directory);
        pause(20);
      }
    }
  };
  return { procsFiles: made.map((directory) => join(directory, "cgroup.procs")), empty, remove };
}
