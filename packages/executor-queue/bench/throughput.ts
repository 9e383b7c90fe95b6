/**
 * Benchmark: CodeT's HumanEval CodeGen-Mono-16B set (every unique solution against its
 * post-processed tests and the ground truth, 0.1 s a test) on the local executor, then through the
 * queue executor with 1 and with 2 worker processes on this machine (the same harness processes
 * in all: the cores, split between the workers), each run cold and then warm (the verdict cache
 * answers; no job reaches Redis), in one run; then the queue's per-job overhead: the round trip
 * of an empty job (a worker that runs nothing), one at a time and many in flight. Prints figures,
 * the ratios of the queue's wall times to the local one, and how its verdicts differ from the
 * local executor's (on a loaded machine, only tests near their time limit should); asserts
 * nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/executor-queue bench [-- --workers N --json]
 *
 * It runs from source (no build) and starts its own redis-server on a free loopback port.
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { loadProblems, loadSampleSet, sampleSetRequests } from "@coderm/benchmarks";
import type { VerdictStatus } from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import {
  assertTest,
  type ExecutorBenchmarkReport,
  formatExecutorBenchmark,
  request,
  runExecutorBenchmark,
} from "@coderm/executor/testing";
import { createLocalExecutor } from "@coderm/executor-python";
import { createQueueExecutor } from "../src/queue-executor.js";
import { createQueueWorker } from "../src/queue-worker.js";
import { startTestRedis } from "../src/testing/redis-server.js";
import { spawnTestWorker, type TestWorker } from "../src/testing/test-workers.js";

const { values } = parseArgs({
  // `pnpm bench -- --flag` passes the `--` along
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    workers: { type: "string" },
    "empty-jobs": { type: "string", default: "2000" },
    json: { type: "boolean" },
  },
});
const processes = values.workers === undefined ? availableParallelism() : Number(values.workers);
const emptyJobs = Number(values["empty-jobs"]);

const set = await loadSampleSet("codet-humaneval-codegen16b");
const groundTruth = new Map(
  (await loadProblems("humaneval")).map((problem) => [problem.id, problem.tests ?? []]),
);
const limits = { timeMs: 100, memoryMb: 1024, outputBytes: 4096 };
const requests = () => sampleSetRequests(set, limits, groundTruth);
const redis = await startTestRedis();
const log = (line: string) => {
  if (!values.json) console.log(line);
};

try {
  log(`CodeT HumanEval CodeGen-16B set, ${processes} harness processes in all, sandbox process`);
  const local = await runExecutorBenchmark({
    createBackend: () => createLocalExecutor({ sandbox: "process", workers: processes }),
    requests,
    processes,
    keepStatuses: true,
  });
  log(`local executor\n${formatExecutorBenchmark(local)}`);
  const queued: Record<
    string,
    ExecutorBenchmarkReport & { verdictsVsLocal: ReturnType<typeof compareStatuses> }
  > = {};
  for (const count of [1, 2]) {
    const share = Math.max(1, Math.floor(processes / count));
    const queue = `bench-${count}`;
    const workers: TestWorker[] = await Promise.all(
      Array.from({ length: count }, () =>
        spawnTestWorker({
          redis: redis.url,
          queue,
          harnessProcesses: share,
          concurrency: 2 * share,
        }),
      ),
    );
    try {
      const report = await runExecutorBenchmark({
        createBackend: () => createQueueExecutor({ redis: { url: redis.url }, queue }),
        requests,
        processes: share * count,
        keepStatuses: true,
      });
      const verdictsVsLocal = compareStatuses(local.coldStatuses!, report.coldStatuses!);
      queued[`${count}`] = { ...report, verdictsVsLocal };
      log(
        `queue executor, ${count} worker process(es) of ${share} harness process(es)\n${formatExecutorBenchmark(report)}\nverdicts against the local executor's: ${verdictsVsLocal.differing} of ${verdictsVsLocal.pairs} pairs differ, ${verdictsVsLocal.differingWithoutTimeout} of them without a timeout on either side`,
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.stop("SIGTERM")));
    }
  }
  const ratio = (seconds: number) => Number((seconds / local.cold.wallS).toFixed(2));
  const ratios = {
    queue1VsLocal: ratio(queued["1"]!.cold.wallS),
    queue2VsLocal: ratio(queued["2"]!.cold.wallS),
    queue2VsQueue1: Number((queued["2"]!.cold.wallS / queued["1"]!.cold.wallS).toFixed(2)),
    warmQueueVsWarmLocal: Number((queued["2"]!.warm.wallS / local.warm.wallS).toFixed(2)),
  };
  log(
    `cold wall time ratios: queue x1 / local ${ratios.queue1VsLocal}, queue x2 / local ${ratios.queue2VsLocal}, queue x2 / queue x1 ${ratios.queue2VsQueue1}; warm (cache) queue / local ${ratios.warmQueueVsWarmLocal}`,
  );
  const overhead = await emptyJobOverhead(redis.url, emptyJobs);
  log(
    `per-job queue overhead (a worker that runs nothing): round trip of one empty job ${overhead.roundTripMs.median} ms median (${overhead.roundTripMs.p90} ms p90) over ${overhead.sequentialJobs} jobs one at a time; ${overhead.jobsPerS} jobs/s with ${overhead.pipelinedJobs} in flight (${overhead.pipelinedMsPerJob} ms a job)`,
  );
  if (values.json) {
    const strip = ({ coldStatuses: _statuses, ...rest }: ExecutorBenchmarkReport) => rest;
    console.log(
      JSON.stringify(
        {
          processes,
          local: strip(local),
          queue: Object.fromEntries(
            Object.entries(queued).map(([count, report]) => [
              count,
              { ...strip(report), verdictsVsLocal: report.verdictsVsLocal },
            ]),
          ),
          ratios,
          overhead,
        },
        null,
        2,
      ),
    );
  }
} finally {
  await redis.stop();
}

/**
 * How two runs' verdicts differ: pairs with another status, and those of them where neither run
 * timed out (a test near its 0.1 s limit may time out in one run and not the other on a loaded
 * machine, whatever the executor).
 */
