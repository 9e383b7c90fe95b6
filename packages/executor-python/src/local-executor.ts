import { availableParallelism } from "node:os";
import { join } from "node:path";
import {
  CodermError,
  type ExecutorCapabilities,
  type SandboxLevel,
  unitTestKinds,
} from "@coderm/core";
import { resolvePython } from "@coderm/core/node";
import { harnessLocation } from "./harness-asset.js";
import {
  createHarnessExecutor,
  type HarnessExecutor,
  type HarnessExecutorSettings,
} from "./harness-executor.js";
import { type HostLimitsSettings, openHostLimits } from "./host-limits.js";
import {
  cpuSlotsFile,
  type LocalHarnessLaunch,
  startLocalHarnessProcess,
} from "./local-harness-process.js";
import { sandboxWrapper } from "./sandbox.js";

/** Settings of {@link createLocalExecutor}. */
export interface LocalExecutorSettings extends Pick<HarnessExecutorSettings, "watchdogGraceMs"> {
  /**
   * The Python interpreter that runs the harness; default `CODERM_PYTHON`, else `python3`
   * resolved to its real executable.
   */
  python?: string;
  /** Harness processes; one per core by default. */
  workers?: number;
  /**
   * Isolation level: `process` (rlimits, scrubbed environment, private temp dir, Landlock and
   * seccomp where the kernel has them; the default) or `bwrap` (also namespaces: no network, no
   * host files; see THREAT-MODEL.md). Other levels are refused (`unsupported`).
   */
  sandbox?: SandboxLevel;
  /** The bubblewrap command for the `bwrap` level (`bwrap` on PATH by default). */
  bwrap?: string;
  /**
   * What each harness process tree may take from the host (a cgroup with memory and pids limits,
   * a sized tmpfs for its files); required by default, so the executor refuses to start where
   * they cannot be applied. See "Host limits" in THREAT-MODEL.md.
   */
  hostLimits?: HostLimitsSettings;
  /**
   * Machine-wide CPU slots: how many requests run at once, counted over every local executor of
   * every coderm process of this user that shares the lock file. Requests beyond it wait for a
   * slot, so runs started side by side share the cores instead of oversubscribing them, and a
   * time limit means the same as in a run alone. `false` counts nothing.
   */
  cpuSlots?: false | CpuSlotsSettings;
}

/** Settings of the machine-wide CPU slots ({@link LocalExecutorSettings.cpuSlots}). */
export interface CpuSlotsSettings {
  /** Requests at once (the machine's cores by default). */
  count?: number;
  /** The lock file (`$TMPDIR/coderm-cpu-slots-<uid>` by default). */
  lockFile?: string;
}

/**
 * The local Python executor: warm harness processes on this machine. Besides core's `Executor` it
 * has `confinement` (for reports).
 */
export type LocalExecutor = HarnessExecutor;

/** What the local executor runs: Python, every test kind, at the `process` and `bwrap` levels. */
export const localExecutorCapabilities: ExecutorCapabilities = {
  languages: ["python"],
  testKinds: unitTestKinds,
  sandboxLevels: ["process", "bwrap"],
};
const capabilities = localExecutorCapabilities;

/**
 * Creates the local Python executor: one warm harness process per core (or `workers`), at the
 * chosen sandbox level; results stream back as they finish. Nothing starts until the first
 * `fingerprint()` or `execute`. It is a bare backend: it caches and deduplicates nothing, so
 * compose `withVerdictCache(withDeduplication(executor))` from `@coderm/executor` (as the pipeline
 * does) for reruns that execute nothing and identical pairs that run once.
 */
export function createLocalExecutor(settings: LocalExecutorSettings = {}): LocalExecutor {
  const sandbox = settings.sandbox ?? "process";
  if (!capabilities.sandboxLevels.includes(sandbox)) {
    throw new CodermError(
      "unsupported",
      `sandbox level "${sandbox}" is not available in the local executor (levels: ${capabilities.sandboxLevels.join(", ")})`,
      { field: "sandbox" },
    );
  }
  const { workers, bwrap, hostLimits: hostLimitsSettings, python, cpuSlots, ...options } = settings;
  const slots = cpuSlots === false ? undefined : cpuSlotsLaunch(cpuSlots);
  return createHarnessExecutor({
    ...options,
    name: "local",
    capabilities,
    sandbox,
    async startProcesses() {
      const runtime = await resolvePython(python);
      const harness = harnessLocation();
      const size = workers ?? availableParallelism();
      if (!(Number.isInteger(size) && size >= 1)) {
        throw new CodermError(
          "invalid-input",
          `workers must be a whole number of at least 1, got ${size}`,
          { field: "workers" },
        );
      }
      const hostLimits = openHostLimits(sandbox, size, hostLimitsSettings);
      let sandboxed: ReturnType<typeof sandboxWrapper>;
      try {
        sandboxed = sandboxWrapper(sandbox, runtime, harness.mountDir, bwrap, hostLimits.bwrapTmp);
      } catch (error) {
        hostLimits.close();
        throw error;
      }
      const launch: LocalHarnessLaunch =
        sandboxed === undefined
          ? { python: runtime.executable, harnessPath: harness.path }
          : {
              python: runtime.executable,
              harnessPath: join(sandboxed.harnessDir, harness.pathInMount),
              wrapper: sandboxed.wrapper,
            };
      return {
        size,
        start: (slot) =>
          startLocalHarnessProcess({
            ...launch,
            ...hostLimits.launch(slot),
            confinement: hostLimits.applied,
            ...(slots === undefined ? {} : { cpuSlots: { ...slots, first: slot % slots.count } }),
          }),
        close: async () => hostLimits.close(),
      };
    },
  });
}

function cpuSlotsLaunch(settings: CpuSlotsSettings = {}): { path: string; count: number } {
  const count = settings.count ?? availableParallelism();
  if (!(Number.isInteger(count) && count >= 1 && count < 1 << 20)) {
    throw new CodermError(
      "invalid-input",
      `cpuSlots.count must be a whole number from 1 to ${(1 << 20) - 1}, got ${count}`,
      { field: "cpuSlots.count" },
    );
  }
  return { path: settings.lockFile ?? cpuSlotsFile(), count };
}
