import { totalmem } from "node:os";
import { getDataset } from "@coderm/benchmarks";
import { CodermError, type ExecutionLimits, stringifyJson } from "@coderm/core";
import { type EvalPlusSettings, evalPlusDefaults, evaluate } from "@coderm/pipeline";
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
import { memoryLimitMb, positiveNumber, timeLimitMs } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress, type Progress } from "../progress.js";

interface EvalFlags extends ExecutorFlags, SkipBadLinesFlags {
  benchmark: string;
  samples: string;
  details?: string;
  evalResults?: string;
  compare?: string;
  release?: string;
  since?: string;
  until?: string;
  timeLimit?: number;
  minTimeLimit: number;
  gtTimeLimitFactor: number;
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
      "--release <tag>",
      "livecodebench: its version tag (release_v1 … release_v6, release_latest, v5, v4_v6, ...; default release_latest)",
    )
    .option(
      "--since <date>",
      "livecodebench: problems from this contest date on (YYYY-MM-DD), e.g. after a model's cutoff",
    )
    .option("--until <date>", "livecodebench: problems up to this contest date (YYYY-MM-DD)")
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
      "--min-time-limit <s>",
      "+ sets: EvalPlus's least per-input time limit in seconds",
      positiveNumber,
      evalPlusDefaults.minTimeLimitMs / 1000,
    )
    .option(
      "--gt-time-limit-factor <x>",
      "+ sets: EvalPlus's per-input limit as a multiple of the canonical solution's time",
      positiveNumber,
      evalPlusDefaults.timeLimitFactor,
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
    evalPlus && flags.timeLimit === undefined
      ? {
          minTimeLimitMs: flags.minTimeLimit * 1000,
          timeLimitFactor: flags.gtTimeLimitFactor,
          perTaskTimeoutMs: evalPlusTaskTimeoutMs(),
        }
      : undefined;
  const opened = await startExecutor(flags);
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
      ...(flags.release === undefined ? {} : { release: flags.release }),
      ...(flags.since === undefined ? {} : { since: flags.since }),
      ...(flags.until === undefined ? {} : { until: flags.until }),
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
function evalPlusMemoryMb(): number {
  const variable = process.env.EVALPLUS_MAX_MEMORY_BYTES;
  const bytes = variable === undefined || variable === "" ? 4 * 1024 ** 3 : Number(variable);
  if (!Number.isInteger(bytes) || (bytes < 1 && bytes !== -1))
    throw new CodermError(
      "invalid-input",
      `EVALPLUS_MAX_MEMORY_BYTES must be a whole number of bytes or -1, not ${JSON.stringify(variable)}`,
      { field: "EVALPLUS_MAX_MEMORY_BYTES" },
    );
  const machine = totalmem();
  const chosen = bytes === -1 ? machine : Math.min(bytes, machine);
  return Math.min(65_536, Math.max(16, Math.floor(chosen / 1024 ** 2)));
}

/** EvalPlus's whole-run limit of one sample's base or plus inputs: EVALPLUS_TIMEOUT_PER_TASK (60 s). */
function evalPlusTaskTimeoutMs(): number {
  const variable = process.env.EVALPLUS_TIMEOUT_PER_TASK;
  if (variable === undefined || variable === "") return evalPlusDefaults.perTaskTimeoutMs;
  const seconds = Number(variable);
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new CodermError(
      "invalid-input",
      `EVALPLUS_TIMEOUT_PER_TASK must be a positive number of seconds, not ${JSON.stringify(variable)}`,
      { field: "EVALPLUS_TIMEOUT_PER_TASK" },
    );
  return seconds * 1000;
}

function clipped(inputs: unknown[]): string {
  const text = stringifyJson(inputs[0] ?? null);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
