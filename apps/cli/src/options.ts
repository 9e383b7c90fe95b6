import { executionLimitsSchema } from "@coderm/core";
import { InvalidArgumentError } from "commander";

/** Parses a command-line value as an integer >= 1; commander names the option in the error. */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError("expected a whole number of at least 1.");
  }
  return number;
}

/** Parses a command-line value as an integer >= 0. */
export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new InvalidArgumentError("expected a whole number of at least 0.");
  }
  return number;
}

/** Parses a command-line value as a number > 0 (fractions allowed). */
export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number)) {
    throw new InvalidArgumentError("expected a positive number.");
  }
  return number;
}

/** Parses a command-line value as a number >= 0 (fractions allowed). */
export function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (!(number >= 0) || !Number.isFinite(number)) {
    throw new InvalidArgumentError("expected a number of at least 0.");
  }
  return number;
}

/** Parses a command-line value as a probability, a number in [0, 1]. */
export function probability(value: string): number {
  const number = Number(value);
  if (!(number >= 0 && number <= 1)) {
    throw new InvalidArgumentError("expected a number from 0 to 1.");
  }
  return number;
}

/**
 * Parses a comma-separated list of problem ids (`HumanEval/0,HumanEval/5`), adding to the ids of
 * earlier uses of the option.
 */
export function problemIds(value: string, previous: string[] = []): string[] {
  const ids = value
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (ids.length === 0)
    throw new InvalidArgumentError("expected problem ids, separated by commas.");
  return [...previous, ...ids];
}

/** A whole-number parser bounded by one of core's execution-limit fields, in that field's unit. */
function limitParser(field: "timeMs" | "memoryMb", unit: string): (value: string) => number {
  const schema = executionLimitsSchema.shape[field];
  const min = schema.minValue ?? 1;
  const max = schema.maxValue ?? Number.MAX_SAFE_INTEGER;
  return (value: string) => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isInteger(number) || number < min || number > max)
      throw new InvalidArgumentError(`expected a whole number of ${unit} from ${min} to ${max}.`);
    return number;
  };
}

/** Parses a time limit in milliseconds, within the range every executor accepts. */
export const timeLimitMs = limitParser("timeMs", "milliseconds");

/** Parses a memory limit in MiB, within the range every executor accepts. */
export const memoryLimitMb = limitParser("memoryMb", "MiB");
