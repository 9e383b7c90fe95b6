import { join } from "node:path";
import {
  CodermError,
  type Executor,
  type ExecutorCapabilities,
  type SandboxLevel,
} from "@coderm/core";
import { defaultCacheDir } from "@coderm/core/node";
import {
  createExecutorRegistry,
  createRoutingExecutor,
  createSqliteVerdictCache,
  type ExecutionStats,
  type VerdictCache,
  withDeduplication,
  withVerdictCache,
} from "@coderm/executor";
import { createDockerExecutor, dockerExecutorCapabilities } from "@coderm/executor-docker";
import {
  createIsolatedVmExecutor,
  isolatedVmExecutorCapabilities,
} from "@coderm/executor-isolated-vm";
import { createLocalExecutor, localExecutorCapabilities } from "@coderm/executor-python";
import {
  createQueueExecutor,
  type QueueStatus,
  queueExecutorCapabilities,
  type RedisSettings,
} from "@coderm/executor-queue";

/** Settings of {@link openExecutor}: which backend, and its settings by field. */
export interface ExecutorSettings {
  /**
   * The backend's name in the registry (`local` by default; see {@link executorNames}). JavaScript
   * and TypeScript requests go to `isolated-vm` whichever Python backend is named.
   */
  executor?: string;
  /** The local backend's sandbox level (`process` or `bwrap`). */
  sandbox?: SandboxLevel;
  /** Harness processes; one per core (per daemon's core for docker) by default. */
  workers?: number;
  /** A verdict cache, false for none; the SQLite store under the cache directory by default. */
  cache?: VerdictCache | false;
  /** The Python interpreter of the local backend. */
  python?: string;
  /**
   * The local backend's host limits (a cgroup and a sized tmpfs per harness process):
   * `required` (its default) refuses to start where they cannot be applied; `best-effort` applies
   * what the machine allows (see the executor-python package's THREAT-MODEL.md).
   */
  hostLimits?: "required" | "best-effort";
  /**
   * The local backend's machine-wide CPU slots: requests at once over every coderm run of this
   * user on the machine (its cores by default); 0 turns the sharing off.
   */
  cpuSlots?: number;
  /** Docker daemons for the docker backend (`unix://`, `tcp://`, `ssh://`). */
  dockerHosts?: readonly string[];
  /** The docker backend's sandbox image. */
  image?: string;
  /** The queue backend's Redis (its URL, password and TLS options). */
  redis?: RedisSettings;
  /** The queue backend's queue name (`coderm` by default). */
  queue?: string;
}

// The backends of this repository, by name. A new backend registers here.
const registry = createExecutorRegistry({
  local: (settings: ExecutorSettings) =>
    createLocalExecutor({
      ...(settings.workers === undefined ? {} : { workers: settings.workers }),
      ...(settings.python === undefined ? {} : { python: settings.python }),
      ...(settings.hostLimits === undefined ? {} : { hostLimits: { mode: settings.hostLimits } }),
      ...(settings.cpuSlots === undefined
        ? {}
        : { cpuSlots: settings.cpuSlots === 0 ? false : { count: settings.cpuSlots } }),
      sandbox: settings.sandbox ?? "process",
    }),
  docker: (settings: ExecutorSettings) =>
    createDockerExecutor({
      ...(settings.workers === undefined ? {} : { workers: settings.workers }),
      ...(settings.dockerHosts === undefined ? {} : { endpoints: settings.dockerHosts }),
      ...(settings.image === undefined ? {} : { image: settings.image }),
    }),
  "isolated-vm": (settings: ExecutorSettings) =>
    createIsolatedVmExecutor({
      ...(settings.workers === undefined ? {} : { workers: settings.workers }),
    }),
  queue: (settings: ExecutorSettings) => {
    // candidates run on the workers (`coderm worker`), at the workers' sandbox level
    if (settings.sandbox !== undefined)
      throw new CodermError(
        "invalid-input",
        "the queue executor runs candidates at its workers' sandbox level: set it on the workers",
        { field: "sandbox" },
      );
    if (settings.redis === undefined)
      throw new CodermError("invalid-input", "the queue executor needs its Redis URL", {
        field: "redis",
      });
    return createQueueExecutor({
      redis: settings.redis,
      ...(settings.queue === undefined ? {} : { queue: settings.queue }),
      // with the verdict cache, a rerun it answers needs no Redis
      ...(settings.cache === false
        ? {}
        : { fleetFile: join(defaultCacheDir(), "queue-fleets.json") }),
    });
  },
});

