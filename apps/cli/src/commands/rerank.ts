import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createJsonlWriter, type ExecutionLimits, type Interval, writeJsonl } from "@coderm/core";
import { createTestBasedReward, rerank, testBasedMethods } from "@coderm/reward-tests";
import { type Command, InvalidArgumentError } from "commander";
import type { CommandContext } from "../context.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import { positiveInteger } from "../options.js";
import { printJson, printTable } from "../output.js";
import { createProgress } from "../progress.js";
import { loadRerankInputs } from "../rerank-inputs.js";

interface RerankFlags extends ExecutorFlags {
  dataset?: string;
  benchmark?: string;
  candidates?: string;
  tests?: string;
  methods: string[];
  limitTestsPerSample: number;
  nCandidates?: number;
  nTests?: number;
  repeats: number;
  seed: string;
  timeLimit?: number;
  groundTruthTimeLimit?: number;
  memoryLimit: number;
  out?: string;
  json?: boolean;
  codetPacking?: boolean;
}

function methodList(value: string): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(testBasedMethods as readonly string[]).includes(name))
      throw new InvalidArgumentError(
        `unknown method "${name}" (methods: ${testBasedMethods.join(", ")}).`,
      );
  }
  return names;
}

/** Registers `coderm rerank`. */
export function registerRerankCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("rerank")
    .description(
      "Execute candidates against generated tests, pick a solution per problem with each test-based method, and score the picks against ground truth. " +
        "With no inputs: HumanEval with CodeT's released CodeGen-Mono-16B solutions and tests, CodeT's post-processing and limits.",
    )
    .option("--dataset <name>", "a released sample set (default: codet-humaneval-codegen16b)")
    .option(
      "--benchmark <name>",
      "problems and ground truth for file inputs (humaneval, humaneval+, mbpp, mbpp+)",
    )
    .option("--candidates <file>", "JSONL: {task_id, solution} or {task_id, completion} per sample")
    .option(
      "--tests <file>",
      "JSONL: {task_id, test, kind?: assert|unittest, sample_index?} per generated test",
    )
    .option(
      "--methods <list>",
      `comma-separated methods (${testBasedMethods.join(", ")})`,
      methodList,
      [...testBasedMethods],
    )
    .option(
      "--limit-tests-per-sample <n>",
      "tests kept from each test sample of a sample set (CodeT keeps 5)",
      positiveInteger,
      5,
    )
    .option(
      "--n-candidates <n>",
      "candidates drawn at random per problem in each repeat",
      positiveInteger,
    )
    .option(
      "--n-tests <n>",
      "test samples (generations) drawn at random per problem in each repeat",
      positiveInteger,
    )
    .option(
      "--repeats <n>",
      "repeats of the random subsets, reported as mean and 95% interval",
      positiveInteger,
      1,
    )
    .option("--seed <seed>", "seed of the random subsets", "0")
    .option(
      "--time-limit <ms>",
      "time limit of a generated test (default: 100, CodeT's, for sample sets; 1000 for files)",
      positiveInteger,
    )
    .option(
      "--ground-truth-time-limit <ms>",
      "time limit of a ground-truth test (default: as --time-limit for sample sets, 3000 for files)",
      positiveInteger,
    )
    .option("--memory-limit <mb>", "memory limit of a candidate in MiB", positiveInteger, 1024)
    .option(
      "--out <dir>",
      "write selected.jsonl (each method's pick per problem) and problems.jsonl (per-problem details)",
    )
    .option(
      "--codet-packing",
      "judge as CodeT's runner does: a problem whose tests do not compile packed into one function fails every candidate (default for sample sets)",
    )
    .option("--no-codet-packing", "judge every test on its own (default for file inputs)")
    .option("--json", "print JSON");
  addExecutorOptions(command).action((flags: RerankFlags) => runRerank(flags, context));
}

