import { type Command, InvalidArgumentError, Option } from "commander";
import { nonNegativeInteger, positiveInteger } from "./options.js";

/** Parses a command-line value as a finite number. */
function finiteNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError("not a number");
  return parsed;
}

/** The sampling and client flags every generating command shares. */
export interface SamplingFlags {
  temperature: number;
  topP: number;
  samplingSeed?: number;
  concurrency: number;
  maxRetries: number;
  requestBudget?: number;
  apiKeyEnv?: string;
}

/**
 * Adds `--temperature`, `--top-p`, `--sampling-seed`, `--concurrency`, `--max-retries`, `--request-budget` and
 * `--api-key-env` to a command.
 */
export function addSamplingOptions(command: Command): Command {
  return command
    .option("--temperature <t>", "sampling temperature", finiteNumber, 0.8)
    .option("--top-p <p>", "nucleus sampling", finiteNumber, 0.95)
    .option("--sampling-seed <n>", "the servers' sampling seed", positiveInteger)
    .option("--concurrency <n>", "requests in flight (per server)", positiveInteger, 64)
    .option(
      "--max-retries <n>",
      "retries of a request on 429, 5xx, timeouts and dropped connections, with backoff",
      nonNegativeInteger,
      8,
    )
    .option("--request-budget <n>", "stop after this many requests (per server)", positiveInteger)
    .option(
      "--api-key-env <name>",
      "the environment variable holding the API key (default: OPENAI_API_KEY; local servers need none)",
    );
}

/** Adds `--test-code`: what the test writer sees as the solution (`{code}`). */
export function addTestCodeOption(command: Command, flag = "--test-code"): Command {
  return command.addOption(
    new Option(
      `${flag} <source>`,
      "the solution the test writer sees: prompt (the signature and docstring) or canonical (the benchmark's reference solution, an oracle setting)",
    )
      .choices(["prompt", "canonical"])
      .default("prompt"),
  );
}
