import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CodermError, type ExecutorCapabilities, resolvePython } from "@coderm/core";
import {
  createHarnessExecutor,
  type HarnessExecutor,
  type HarnessExecutorOptions,
} from "./harness-executor.js";
import { type SandboxLevel, sandboxLevels, sandboxWrapper } from "./sandbox.js";
import { PythonWorker, type WorkerLaunch } from "./worker.js";

/** Settings of {@link createLocalExecutor}. */
export interface LocalExecutorSettings extends HarnessExecutorOptions {
  /** Worker processes; one per core by default. */
  workers?: number;
  /**
   * Isolation level: `process` (rlimits, scrubbed environment, private temp dir; the default) or
   * `bwrap` (also namespaces: no network, no host files; see THREAT-MODEL.md).
   */
  sandbox?: SandboxLevel;
  /** The bubblewrap command for the `bwrap` level (`bwrap` on PATH by default). */
  bwrap?: string;
}

/** The local Python executor: a {@link HarnessExecutor} with warm workers on this machine. */
export type LocalExecutor = HarnessExecutor;

const harnessPath = fileURLToPath(new URL("./harness/harness.py", import.meta.url));
const harnessDir = dirname(harnessPath);

const capabilities: ExecutorCapabilities = {
  languages: ["python"],
  testKinds: ["assert", "unittest", "check", "call", "stdio"],
  sandboxLevels,
};

/**
 * Creates the local Python executor: one warm harness process per core (or `workers`), at the
 * chosen sandbox level. Identical (candidate, test, limits) pairs run once, verdicts persist in the
 * cache across runs, and results stream back as they finish.
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
  const { workers, bwrap, ...options } = settings;
  return createHarnessExecutor({
    ...options,
    name: "local",
    capabilities,
    sandbox,
    async startWorkers() {
      const runtime = await resolvePython(settings.python);
      const sandboxed = sandboxWrapper(sandbox, runtime, harnessDir, bwrap);
      const size = workers ?? availableParallelism();
      if (!(Number.isInteger(size) && size >= 1)) {
        throw new CodermError(
          "invalid-input",
          `workers must be a whole number of at least 1, got ${size}`,
          { field: "workers" },
        );
      }
      const launch: WorkerLaunch =
        sandboxed === undefined
          ? { python: runtime.executable, harnessPath }
          : {
              python: runtime.executable,
              harnessPath: join(sandboxed.harnessDir, basename(harnessPath)),
              wrapper: sandboxed.wrapper,
            };
      return { size, start: () => PythonWorker.start(launch) };
    },
  });
}