async function runRerank(flags: RerankFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  const files = flags.candidates !== undefined || flags.tests !== undefined;
  const { name, input, errors, packedSuiteFailures } = await loadRerankInputs({
    ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }),
    ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }),
    ...(flags.candidates === undefined ? {} : { candidatesFile: flags.candidates }),
    ...(flags.tests === undefined ? {} : { testsFile: flags.tests }),
    testsPerSample: flags.limitTestsPerSample,
  });
  for (const error of errors)
    output.stderr.write(
      `coderm: skipped: ${error.file ?? ""}${error.line ? `:${error.line}` : ""}: ${error.message}\n`,
    );
  const timeMs = flags.timeLimit ?? (files ? 1000 : 100);
  const limits: ExecutionLimits = { timeMs, memoryMb: flags.memoryLimit, outputBytes: 1024 };
  const groundTruthLimits: ExecutionLimits = {
    ...limits,
    timeMs: flags.groundTruthTimeLimit ?? (files ? 3000 : timeMs),
  };
  const methods = flags.methods.map((method) =>
    createTestBasedReward(method, { seed: flags.seed }),
  );
  const codetPacking = flags.codetPacking ?? !files;
  const failedSuites = new Set(codetPacking ? packedSuiteFailures : []);

  const executor = await startExecutor(flags);
  try {
    const progress = createProgress({ label: "executing", stream: output.stderr });
    const tally: Record<string, number> = {};
    progress.setNote(() =>
      Object.entries(tally)
        .map(([status, count]) => `${status} ${count}`)
        .join(" "),
    );
    const result = await rerank(input, {
      executor,
      methods,
      limits,
      groundTruthLimits,
      repeats: flags.repeats,
      seed: flags.seed,
      failedSuites,
      ...(flags.nCandidates === undefined ? {} : { candidatesPerProblem: flags.nCandidates }),
      ...(flags.nTests === undefined ? {} : { testSamplesPerProblem: flags.nTests }),
      onProgress: (event) => {
        if ("total" in event) {
          progress.setTotal(event.total);
          return;
        }
        tally[event.status] = (tally[event.status] ?? 0) + 1;
        progress.advance();
      },
    });
    progress.finish();
    const { stats } = executor;
    const report = {
      dataset: name,
      methods: result.methods,
      test_quality: result.testQuality,
      inputs: {
        problems: input.problems.length,
        candidates: input.candidates.length,
        tests: input.tests.length,
      },
      codet_packing: { applied: codetPacking, failed_suites: packedSuiteFailures },
      errors: { count: errors.length, items: errors },
      executions: {
        unique: stats.executed,
        cached: stats.cached,
        deduplicated: stats.deduplicated,
        by_verdict: stats.byStatus,
      },
      timing: {
        wall_s: round((performance.now() - started) / 1000),
        execute_s: round(result.executeSeconds),
      },
    };
    if (flags.out !== undefined) {
      await mkdir(flags.out, { recursive: true });
      const code = new Map(input.candidates.map((candidate) => [candidate.id, candidate.code]));
      await writeJsonl(join(flags.out, "problems.jsonl"), result.problems);
      const selected = createJsonlWriter(join(flags.out, "selected.jsonl"));
      for (const problem of result.problems) {
        for (const [method, picks] of Object.entries(problem.picks)) {
          await selected.write({
            task_id: problem.problemId,
            method,
            expected_pass: problem.methods[method],
            solutions: picks.map((id) => code.get(id)),
          });
        }
      }
      await selected.close();
    }
    if (flags.json) {
      printJson(output, report);
      return;
    }
    const metrics = [
      ...new Set(Object.values(result.methods).flatMap((scores) => Object.keys(scores))),
    ].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    printTable(
      output,
      ["method", ...metrics],
      Object.entries(result.methods).map(([method, scores]) => [
        method,
        ...metrics.map((metric) => format(scores[metric])),
      ]),
    );
    output.stdout.write(
      `\n${name}: ${input.problems.length} problems, ${input.candidates.length} candidates, ${input.tests.length} tests; ` +
        `${stats.executed} executed, ${stats.cached} from cache; ${report.timing.wall_s} s (execution ${report.timing.execute_s} s)\n`,
    );
    const quality = result.testQuality;
    output.stdout.write(
      `test quality (single / combined): accuracy ${format(quality.single.accuracy)} / ${format(quality.combined.accuracy)}, F1 ${format(quality.single.f1)} / ${format(quality.combined.f1)}, ` +
        `FAR ${format(quality.single.falseAcceptanceRate)} / ${format(quality.combined.falseAcceptanceRate)}, FRR ${format(quality.single.falseRejectionRate)} / ${format(quality.combined.falseRejectionRate)}\n`,
    );
  } finally {
    await executor.close();
  }
}

function format(value: number | Interval | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number") return value.toFixed(2);
  return `${value.mean.toFixed(2)} [${value.low.toFixed(2)}, ${value.high.toFixed(2)}]`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
