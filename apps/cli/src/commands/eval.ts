import { getDataset } from "@coderm/benchmarks";
import type { ExecutionLimits } from "@coderm/core";
import { evaluate } from "@coderm/pipeline";
import { type Command, Option } from "commander";
import { benchmarkNames } from "../benchmark-options.js";
import type { CommandContext } from "../context.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import {
  addSkipBadLinesOption,
  reportSkippedLines,
  requireInputFile,
  type SkipBadLinesFlags,
} from "../input-files.js";
import { memoryLimitMb, timeLimitMs } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress, type Progress } from "../progress.js";

interface EvalFlags extends ExecutorFlags, SkipBadLinesFlags {
  benchmark: string;
  samples: string;
  details?: string;
  timeLimit?: number;
  memoryLimit: number;
  json?: boolean;
}

/** Registers `coderm eval`. */
export function registerEvalCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("eval")
    .description(
      "pass@k of a samples file (task_id plus solution or completion) against a benchmark's ground-truth tests.",
    )
    .addOption(
      new Option("--benchmark <name>", "benchmark to judge against")
        .choices(benchmarkNames)
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
      "time limit of one test in milliseconds (default: the benchmark's own: 3000 for HumanEval/MBPP, 1000 for the + sets)",
      timeLimitMs,
    )
    .option("--memory-limit <mb>", "memory limit of a candidate in MiB", memoryLimitMb, 2048)
    .option("--json", "print JSON");
  addSkipBadLinesOption(command);
  addExecutorOptions(command).action((flags: EvalFlags) => runEval(flags, context));
}

async function runEval(flags: EvalFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  requireInputFile("--samples", flags.samples);
  const limits: ExecutionLimits = {
    timeMs: flags.timeLimit ?? getDataset(flags.benchmark).timeLimitMs,
    memoryMb: flags.memoryLimit,
    outputBytes: 4096,
  };
  const opened = await startExecutor(flags);
  try {
    let progress: Progress | undefined;
    const { judged, scores, problems, problemsWithoutSamples, executeSeconds, badLines } =
      await evaluate({
        benchmark: flags.benchmark,
        samplesFile: flags.samples,
        ...(flags.skipBadLines ? { skipBadLines: true } : {}),
        executor: opened.executor,
        limits,
        ...(flags.details === undefined ? {} : { detailsFile: flags.details }),
        onEvent: (event) => {
          if ("total" in event) {
            progress?.finish();
            progress = createProgress({
              label: event.phase === "judging" ? "judging" : "expected outputs",
              total: event.total,
              stream: output.stderr,
            });
          } else progress?.advance(event.done);
        },
      });
    progress?.finish();
    reportSkippedLines(
      output,
      badLines.map((error) => error.message),
    );
    if (problemsWithoutSamples > 0) {
      output.stderr.write(
        `coderm: warning: ${problemsWithoutSamples} of ${problems} problems have no samples and count as unsolved\n`,
      );
    }
    const { stats } = opened;
    const report = {
      benchmark: flags.benchmark,
      samples: judged.length,
      problems,
      problems_without_samples: problemsWithoutSamples,
      bad_lines: badLines.map((error) => ({
        file: error.file,
        line: error.line,
        field: error.field,
        message: error.message,
      })),
      ...scores,
      executions: {
        unique: stats.executed,
        cached: stats.cached,
        deduplicated: stats.deduplicated,
        by_verdict: stats.byStatus,
      },
      timing: {
        wall_s: round((performance.now() - started) / 1000),
        execute_s: round(executeSeconds),
      },
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
    await opened.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
