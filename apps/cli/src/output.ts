import { CodermError } from "@coderm/core";

/** Where a command writes: results to stdout, everything else to stderr. */
export interface Output {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}

/** The process's own streams. */
export const processOutput: Output = { stdout: process.stdout, stderr: process.stderr };

/** Writes one JSON document (the whole machine-readable answer of a command) to stdout. */
export function printJson(output: Output, value: unknown): void {
  output.stdout.write(
    `${JSON.stringify(value, (_key, field) => (typeof field === "bigint" ? field.toString() : field), 2)}\n`,
  );
}

/** Prints a command's summary: JSON with `--json`, else a metric/value table. */
export function printSummary(
  output: Output,
  report: Record<string, unknown>,
  json?: boolean,
): void {
  if (json) {
    printJson(output, report);
    return;
  }
  printTable(
    output,
    ["metric", "value"],
    Object.entries(report).map(([key, value]) => [
      key,
      typeof value === "object" ? JSON.stringify(value) : (value as string | number),
    ]),
  );
}

/** Writes rows as an aligned text table with a header line. */
export function printTable(
  output: Output,
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  const cells = [header, ...rows].map((row) =>
    row.map((cell) => (cell === undefined || cell === null ? "" : String(cell))),
  );
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  output.stdout.write(
    `${[line(cells[0]!), line(widths.map((width) => "-".repeat(width))), ...cells.slice(1).map(line)].join("\n")}\n`,
  );
}

/**
 * Exit codes of the `coderm` command, the same in every command: 0 done; 1 the work failed (an
 * executor, a server, a download, a dataset that does not verify); 2 bad input (a flag, the
 * settings file, or a line of an input file: the message names the flag, file, line or field);
 * 130 interrupted.
 */
export const exitCodes = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** The error codes that mean the input was bad (exit 2), wherever they were found. */
const badInputCodes: ReadonlySet<string> = new Set(["invalid-input", "parse-error"]);

/** Prints an error as one clear line (no stack trace for expected errors) and returns the exit code. */
export function reportError(output: Output, error: unknown): number {
  if (CodermError.isInstance(error)) {
    const flag = error.field === undefined ? undefined : flagOfField(error.field);
    output.stderr.write(`coderm: ${error.message}${flag === undefined ? "" : ` (${flag})`}\n`);
    return badInputCodes.has(error.code) ? exitCodes.usage : exitCodes.failure;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  output.stderr.write(`coderm: unexpected error: ${message}\n`);
  return exitCodes.failure;
}

// Libraries name settings by field; only the command line speaks in flags.
const flagsByField: Record<string, string> = {
  apiKeyEnv: "--api-key-env",
  benchmark: "--benchmark",
  budget: "--test-budget",
  candidatesFile: "--candidates",
  dockerHosts: "--docker-host",
  endpoints: "--docker-host",
  groundTruthTimeLimit: "--ground-truth-time-limit",
  host: "--host",
  image: "--image",
  method: "--methods",
  methods: "--methods",
  problems: "--problems",
  promptStyle: "--prompt-style",
  rewardModel: "--reward-url",
  testMethod: "--hybrid-tests",
  since: "--since",
  python: "--python",
  queue: "--queue",
  redis: "--redis",
  sandbox: "--sandbox",
  template: "--template",
  testCode: "--test-code",
  testTemplate: "--test-template",
  testsFile: "--tests",
  workers: "--workers",
};

/** The flag that sets a library's field (the first segment of a field path), where one does. */
function flagOfField(field: string): string | undefined {
  return flagsByField[field.split(/[.[]/)[0]!];
}