// What each backend offers, known before one is created (settings are checked against it).
const capabilitiesByName: Record<string, ExecutorCapabilities> = {
  local: localExecutorCapabilities,
  docker: dockerExecutorCapabilities,
  "isolated-vm": isolatedVmExecutorCapabilities,
  queue: queueExecutorCapabilities,
};

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
  /** With the queue backend: its jobs by state and its live workers, read now. */
  queueStatus?: () => Promise<QueueStatus>;
  close(): Promise<void>;
}

/**
 * Creates the backend the settings name, wraps it in deduplication and the verdict cache (so a
 * rerun executes nothing), and starts it, so a backend that cannot start fails here with a typed
 * error naming the field at fault.
 */
export async function openExecutor(settings: ExecutorSettings = {}): Promise<OpenedExecutor> {
  const name = settings.executor ?? "local";
  const levels = capabilitiesByName[name]?.sandboxLevels;
  if (settings.sandbox !== undefined && levels !== undefined && !levels.includes(settings.sandbox))
    throw new CodermError(
      "invalid-input",
      `the ${name} executor does not offer sandbox level "${settings.sandbox}" (its levels: ${levels.join(", ")})`,
      { field: "sandbox", details: { executor: name, sandboxLevels: levels } },
    );
  // The cache opens first: a cache that cannot open fails before any harness process exists.
  // From then on every failure closes what was opened, so no idle process keeps the caller alive.
  const cache =
    settings.cache === false ? undefined : (settings.cache ?? createSqliteVerdictCache());
  const backends: Executor[] = [];
  try {
    backends.push(registry.create(name, settings));
    // JavaScript and TypeScript go to isolates whichever backend runs Python
    if (!backends[0]!.capabilities.languages.includes("javascript"))
      backends.push(registry.create("isolated-vm", settings));
  } catch (error) {
    await Promise.all(backends.map((backend) => backend.close().catch(() => {})));
    cache?.close();
    throw error;
  }
  // each backend keeps its own deduplication and cache entries (its fingerprint), so adding a
  // language leaves every cached verdict of the others valid; they share the one store
  const shared = cache === undefined ? undefined : sharedCache(cache, backends.length);
  const routes = backends.map((backend) => {
    const deduplicated = withDeduplication(backend);
    return shared === undefined ? deduplicated : withVerdictCache(deduplicated, { cache: shared });
  });
  const executor = routes.length === 1 ? routes[0]! : createRoutingExecutor(routes);
  try {
    // the first backend starts now, so it fails here; the others start on their first request
    await routes[0]!.fingerprint();
  } catch (error) {
    await executor.close().catch(() => {});
    throw error;
  }
  const primary = backends[0]!;
  return {
    executor,
    get stats() {
      return sumStats(routes.map((route) => route.stats));
    },
    get confinement() {
      return "confinement" in primary ? (primary.confinement as readonly string[]) : [];
    },
    ...("status" in primary
      ? { queueStatus: () => (primary.status as () => Promise<QueueStatus>)() }
      : {}),
    close: () => executor.close(),
  };
}

/** A cache several wrappers own: it closes when the last of them closes it. */
function sharedCache(cache: VerdictCache, owners: number): VerdictCache {
  let open = owners;
  return {
    lookup: (context, candidate) => cache.lookup(context, candidate),
    put: (context, candidate, test, verdict) => cache.put(context, candidate, test, verdict),
    flush: () => cache.flush(),
    close: () => {
      open -= 1;
      if (open === 0) cache.close();
      else cache.flush();
    },
  };
}

/** The counts of several executor stacks, added up. */
function sumStats(parts: readonly ExecutionStats[]): ExecutionStats {
  const [first, ...rest] = parts;
  const total: ExecutionStats = {
    executed: first!.executed,
    cached: first!.cached,
    deduplicated: first!.deduplicated,
    byStatus: { ...first!.byStatus },
  };
  for (const part of rest) {
    total.executed += part.executed;
    total.cached += part.cached;
    total.deduplicated += part.deduplicated;
    for (const [status, count] of Object.entries(part.byStatus) as [
      keyof ExecutionStats["byStatus"],
      number,
    ][])
      total.byStatus[status] += count;
  }
  return total;
}