function compareStatuses(
  a: ReadonlyMap<string, VerdictStatus>,
  b: ReadonlyMap<string, VerdictStatus>,
): { pairs: number; differing: number; differingWithoutTimeout: number } {
  let differing = 0;
  let differingWithoutTimeout = 0;
  for (const [pair, status] of a) {
    const other = b.get(pair);
    if (other === status) continue;
    differing += 1;
    if (status !== "timeout" && other !== "timeout") differingWithoutTimeout += 1;
  }
  return {
    pairs: a.size,
    differing: differing + Math.max(0, b.size - a.size),
    differingWithoutTimeout,
  };
}

/** The queue's own cost per job: a worker whose executor answers every test at once. */
async function emptyJobOverhead(url: string, pipelined: number) {
  const instant = createMockExecutor({ name: "instant", fingerprint: "instant" });
  const queue = "bench-empty";
  const worker = createQueueWorker({
    redis: { url },
    queue,
    executor: instant,
    concurrency: 16,
  });
  await worker.start();
  const executor = createQueueExecutor({ redis: { url }, queue });
  const job = (id: string) => request(id, "pass\n", [assertTest("t", "assert True")]);
  const drain = async (batch: ReturnType<typeof job>[]) => {
    for await (const _ of executor.execute(batch)) {
      // count nothing: the time is the figure
    }
  };
  try {
    await executor.fingerprint();
    await drain([job("warm-up")]);
    const sequentialJobs = 200;
    const times: number[] = [];
    for (let index = 0; index < sequentialJobs; index++) {
      const started = performance.now();
      await drain([job(`one-${index}`)]);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const started = performance.now();
    await drain(Array.from({ length: pipelined }, (_, index) => job(`many-${index}`)));
    const seconds = (performance.now() - started) / 1000;
    return {
      sequentialJobs,
      roundTripMs: {
        median: Number(times[Math.floor(times.length / 2)]!.toFixed(2)),
        p90: Number(times[Math.floor(times.length * 0.9)]!.toFixed(2)),
      },
      pipelinedJobs: pipelined,
      jobsPerS: Math.round(pipelined / seconds),
      pipelinedMsPerJob: Number(((seconds * 1000) / pipelined).toFixed(3)),
    };
  } finally {
    await executor.close();
    await worker.close();
  }
}
