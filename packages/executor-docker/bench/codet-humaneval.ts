/**
 * Benchmark: CodeT's HumanEval CodeGen-16B set (every unique solution against its post-processed
 * tests and the HumanEval ground truth, 0.1 s a test) on the local executor (`process` level) and
 * on the Docker executor, cold, back to back on the same machine. Prints both throughputs, their
 * ratio, the per-job overhead (a one-test request's round trip on one worker) and every (candidate,
 * test) pair whose verdict differs. Asserts nothing.
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
import { createLocalExecutor } from "@coderm/executor";
import { createDockerExecutor } from "@coderm/executor-docker";
import { startTestEngine } from "@coderm/executor-docker/testing";

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

function requests(): ExecutionRequest[] {
  return sampleSetRequests(set, limits, groundTruth);
}

async function run(executor: Executor & { start(): Promise<void> }) {
  await executor.start();
  const verdicts = new Map<string, string>();
  const started = performance.now();
  for await (const verdict of executor.execute(requests()))
    verdicts.set(`${verdict.candidateId}\t${verdict.testId}`, verdict.status);
  const wallS = (performance.now() - started) / 1000;
  return { verdicts, wallS };
}

/** Mean round trip of a one-test request on one worker, in ms. */
async function perJob(executor: Executor & { start(): Promise<void> }): Promise<number> {
  await executor.start();
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
  const common = { cache: false as const, ...(workers ? { workers } : {}) };
  const localExecutor = createLocalExecutor(common);
  const local = await run(localExecutor);
  await localExecutor.close();
  const dockerExecutor = createDockerExecutor({
    ...common,
    endpoints,
    ...(image ? { image } : {}),
  });
  const docker = await run(dockerExecutor);
  const placement = dockerExecutor.placement;
  await dockerExecutor.close();
  const differing: string[] = [];
  for (const [key, status] of local.verdicts)
    if (docker.verdicts.get(key) !== status)
      differing.push(`${key}\t${status} -> ${docker.verdicts.get(key)}`);
  const localOne = createLocalExecutor({ cache: false, workers: 1 });
  const dockerOne = createDockerExecutor({
    cache: false,
    workers: 1,
    endpoints,
    ...(image ? { image } : {}),
  });
  const jobLocal = await perJob(localOne);
  const jobDocker = await perJob(dockerOne);
  await localOne.close();
  await dockerOne.close();
  const pairs = local.verdicts.size;
  console.log(
    `CodeT HumanEval CodeGen-16B set, ${pairs} (candidate, test) pairs, docker placement ${JSON.stringify(placement)}`,
  );
  console.log(
    `local  (process) wall ${local.wallS.toFixed(2)} s  ${Math.round(pairs / local.wallS)} pairs/s`,
  );
  console.log(
    `docker           wall ${docker.wallS.toFixed(2)} s  ${Math.round(pairs / docker.wallS)} pairs/s`,
  );
  console.log(`docker throughput = ${((100 * local.wallS) / docker.wallS).toFixed(1)} % of local`);
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
