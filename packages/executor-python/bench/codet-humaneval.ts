/**
 * Benchmark: every unique solution of CodeT's HumanEval CodeGen-Mono-16B set against its
 * post-processed tests (0.1 s a test, CodeT's limit) plus the HumanEval ground truth, on the local
 * executor composed as the pipeline composes it (`withVerdictCache(withDeduplication(local))`),
 * first with a cold verdict cache, then again from the warm cache. Prints figures; asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/executor-python bench [-- --workers N --sandbox bwrap]
 *
 * `--verdicts FILE` writes the cold run's verdicts (candidate, test, status; sorted) to FILE, to
 * compare two harness versions verdict by verdict.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { loadProblems, loadSampleSet, sampleSetRequests } from "@coderm/benchmarks";
import { contentId, type SandboxLevel } from "@coderm/core";
import { formatExecutorBenchmark, runExecutorBenchmark } from "@coderm/executor/testing";
import { createLocalExecutor } from "@coderm/executor-python";

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
// CodeT judges the ground truth under the same 0.1 s limit (its main.py passes --timeout to both).
const limits = { timeMs: 100, memoryMb: 1024, outputBytes: 4096 };
const codetReferenceS = 536;

const report = await runExecutorBenchmark({
  createBackend: () => createLocalExecutor({ sandbox, ...(workers ? { workers } : {}) }),
  requests: () => sampleSetRequests(set, limits, groundTruth),
  processes: workers ?? availableParallelism(),
  ...(values.verdicts === undefined ? {} : { verdictsFile: values.verdicts }),
});
const uniqueCandidates = new Set(set.candidates.map((candidate) => contentId(candidate.code))).size;
const speedupVsCodet = Number((codetReferenceS / report.cold.wallS).toFixed(2));
if (values.json) {
  console.log(
    JSON.stringify({ ...report, uniqueCandidates, codetReferenceS, speedupVsCodet }, null, 2),
  );
} else {
  console.log(
    `CodeT HumanEval CodeGen-16B set, ${uniqueCandidates} unique candidates, ${report.processes} harness processes, sandbox ${sandbox} (${report.machine})`,
  );
  console.log(formatExecutorBenchmark(report));
  console.log(`CodeT's own pipeline: ${codetReferenceS} s -> ${speedupVsCodet}x faster`);
}
