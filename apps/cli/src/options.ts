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
