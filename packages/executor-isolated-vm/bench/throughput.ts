/**
 * Benchmark: tests per second and per-test overhead of the isolated-vm executor on the HumanEval-X
 * JavaScript canonical solutions (one test script each), on a wrong variant of them (every
 * function returns undefined), and on a trivial program, then the same figures for the local
 * Python executor on the HumanEval canonical solutions, in the same run and with as many workers.
 * Each set is run `--copies` times over (every copy a distinct program, so nothing is served from
 * a compile cache), `--rounds` times; the best round is shown. Prints figures; asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/executor-isolated-vm bench [-- --workers N --copies N --rounds N]
 *
 * Per-test overhead is wall time times workers divided by tests: what one test costs a worker,
 * harness included, when the program and the test themselves take next to nothing (the trivial
 * set), and in total (the benchmark sets).
 */
import { availableParallelism, cpus } from "node:os";
import { parseArgs } from "node:util";
import { loadProblems } from "@coderm/benchmarks";
import type { ExecutionRequest, Executor, Problem, VerdictStatus } from "@coderm/core";
import { createIsolatedVmExecutor } from "@coderm/executor-isolated-vm";
import { createLocalExecutor } from "@coderm/executor-python";

const { values } = parseArgs({
  // `pnpm bench -- --flag` passes the `--` along
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    workers: { type: "string" },
    copies: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
  },
});
const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);
const copies = Number(values.copies);
const rounds = Number(values.rounds);
const limits = { timeMs: 3000, memoryMb: 2048, outputBytes: 4096 };

interface Figures {
  tests: number;
  wallS: number;
  testsPerS: number;
  overheadMs: number;
  statuses: Partial<Record<VerdictStatus, number>>;
}

/** `copies` distinct copies of each request (a comment tells them apart). */
function copied(requests: ExecutionRequest[], comment: string): ExecutionRequest[] {
  return Array.from({ length: copies }, (_, copy) =>
    requests.map((request) => ({
      ...request,
      candidate: {
        ...request.candidate,
        id: `${request.candidate.id}#${copy}`,
        code: `${request.candidate.code}\n${comment} copy ${copy}\n`,
      },
    })),
  ).flat();
}

async function measure(executor: Executor, requests: ExecutionRequest[]): Promise<Figures> {
  let best: Figures | undefined;
  for (let round = 0; round < rounds; round++) {
    const statuses: Partial<Record<VerdictStatus, number>> = {};
    let tests = 0;
    const started = performance.now();
    for await (const verdict of executor.execute(requests)) {
      tests += 1;
      statuses[verdict.status] = (statuses[verdict.status] ?? 0) + 1;
    }
    const wallS = (performance.now() - started) / 1000;
    const figures = {
      tests,
      wallS: Number(wallS.toFixed(3)),
      testsPerS: Math.round(tests / wallS),
      overheadMs: Number(((wallS * 1000 * workers) / tests).toFixed(3)),
      statuses,
    };
    if (best === undefined || figures.wallS < best.wallS) best = figures;
  }
  return best!;
}

const line = (name: string, figures: Figures) =>
  `${name.padEnd(44)} ${String(figures.tests).padStart(6)} tests  ${figures.wallS.toFixed(2).padStart(7)} s  ${String(figures.testsPerS).padStart(6)} tests/s  ${figures.overheadMs.toFixed(2).padStart(7)} ms/test/worker  ${JSON.stringify(figures.statuses)}`;

const requestsOf = (
  problems: Problem[],
  code: (problem: Problem) => string,
  language: ExecutionRequest["language"],
): ExecutionRequest[] =>
  problems.map((problem) => ({
    candidate: { id: problem.id, problemId: problem.id, code: code(problem) },
    tests: problem.tests ?? [],
    limits,
    ...(language === undefined ? {} : { language }),
  }));

const trivial = (language: "javascript" | "python"): ExecutionRequest[] =>
  Array.from({ length: 200 }, (_, index) => ({
    candidate: {
      id: `trivial-${index}`,
      problemId: "trivial",
      code:
        language === "python"
          ? `def f():\n    return ${index}\n`
          : `function f() {\n  return ${index};\n}\n`,
    },
    tests: [
      {
        id: "t",
        problemId: "trivial",
        kind: "assert",
        code: language === "python" ? `assert f() == ${index}` : `assert(f() === ${index})`,
      },
    ],
    limits,
    language,
  }));

const javascript = await loadProblems("humaneval-js");
const python = await loadProblems("humaneval");
console.log(
  `isolated-vm vs local Python executor: ${workers} workers each, ${copies} copies of each set, best of ${rounds} rounds (${cpus()[0]?.model} x${availableParallelism()})`,
);

const isolated = createIsolatedVmExecutor({ workers });
try {
  console.log(`isolated-vm: ${await isolated.fingerprint()}`);
  const canonical = requestsOf(javascript, (problem) => problem.canonicalSolution!, "javascript");
  const wrong = requestsOf(
    javascript,
    (problem) => `${problem.prompt}  return undefined;\n}\n`,
    "javascript",
  );
  console.log(
    line(
      "isolated-vm trivial program",
      await measure(isolated, copied(trivial("javascript"), "//")),
    ),
  );
  console.log(
    line("isolated-vm HumanEval-X JS canonical", await measure(isolated, copied(canonical, "//"))),
  );
  console.log(
    line(
      "isolated-vm HumanEval-X JS returns undefined",
      await measure(isolated, copied(wrong, "//")),
    ),
  );
} finally {
  await isolated.close();
}

const local = createLocalExecutor({
  workers,
  hostLimits: { mode: "best-effort" },
  cpuSlots: false,
});
try {
  console.log(`local: ${await local.fingerprint()}`);
  const canonical = requestsOf(python, (problem) => problem.canonicalSolution!, undefined);
  console.log(
    line("local Python trivial program", await measure(local, copied(trivial("python"), "#"))),
  );
  console.log(
    line("local Python HumanEval canonical", await measure(local, copied(canonical, "#"))),
  );
} finally {
  await local.close();
}
