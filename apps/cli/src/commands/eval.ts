import { getDataset } from "@coderm/benchmarks";
import { type ExecutionLimits, stringifyJson } from "@coderm/core";
import { type EvalPlusSettings, evaluate } from "@coderm/pipeline";
import { type Command, Option } from "commander";
import { benchmarkNames } from "../benchmark-options.js";
import type { CommandContext } from "../context.js";
import {
  addEvalPlusOptions,
  type EvalPlusFlags,
  evalPlusMemoryMb,
  evalPlusSettings,
} from "../evalplus-options.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import {
  addSkipBadLinesOption,
  reportSkippedLines,
  requireInputFile,
  type SkipBadLinesFlags,
} from "../input-files.js";
import { memoryLimitMb, timeLimitMs } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import {
  addProblemSelectionOptions,
  type ProblemSelectionFlags,
  problemSelection,
} from "../problem-options.js";
import { createProgress, type Progress } from "../progress.js";

interface EvalFlags extends ExecutorFlags, SkipBadLinesFlags, ProblemSelectionFlags, EvalPlusFlags {
  benchmark: string;
  samples: string;
  details?: string;
  evalResults?: string;
  compare?: string;
  timeLimit?: number;
  testDetails?: boolean;
  memoryLimit?: number;
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
      "--eval-results <file>",
      "humaneval+ and mbpp+: also write EvalPlus's eval_results.json (statuses, failing inputs, pass@k)",
    )
    .option(
      "--compare <file>",
      "humaneval+ and mbpp+: an eval_results.json that EvalPlus wrote for the same samples; list every sample whose verdict differs",
    )
    .option(
      "--time-limit <ms>",
      "one time limit in milliseconds for every test (default: the benchmark's own: 3000 for HumanEval/MBPP; for the + sets EvalPlus's per-input limits, below)",
      timeLimitMs,
    )
    .option(
      "--test-details",
      "+ sets: run every input instead of stopping base and plus inputs at their first failure",
    )
    .option(
      "--memory-limit <mb>",
      "memory limit of a candidate in MiB (default: the benchmark's own: 2048; EvalPlus's 4096 for the + sets, or EVALPLUS_MAX_MEMORY_BYTES)",
      memoryLimitMb,
    )
    .option("--json", "print JSON");
  addSkipBadLinesOption(command);
  addEvalPlusOptions(command);
  addProblemSelectionOptions(command);
  addExecutorOptions(command).action((flags: EvalFlags) => runEval(flags, context));
}

async function runEval(flags: EvalFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  requireInputFile("--samples", flags.samples);
  const dataset = getDataset(flags.benchmark);
  const evalPlus = dataset.groundTruth === "evalplus";
  const limits: ExecutionLimits = {
    timeMs: flags.timeLimit ?? dataset.timeLimitMs,
    memoryMb: flags.memoryLimit ?? (evalPlus ? evalPlusMemoryMb() : dataset.memoryLimitMb),
    outputBytes: 4096,
  };
  // EvalPlus's per-input limits unless one limit is asked for
  const settings: EvalPlusSettings | undefined =
    evalPlus && flags.timeLimit === undefined ? evalPlusSettings(flags) : undefined;
  const opened = await startExecutor(flags, output);
  try {
    let progress: Progress | undefined;
    const {
      judged,
      scores,
      baseScores,
      comparison,
      byDifficulty,
      problems,
      problemsWithoutSamples,
      executeSeconds,
      badLines,
    } = await evaluate({
      benchmark: flags.benchmark,
      samplesFile: flags.samples,
      ...(flags.skipBadLines ? { skipBadLines: true } : {}),
      executor: opened.executor,
      limits,
      ...(settings === undefined ? {} : { evalPlus: settings }),
      ...(flags.testDetails ? { testDetails: true } : {}),
      ...(flags.evalResults === undefined ? {} : { evalResultsFile: flags.evalResults }),
      ...(flags.compare === undefined ? {} : { compareFile: flags.compare }),
      selection: problemSelection(flags),
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
      ...(baseScores === undefined ? {} : { base: baseScores }),
      ...(comparison === undefined ? {} : { comparison }),
      ...(byDifficulty === undefined ? {} : { by_difficulty: byDifficulty }),
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
          ...Object.entries(baseScores ?? {}).map(([name, value]) => [
            `${name} (base)`,
            value.toFixed(2),
          ]),
          ...Object.entries(scores).map(([name, value]) => [
            baseScores === undefined ? name : `${name} (base + plus)`,
            value.toFixed(2),
          ]),
          ...Object.entries(byDifficulty ?? {}).flatMap(([difficulty, values]) =>
            Object.entries(values).map(([name, value]) => [
              `${name} (${difficulty})`,
              value.toFixed(2),
            ]),
          ),
          ...(comparison === undefined
            ? []
            : [
                [
                  "differing from EvalPlus",
                  `${comparison.differences.length} of ${comparison.samples}`,
                ],
              ]),
          ["executed", stats.executed],
          ["from cache", stats.cached],
          ["wall s", report.timing.wall_s],
        ],
      );
      if (comparison !== undefined && comparison.differences.length > 0) {
        output.stdout.write("\n");
        printTable(
          output,
          ["task", "sample", "part", "coderm", "EvalPlus", "failing input (coderm | EvalPlus)"],
          comparison.differences.map((difference) => [
            difference.taskId,
            difference.index,
            difference.part,
            difference.ours.status ?? "-",
            difference.theirs.status ?? "-",
            `${clipped(difference.ours.failingInputs)} | ${clipped(difference.theirs.failingInputs)}`,
          ]),
        );
      }
    }
    context.exitCode = exitCodes.ok;
  } finally {
    await opened.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * EvalPlus's memory limit: EVALPLUS_MAX_MEMORY_BYTES (4 GiB unless set; -1 for none), at most
 * the machine's memory, in MiB.
 */
function clipped(inputs: unknown[]): string {
  const text = stringifyJson(inputs[0] ?? null);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
