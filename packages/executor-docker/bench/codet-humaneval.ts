/**
 * Benchmark: CodeT's HumanEval CodeGen-16B set (every unique solution against its post-processed
 * tests and the HumanEval ground truth, 0.1 s a test) on the local executor (`process` level) and
 * on the Docker executor, back to back on the same machine, each composed as the pipeline
 * composes it (`withVerdictCache(withDeduplication(backend))`), cold then warm. Prints both runs'
 * figures, the cold throughput ratio, the per-job overhead (a one-test request's round trip on one
 * harness process) and every (candidate, test) pair whose verdict differs. Asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/executor-docker bench [-- --docker-host URL --image TAG]
 *
 * Without --docker-host it starts the test kit's own dockerd (and stops it afterwards).
 * `--diff FILE` writes every differing pair (candidate, test, local -> docker) to FILE.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadProblems, loadSampleSet, sampleSetRequests } from "@coderm/benchmarks";
import type { ExecutionRequest, Executor } from "@coderm/core";
import { formatExecutorBenchmark, runExecutorBenchmark } from "@coderm/executor/testing";
import { createDockerExecutor, type DockerExecutor } from "@coderm/executor-docker";
import { startTestEngine } from "@coderm/executor-docker/testing";
import { createLocalExecutor } from "@coderm/executor-python";

const { values } = parseArgs({
  // `pnpm bench -- --flag` passes the `--` along
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    "docker-host": { type: "string" },
    image: { type: "string" },
    workers: { type: "string" },
    diff: { type: "string" },
  },
});
const workers = values.workers === undefined ? undefined : Number(values.workers);

const set = await loadSampleSet("codet-humaneval-codegen16b");
const groundTruth = new Map(
  (await loadProblems("humaneval")).map((problem) => [problem.id, problem.tests ?? []]),
);
const limits = { timeMs: 100, memoryMb: 1024, outputBytes: 4096 };
const requests = (): ExecutionRequest[] => sampleSetRequests(set, limits, groundTruth);

/** Mean round trip of a one-test request on one harness process, in ms (no cache). */
async function perJob(executor: Executor): Promise<number> {
  await executor.fingerprint();
  const test = { id: "t", problemId: "p", kind: "assert" as const, code: "assert f(1) == 1" };
  const one = (index: number): ExecutionRequest => ({
    candidate: { id: `c${index}`, problemId: "p", code: `def f(x):\n    return x  # ${index}\n` },
    tests: [test],
    limits,
  });
  for (let index = 0; index < 20; index++) for await (const _ of executor.execute([one(index)]));
  const started = performance.now();
  for (let index = 20; index < 220; index++) for await (const _ of executor.execute([one(index)]));
  return (performance.now() - started) / 200;
}

const engine = values["docker-host"] === undefined ? await startTestEngine() : undefined;
try {
  const endpoints = [values["docker-host"] ?? engine!.socketPath];
  const image = values.image ?? engine?.image;
  const common = workers ? { workers } : {};
  const docker = (settings: { workers?: number } = common) =>
    createDockerExecutor({ ...settings, endpoints, ...(image ? { image } : {}) });
  const local = await runExecutorBenchmark({
    createBackend: () => createLocalExecutor(common),
    requests,
    keepStatuses: true,
  });
  let lastDocker: DockerExecutor | undefined;
  const remote = await runExecutorBenchmark({
    createBackend: () => {
      lastDocker = docker();
      return lastDocker;
    },
    requests,
    keepStatuses: true,
  });
  // Where the last run's harness processes ran (still known after it closed).
  const placement = lastDocker?.placement ?? [];
  const localStatuses = local.coldStatuses!;
  const dockerStatuses = remote.coldStatuses!;
  const differing: string[] = [];
  for (const [key, status] of localStatuses)
    if (dockerStatuses.get(key) !== status)
      differing.push(`${key}\t${status} -> ${dockerStatuses.get(key)}`);
  const localOne = createLocalExecutor({ workers: 1 });
  const dockerOne = docker({ workers: 1 });
  const jobLocal = await perJob(localOne);
  const jobDocker = await perJob(dockerOne);
  await localOne.close();
  await dockerOne.close();
  const pairs = localStatuses.size;
  console.log(
    `CodeT HumanEval CodeGen-16B set, ${pairs} (candidate, test) pairs, docker placement ${JSON.stringify(placement)} (${local.machine})`,
  );
  console.log(
    `local (process), ${local.processes} harness processes\n${formatExecutorBenchmark(local)}`,
  );
  console.log(`docker\n${formatExecutorBenchmark(remote)}`);
  console.log(
    `cold: local ${Math.round(pairs / local.cold.wallS)} pairs/s, docker ${Math.round(pairs / remote.cold.wallS)} pairs/s: docker throughput = ${((100 * local.cold.wallS) / remote.cold.wallS).toFixed(1)} % of local`,
  );
  console.log(
    `per-job round trip: local ${jobLocal.toFixed(2)} ms, docker ${jobDocker.toFixed(2)} ms (overhead ${(jobDocker - jobLocal).toFixed(2)} ms)`,
  );
  const transitions = new Map<string, number>();
  for (const line of differing) {
    const change = line.split("\t")[2]!;
    transitions.set(change, (transitions.get(change) ?? 0) + 1);
  }
  const candidates = new Set(differing.map((line) => line.split("\t")[0]));
  console.log(
    `verdicts differing: ${differing.length} of ${pairs} (${candidates.size} candidates): ${JSON.stringify(Object.fromEntries(transitions))}`,
  );
  if (values.diff !== undefined) await writeFile(values.diff, `${differing.join("\n")}\n`);
} finally {
  await engine?.stop();
}
