/**
 * Benchmark: every unique solution of CodeT's HumanEval CodeGen-Mono-16B set against its
 * post-processed tests (0.1 s a test, CodeT's limit) plus the HumanEval ground truth, first with a
 * cold verdict cache, then again from the warm cache. Prints figures; asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/executor bench [-- --workers N --sandbox bwrap]
 *
 * `--verdicts FILE` writes the cold run's verdicts (candidate, test, status; sorted) to FILE, to
 * compare two harness versions verdict by verdict.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadProblems, loadSampleSet, sampleSetRequests } from "@coderm/benchmarks";
import { contentId, type ExecutionRequest, type VerdictStatus } from "@coderm/core";
import { createLocalExecutor, createSqliteVerdictCache, type SandboxLevel } from "@coderm/executor";

const { values } = parseArgs({
  // `pnpm bench -- --flag` passes the `--` along
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    workers: { type: "string" },
    sandbox: { type: "string", default: "process" },
    json: { type: "boolean" },
    verdicts: { type: "string" },
  },
});
const sandbox = values.sandbox as SandboxLevel;
const workers = values.workers === undefined ? undefined : Number(values.workers);

const set = await loadSampleSet("codet-humaneval-codegen16b");
const groundTruth = new Map(
  (await loadProblems("humaneval")).map((problem) => [problem.id, problem.tests ?? []]),
);
const limits = { timeMs: 100, memoryMb: 1024, outputBytes: 4096 };
// CodeT judges the ground truth under the same 0.1 s limit (its main.py passes --timeout to both).

function requests(): ExecutionRequest[] {
  return sampleSetRequests(set, limits, groundTruth);
}

async function workerPeakRssMb(): Promise<number> {
  const { readdir } = await import("node:fs/promises");
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

function sumOfWaits(waits: Map<string, Set<number>>): number {
  let total = 0;
  for (const candidateWaits of waits.values()) for (const wallMs of candidateWaits) total += wallMs;
  return total;
}

async function run(cacheDir: string, verdictsFile?: string) {
  const executor = createLocalExecutor({
    cache: createSqliteVerdictCache({ path: join(cacheDir, "verdicts.sqlite") }),
    sandbox,
    ...(workers ? { workers } : {}),
  });
  await executor.start();
  const batch = requests();
  const counts: Partial<Record<VerdictStatus, number>> = {};
  // Tests grouped on one expression share one wait (and report the same wall time), so the
  // floor counts each candidate's distinct timeout waits once.
  const waits = new Map<string, Set<number>>();
  let verdicts = 0;
  const lines: string[] = [];
  const started = performance.now();
  for await (const verdict of executor.execute(batch)) {
    verdicts += 1;
    if (verdictsFile !== undefined)
      lines.push(`${verdict.candidateId}\t${verdict.testId}\t${verdict.status}`);
    counts[verdict.status] = (counts[verdict.status] ?? 0) + 1;
    if (verdict.status === "timeout" && !verdict.cached) {
      const candidateWaits = waits.get(verdict.candidateId) ?? new Set<number>();
      candidateWaits.add(verdict.wallMs);
      waits.set(verdict.candidateId, candidateWaits);
    }
  }
  const wallS = (performance.now() - started) / 1000;
  const workerRss = await workerPeakRssMb();
  const stats = executor.stats;
  await executor.close();
  if (verdictsFile !== undefined) await writeFile(verdictsFile, `${lines.sort().join("\n")}\n`);
  return {
    requests: batch.length,
    verdicts,
    executed: stats.executed,
    cached: stats.cached,
    deduplicated: stats.deduplicated,
    wallS: Number(wallS.toFixed(2)),
    executionsPerS: Math.round(stats.executed / wallS),
    byStatus: counts,
    timeoutS: Number((sumOfWaits(waits) / 1000).toFixed(1)),
    nodePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    workersPeakRssMb: Math.round(workerRss),
  };
}

const cacheDir = await mkdtemp(join(tmpdir(), "coderm-bench-"));
try {
  const workerCount = workers ?? (await import("node:os")).availableParallelism();
  const cold = await run(cacheDir, values.verdicts);
  const warm = await run(cacheDir);
  const report = {
    machine: `${(await import("node:os")).cpus()[0]?.model} x${(await import("node:os")).availableParallelism()}`,
    workers: workerCount,
    uniqueCandidates: new Set(set.candidates.map((candidate) => contentId(candidate.code))).size,
    cold,
    timeoutFloorS: Number((cold.timeoutS / workerCount).toFixed(1)),
    warm,
    codetReferenceS: 536,
    speedupVsCodet: Number((536 / cold.wallS).toFixed(2)),
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `CodeT HumanEval CodeGen-16B set, ${report.uniqueCandidates} unique candidates, ${workerCount} workers, sandbox ${sandbox} (${report.machine})`,
    );
    for (const [name, result] of [
      ["cold", cold],
      ["warm", warm],
    ] as const) {
      console.log(
        `${name.padEnd(5)} wall ${result.wallS.toFixed(2)} s  executed ${result.executed}  cached ${result.cached}  deduplicated ${result.deduplicated}  ` +
          `${result.executionsPerS}/s  node peak ${result.nodePeakRssMb} MB  workers peak ${result.workersPeakRssMb} MB`,
      );
      console.log(`      verdicts ${JSON.stringify(result.byStatus)}`);
    }
    console.log(
      `timeouts: ${cold.timeoutS} s of worker time -> floor ${report.timeoutFloorS} s with ${workerCount} workers`,
    );
    console.log(`CodeT's own pipeline: 536 s -> ${report.speedupVsCodet}x faster`);
  }
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
