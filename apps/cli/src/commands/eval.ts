import {
  expectedOutputsFromExecutor,
  type JudgedSample,
  judgeSamples,
  loadProblems,
  passAtKPercent,
  readSamples,
  type Sample,
  withExpectedOutputs,
} from "@coderm/benchmarks";
import { CodermError, createJsonlWriter, type ExecutionLimits, type Problem } from "@coderm/core";
import { type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import { positiveInteger } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress } from "../progress.js";

interface EvalFlags extends ExecutorFlags {
  benchmark: "humaneval" | "humaneval+" | "mbpp" | "mbpp+";
  samples: string;
  details?: string;
  timeLimit?: number;
  memoryLimit: number;
  json?: boolean;
}

/** Time limits a test, as the benchmarks' own harnesses set them. */
const defaultTimeMs: Record<EvalFlags["benchmark"], number> = {
  humaneval: 3000,
  mbpp: 3000,
  "humaneval+": 1000,
  "mbpp+": 1000,
};

/** Registers `coderm eval`. */
export function registerEvalCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("eval")
    .description(
      "pass@k of a samples file (task_id plus solution or completion) against a benchmark's ground-truth tests.",
    )
    .addOption(
      new Option("--benchmark <name>", "benchmark to judge against")
        .choices(["humaneval", "humaneval+", "mbpp", "mbpp+"])
        .makeOptionMandatory(),
    )
    .requiredOption(
      "--samples <file>",
      "JSONL (plain or .gz): one sample a line, {task_id, solution} or {task_id, completion}",
    )
    .option(
      "--details <file>",
      "write one JSON line per input sample, in input order, with its verdicts",
    )
    .option(
      "--time-limit <ms>",
      "time limit of one test in milliseconds (default: 3000 for HumanEval/MBPP, 1000 for the + sets)",
      positiveInteger,
    )
    .option("--memory-limit <mb>", "memory limit of a candidate in MiB", positiveInteger, 2048)
    .option("--json", "print JSON");
  addExecutorOptions(command).action((flags: EvalFlags) => runEval(flags, context));
}

async function runEval(flags: EvalFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  const limits: ExecutionLimits = {
    timeMs: flags.timeLimit ?? defaultTimeMs[flags.benchmark],
    memoryMb: flags.memoryLimit,
    outputBytes: 4096,
  };
  const executor = await startExecutor(flags);
  try {
    let problems = await loadProblems(flags.benchmark);
    if (
      problems.some((problem) =>
        problem.tests?.some((test) => test.kind === "call" && test.expected === undefined),
      )
    ) {
      const progress = createProgress({
        label: "expected outputs",
        total: problems.length,
        stream: output.stderr,
      });
      const compute = expectedOutputsFromExecutor(executor, {
        ...limits,
        timeMs: Math.max(limits.timeMs, 10_000),
      });
      problems = await withExpectedOutputs(problems, async (problem, tests) => {
        const values = await compute(problem, tests);
        progress.advance();
        return values;
      });
      progress.finish();
    }
    const byId = new Map<string, Problem>(problems.map((problem) => [problem.id, problem]));
    const samples: Sample[] = [];
    for await (const sample of readSamples(flags.samples, byId)) samples.push(sample);
    if (samples.length === 0)
      throw new CodermError("invalid-input", "the samples file holds no samples", {
        file: flags.samples,
      });
    const executeStarted = performance.now();
    const progress = createProgress({ label: "judging", stream: output.stderr });
    const judged: JudgedSample[] = [];
    for await (const sample of judgeSamples(samples, {
      problems: byId,
      executor,
      limits,
      onProgress: (event) =>
        "total" in event ? progress.setTotal(event.total) : progress.advance(event.done),
    })) {
      judged.push(sample);
    }
    progress.finish();
    const executeS = (performance.now() - executeStarted) / 1000;
    if (flags.details !== undefined) {
      const writer = createJsonlWriter(flags.details);
      for (const sample of judged) {
        await writer.write({
          task_id: sample.taskId,
          passed: sample.passed,
          verdicts: sample.verdicts.map(({ testId, status, errorType, message, wallMs }) => ({
            test: testId,
            status,
            errorType,
            message,
            wallMs,
          })),
        });
      }
      await writer.close();
    }
    const scores = passAtKPercent(judged, byId.keys());
    const sampledProblems = new Set(judged.map((sample) => sample.taskId)).size;
    if (sampledProblems < byId.size) {
      output.stderr.write(
        `coderm: warning: ${byId.size - sampledProblems} of ${byId.size} problems have no samples and count as unsolved\n`,
      );
    }
    const { stats } = executor;
    const report = {
      benchmark: flags.benchmark,
      samples: judged.length,
      problems: byId.size,
      problems_without_samples: byId.size - sampledProblems,
      ...scores,
      executions: {
        unique: stats.executed,
        cached: stats.cached,
        deduplicated: stats.deduplicated,
        by_verdict: stats.byStatus,
      },
      timing: { wall_s: round((performance.now() - started) / 1000), execute_s: round(executeS) },
    };
    if (flags.json) printJson(output, report);
    else {
      printTable(
        output,
        ["metric", "value"],
        [
          ["benchmark", flags.benchmark],
          ["samples", judged.length],
          ...Object.entries(scores).map(([name, value]) => [name, value.toFixed(2)]),
          ["executed", stats.executed],
          ["from cache", stats.cached],
          ["wall s", report.timing.wall_s],
        ],
      );
    }
    context.exitCode = exitCodes.ok;
  } finally {
    await executor.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
