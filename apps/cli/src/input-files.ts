import { type Stats, statSync } from "node:fs";
import { CodermError } from "@coderm/core";
import { describeFileKind } from "@coderm/core/node";
import type { Command } from "commander";
import type { Output } from "./output.js";

/**
 * Checks, before any work starts, that a file given with `flag` exists and is a regular file (not
 * a directory, nor a named pipe that would block the read), naming the flag and the path.
 */
export function requireInputFile(flag: string, path: string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CodermError(
      "invalid-input",
      `${flag} ${path}: ${code === "ENOENT" ? "no such file" : `cannot read (${(cause as Error).message})`}`,
      { cause },
    );
  }
  if (!stats.isFile())
    throw new CodermError(
      "invalid-input",
      `${flag} ${path}: not a regular file (${describeFileKind(stats)})`,
    );
}

/** The flag that turns bad input lines from an error into a skipped, reported line. */
export interface SkipBadLinesFlags {
  skipBadLines?: boolean;
}

/** Adds `--skip-bad-lines` (the same flag in every command that reads sample files). */
export function addSkipBadLinesOption(command: Command): Command {
  return command.option(
    "--skip-bad-lines",
    "skip bad input lines (malformed, unknown task, not text), reporting each on stderr, instead of stopping at the first (exit 2)",
  );
}

/** Reports skipped input lines on stderr, one a line; each message names its file and line. */
export function reportSkippedLines(output: Output, messages: readonly string[]): void {
  for (const message of messages) output.stderr.write(`coderm: skipped: ${message}\n`);
}
