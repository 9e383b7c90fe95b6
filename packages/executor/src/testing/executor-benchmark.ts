import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRequest, Executor, VerdictStatus } from "@coderm/core";
import { createSqliteVerdictCache } from "../sqlite-verdict-cache.js";
import { withDeduplication } from "../with-deduplication.js";
import { withVerdictCache } from "../with-verdict-cache.js";

/** Settings of {@link runExecutorBenchmark}. */
export interface ExecutorBenchmarkSettings {
  /** Makes a fresh backend for each run (the cold run, then the warm one). */
  createBackend(): Executor;
  /** The requests of one run (called once per run, outside the timing). */
  requests(): ExecutionRequest[];
  /** Harness processes the backend runs, for the timeout floor; default: one per core. */
  processes?: number;
  /** Writes the cold run's verdicts (candidate, test, status; sorted) to this file. */
  verdictsFile?: string;
  /** Keeps the cold run's status of every pair in the report (`coldStatuses`). */
  keepStatuses?: boolean;
}

/** The figures of one run. */
export interface ExecutorBenchmarkRun {
  requests: number;
  verdicts: number;
  executed: number;
  cached: number;
  deduplicated: number;
  wallS: number;
  /** Pairs the backend executed per second of wall time. */
  executionsPerS: number;
  byStatus: Partial<Record<VerdictStatus, number>>;
  /** Seconds the backend spent waiting on timeouts (each candidate's distinct waits once). */
  timeoutS: number;
  nodePeakRssMb: number;
  /** Peak resident memory of this process's child processes (the local harness processes). */
  processesPeakRssMb: number;
}

/** What {@link runExecutorBenchmark} measured. */
export interface ExecutorBenchmarkReport {
  machine: string;
  processes: number;
  cold: ExecutorBenchmarkRun;
  /** The least wall time the cold run's timeouts allow with this many processes. */
  timeoutFloorS: number;
  warm: ExecutorBenchmarkRun;
  /** The cold run's status of each pair, keyed `candidate\ttest` (with `keepStatuses`). */
  coldStatuses?: Map<string, VerdictStatus>;
}

/**
 * Runs a backend the way the pipeline runs it, `withVerdictCache(withDeduplication(backend))`
 * with a fresh SQLite verdict cache, twice over the same requests: cold (an empty cache), then
 * warm (a fresh backend and cache object over the same file). Starting the backend is not timed.
 * The executor benchmarks (`pnpm bench` of each backend package) are built on it.
 */
export async function runExecutorBenchmark(
  settings: ExecutorBenchmarkSettings,
): Promise<ExecutorBenchmarkReport> {
  const cacheDir = await mkdtemp(join(tmpdir(), "coderm-bench-"));
  try {
    const processes = settings.processes ?? availableParallelism();
    const cold = await run(settings, join(cacheDir, "verdicts.sqlite"), true);
    const warm = await run(settings, join(cacheDir, "verdicts.sqlite"), false);
    return {
      machine: `${cpus()[0]?.model} x${availableParallelism()}`,
      processes,
      cold: cold.figures,
      timeoutFloorS: Number((cold.figures.timeoutS / processes).toFixed(1)),
      warm: warm.figures,
      ...(cold.statuses === undefined ? {} : { coldStatuses: cold.statuses }),
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** The report as the benchmarks print it: one line of figures and one of verdicts per run. */
export function formatExecutorBenchmark(report: ExecutorBenchmarkReport): string {
  const lines: string[] = [];
  for (const [name, result] of [
    ["cold", report.cold],
    ["warm", report.warm],
  ] as const) {
    lines.push(
      `${name.padEnd(5)} wall ${result.wallS.toFixed(2)} s  executed ${result.executed}  cached ${result.cached}  deduplicated ${result.deduplicated}  ` +
        `${result.executionsPerS}/s  node peak ${result.nodePeakRssMb} MB  processes peak ${result.processesPeakRssMb} MB`,
    );
    lines.push(`      verdicts ${JSON.stringify(result.byStatus)}`);
  }
  lines.push(
    `timeouts: ${report.cold.timeoutS} s of harness time -> floor ${report.timeoutFloorS} s with ${report.processes} processes`,
  );
  return lines.join("\n");
}

async function run(
  settings: ExecutorBenchmarkSettings,
  path: string,
  cold: boolean,
): Promise<{ figures: ExecutorBenchmarkRun; statuses?: Map<string, VerdictStatus> }> {
  const executor = withVerdictCache(withDeduplication(settings.createBackend()), {
    cache: createSqliteVerdictCache({ path }),
  });
  try {
    await executor.fingerprint();
    const batch = settings.requests();
    const counts: Partial<Record<VerdictStatus, number>> = {};
    // Tests grouped on one expression share one wait (and report the same wall time), so the
    // floor counts each candidate's distinct timeout waits once.
    const waits = new Map<string, Set<number>>();
    const keep = cold && (settings.keepStatuses === true || settings.verdictsFile !== undefined);
    const statuses = keep ? new Map<string, VerdictStatus>() : undefined;
    let verdicts = 0;
    const started = performance.now();
    for await (const verdict of executor.execute(batch)) {
      verdicts += 1;
      statuses?.set(`${verdict.candidateId}\t${verdict.testId}`, verdict.status);
      counts[verdict.status] = (counts[verdict.status] ?? 0) + 1;
      if (verdict.status === "timeout" && !verdict.cached) {
        const candidateWaits = waits.get(verdict.candidateId) ?? new Set<number>();
        candidateWaits.add(verdict.wallMs);
        waits.set(verdict.candidateId, candidateWaits);
      }
    }
    const wallS = (performance.now() - started) / 1000;
    const processesRss = await childrenPeakRssMb();
    const stats = executor.stats;
    if (cold && settings.verdictsFile !== undefined) {
      const lines = [...statuses!].map(([pair, status]) => `${pair}\t${status}`).sort();
      await writeFile(settings.verdictsFile, `${lines.join("\n")}\n`);
    }
    let timeoutMs = 0;
    for (const candidateWaits of waits.values())
      for (const wallMs of candidateWaits) timeoutMs += wallMs;
    return {
      figures: {
        requests: batch.length,
        verdicts,
        executed: stats.executed,
        cached: stats.cached,
        deduplicated: stats.deduplicated,
        wallS: Number(wallS.toFixed(2)),
        executionsPerS: Math.round(stats.executed / wallS),
        byStatus: counts,
        timeoutS: Number((timeoutMs / 1000).toFixed(1)),
        nodePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        processesPeakRssMb: Math.round(processesRss),
      },
      ...(statuses === undefined || settings.keepStatuses !== true ? {} : { statuses }),
    };
  } finally {
    await executor.close();
  }
}

/** Sum of the peak resident memory of this process's children, in MB. */
async function childrenPeakRssMb(): Promise<number> {
  let total = 0;
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      if (!status.includes(`PPid:\t${process.pid}\n`)) continue;
      total += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {}
  }
  return total;
}
