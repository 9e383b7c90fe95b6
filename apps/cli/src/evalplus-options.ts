import { totalmem } from "node:os";
import { getDataset } from "@coderm/benchmarks";
import { CodermError, type ExecutionLimits } from "@coderm/core";
import { type EvalPlusSettings, evalPlusDefaults } from "@coderm/pipeline";
import type { Command } from "commander";
import { positiveNumber } from "./options.js";

/** The flags of {@link addEvalPlusOptions}. */
export interface EvalPlusFlags {
  minTimeLimit: number;
  gtTimeLimitFactor: number;
}

/**
 * Adds EvalPlus's per-input time limit flags, `--min-time-limit` and `--gt-time-limit-factor`,
 * which apply where `humaneval+` or `mbpp+` is the ground truth.
 */
export function addEvalPlusOptions(command: Command): Command {
  return command
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
    );
}

/** EvalPlus's settings from the flags and its environment variables (`EVALPLUS_TIMEOUT_PER_TASK`). */
export function evalPlusSettings(flags: EvalPlusFlags): EvalPlusSettings {
  return {
    minTimeLimitMs: flags.minTimeLimit * 1000,
    timeLimitFactor: flags.gtTimeLimitFactor,
    perTaskTimeoutMs: evalPlusTaskTimeoutMs(),
  };
}

/**
 * How a reranking command judges its ground truth: a benchmark that EvalPlus judges (`humaneval+`,
 * `mbpp+`) gets EvalPlus's rules and memory limit; any other keeps the limits it was given.
 * `--ground-truth-time-limit` cannot be combined with EvalPlus's per-input limits.
 */
export function groundTruthJudging(
  benchmark: string | undefined,
  flags: EvalPlusFlags & { groundTruthTimeLimit?: number },
  limits: ExecutionLimits,
): { groundTruthLimits: ExecutionLimits; evalPlus?: EvalPlusSettings } {
  if (benchmark === undefined || getDataset(benchmark).groundTruth !== "evalplus")
    return { groundTruthLimits: limits };
  if (flags.groundTruthTimeLimit !== undefined)
    throw new CodermError(
      "invalid-input",
      `${benchmark}'s ground truth has EvalPlus's per-input time limits: set them with --min-time-limit and --gt-time-limit-factor`,
      { field: "groundTruthTimeLimit" },
    );
  return {
    groundTruthLimits: { ...limits, memoryMb: evalPlusMemoryMb() },
    evalPlus: evalPlusSettings(flags),
  };
}

/**
 * EvalPlus's memory limit in MiB: EVALPLUS_MAX_MEMORY_BYTES (4 GiB by default, -1 for none),
 * capped at the machine's memory.
 */
export function evalPlusMemoryMb(): number {
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
