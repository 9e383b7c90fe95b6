import type { Executor, SandboxLevel } from "@coderm/core";
import {
  createExecutorRegistry,
  createSqliteVerdictCache,
  type ExecutionStats,
  type VerdictCache,
  withDeduplication,
  withVerdictCache,
} from "@coderm/executor";
import { createDockerExecutor } from "@coderm/executor-docker";
import { createLocalExecutor } from "@coderm/executor-python";

/** Settings of {@link openExecutor}: which backend, and its settings by field. */
export interface ExecutorSettings {
  /** The backend's name in the registry (`local` by default; see {@link executorNames}). */
  executor?: string;
  /** The local backend's sandbox level (`process` or `bwrap`). */
  sandbox?: SandboxLevel;
  /** Harness processes; one per core (per daemon's core for docker) by default. */
  workers?: number;
  /** A verdict cache, false for none; the SQLite store under the cache directory by default. */
  cache?: VerdictCache | false;
  /** The Python interpreter of the local backend and of syntax-tree keys. */
  python?: string;
  /** Docker daemons for the docker backend (`unix://`, `tcp://`, `ssh://`). */
  dockerHosts?: readonly string[];
  /** The docker backend's sandbox image. */
  image?: string;
}

// The backends of this repository, by name. A new backend registers here.
const registry = createExecutorRegistry({
  local: (settings: ExecutorSettings) =>
    createLocalExecutor({
      ...(settings.workers === undefined ? {} : { workers: settings.workers }),
      ...(settings.python === undefined ? {} : { python: settings.python }),
      sandbox: settings.sandbox ?? "process",
    }),
  docker: (settings: ExecutorSettings) =>
    createDockerExecutor({
      ...(settings.workers === undefined ? {} : { workers: settings.workers }),
      ...(settings.python === undefined ? {} : { python: settings.python }),
      ...(settings.dockerHosts === undefined ? {} : { endpoints: settings.dockerHosts }),
      ...(settings.image === undefined ? {} : { image: settings.image }),
    }),
});

/** The names of the executor backends {@link openExecutor} knows. */
export const executorNames: readonly string[] = registry.names;

/** An executor ready to run: the cached, deduplicated stack and what it reports. */
export interface OpenedExecutor {
  /** The stack to execute with: verdict cache, then deduplication, then the backend. */
  executor: Executor;
  /** Counts of what the stack did so far. */
  readonly stats: ExecutionStats;
  /**
   * How the backend confines candidates: its sandbox level plus what it applied on top
   * (`landlock-v7`, `seccomp`), where it says.
   */
  readonly confinement: readonly string[];
  close(): Promise<void>;
}

/**
 * Creates the backend the settings name, wraps it in deduplication and the verdict cache (so a
 * rerun executes nothing), and starts it, so a backend that cannot start fails here with a typed
 * error naming the field at fault.
 */
export async function openExecutor(settings: ExecutorSettings = {}): Promise<OpenedExecutor> {
  const backend = registry.create(settings.executor ?? "local", settings);
  const deduplicated = withDeduplication(backend);
  const executor =
    settings.cache === false
      ? deduplicated
      : withVerdictCache(deduplicated, { cache: settings.cache ?? createSqliteVerdictCache() });
  try {
    await executor.fingerprint();
  } catch (error) {
    await executor.close();
    throw error;
  }
  return {
    executor,
    get stats() {
      return executor.stats;
    },
    get confinement() {
      return "confinement" in backend ? (backend.confinement as readonly string[]) : [];
    },
    close: () => executor.close(),
  };
}
