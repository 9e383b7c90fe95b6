/**
 * Benchmark: `coderm eval --benchmark humaneval+` and `mbpp+` against EvalPlus's own evaluator on
 * the same samples and the same number of workers: for HumanEval+ CodeT's CodeGen-16B samples
 * (the first `--per-task` of each task, as solutions), for MBPP+ the original MBPP reference code;
 * coderm cold (empty cache: expected outputs included) and warm, then EvalPlus, then the verdicts
 * compared sample by sample (`coderm eval --compare`). Prints figures; asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data EVALPLUS_COMMAND=/path/run-evalplus.sh \
 *     pnpm --filter @coderm/cli bench [-- --per-task 10 --workers 1 --benchmark humaneval+|mbpp+|both]
 *
 * Give coderm the interpreter EvalPlus runs with (`CODERM_PYTHON`), or the figures compare two
 * Pythons as much as two evaluators.
 *
 * `EVALPLUS_COMMAND DATASET SAMPLES` must run `python -m evalplus.evaluate --dataset DATASET
 * --samples SAMPLES --parallel <workers> --i-just-wanna-run` from EvalPlus's source (which this
 * project does not ship) and leave `SAMPLES` with `.jsonl` replaced by `.eval_results.json`.
 * Without it only coderm's figures are printed.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadProblems, loadSampleSet } from "@coderm/benchmarks";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    "per-task": { type: "string", default: "10" },
    workers: { type: "string", default: "1" },
    benchmark: { type: "string", default: "both" },
  },
});
const perTask = Number(values["per-task"]);
const workers = values.workers;
const benchmarks =
  values.benchmark === "both" ? ["humaneval+", "mbpp+"] : [values.benchmark as string];
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const coderm = join(root, "coderm");
const reference = process.env.EVALPLUS_COMMAND;
const directory = await mkdtemp(join(tmpdir(), "coderm-eval-bench-"));

/**
 * The samples of a benchmark, as EvalPlus's samples file: HumanEval+ gets CodeT's CodeGen-16B
 * samples (the first `--per-task` of each task); MBPP+ the original MBPP reference code of its
 * tasks (which MBPP+'s plus inputs fail in places).
 */
async function samplesOf(benchmark: string): Promise<{ description: string; lines: string[] }> {
  if (benchmark === "humaneval+") {
    const set = await loadSampleSet("codet-humaneval-codegen16b");
    const taken = new Map<string, number>();
    const lines: string[] = [];
    for (const candidate of set.candidates) {
      const count = taken.get(candidate.problemId) ?? 0;
      if (count >= perTask) continue;
      taken.set(candidate.problemId, count + 1);
      lines.push(JSON.stringify({ task_id: candidate.problemId, solution: candidate.code }));
    }
    return { description: `CodeT's CodeGen-16B samples, ${perTask} a task`, lines };
  }
  const plus = new Set((await loadProblems("mbpp+")).map((problem) => problem.id));
  const lines = (await loadProblems("mbpp"))
    .filter((problem) => plus.has(problem.id))
    .map((problem) => JSON.stringify({ task_id: problem.id, solution: problem.canonicalSolution }));
  return { description: "the original MBPP reference code of its tasks", lines };
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(command, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}`);
  return (performance.now() - started) / 1000;
}

for (const benchmark of benchmarks) {
  const { description, lines } = await samplesOf(benchmark);
  const name = benchmark.replace("+", "-plus");
  const samplesFile = join(directory, `${name}.jsonl`);
  await writeFile(samplesFile, `${lines.join("\n")}\n`);
  const samples = lines.length;
  const codermArgs = [
    ...["eval", "--benchmark", benchmark, "--samples", samplesFile],
    ...["--workers", workers, "--cpu-slots", "0", "--json"],
  ];
  const env = { ...process.env, CODERM_CACHE_DIR: join(directory, `${name}-cache`) };
  const cold = timed(coderm, codermArgs, env);
  const warm = timed(coderm, codermArgs, env);
  const rows: [string, number][] = [
    ["coderm eval, cold (expected outputs included)", cold],
    ["coderm eval, warm", warm],
  ];
  let differing: string | undefined;
  if (reference !== undefined && reference !== "") {
    const dataset = benchmark.replace("+", "");
    rows.push([
      "evalplus.evaluate (ground truth cached)",
      timed(reference, [dataset, samplesFile], process.env),
    ]);
    const compared = spawnSync(
      coderm,
      [...codermArgs, "--compare", samplesFile.replace(/\.jsonl$/, ".eval_results.json")],
      { env, encoding: "utf8" },
    );
    const report = JSON.parse(compared.stdout) as {
      comparison: { samples: number; differences: unknown[] };
    };
    differing = `${report.comparison.differences.length} of ${report.comparison.samples} samples`;
  }
  console.log(
    `${benchmark} on ${description}: ${samples} samples, ${workers} worker(s) each; coderm's Python: ${process.env.CODERM_PYTHON ?? "python3"}`,
  );
  const evalplusSeconds = rows.find(([row]) => row.startsWith("evalplus"))?.[1];
  for (const [row, seconds] of rows) {
    const ratio =
      evalplusSeconds === undefined ? "" : `  ${(evalplusSeconds / seconds).toFixed(2)}x`;
    console.log(
      `${row.padEnd(48)} ${seconds.toFixed(1).padStart(7)} s  ${(samples / seconds).toFixed(1).padStart(7)} samples/s${ratio}`,
    );
  }
  if (differing !== undefined) console.log(`verdicts differing from EvalPlus: ${differing}`);
  else console.log("EvalPlus not run: set EVALPLUS_COMMAND (see this file's header)");
}
