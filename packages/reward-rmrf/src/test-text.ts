import type { UnitTest } from "@coderm/core";

/**
 * The Python source text of a unit test, as a run-free predictor (or a person) would read it in a
 * test file: an `assert` or `unittest` test is its code; a `check` test is its `check` function
 * followed by the call that runs it; a `call` test becomes the assertion it stands for
 * (`assert f(1, [2]) == (3, 4)`, with the carried Python values written as Python literals); a
 * `stdio` test becomes an assertion on the program's output for its input.
 */
export function testSourceText(test: UnitTest): string {
  switch (test.kind) {
    case "assert":
    case "unittest":
      return test.code;
    case "check":
      return `${test.code.trimEnd()}\n\ncheck(${test.entryPoint})\n`;
    case "call": {
      const call = `${test.entryPoint}(${test.args.map(pythonLiteral).join(", ")})`;
      if (test.expected === undefined) return call;
      if (test.atol !== undefined && test.atol > 0) {
        return `assert abs(${call} - ${pythonLiteral(test.expected)}) <= ${test.atol}`;
      }
      return `assert ${call} == ${pythonLiteral(test.expected)}`;
    }
    case "stdio": {
      const run = `run_program(stdin=${pythonLiteral(test.stdin)})`;
      return test.expectedStdout === undefined
        ? run
        : `assert ${run} == ${pythonLiteral(test.expectedStdout)}`;
    }
  }
}

/**
 * A value carried as JSON (see core's `PythonValue`: `$tuple`, `$set`, `$complex`, `$float`,
 * `$dict`, `$digest`) written as the Python literal it stands for.
 */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (Number.isNaN(value)) return 'float("nan")';
    if (!Number.isFinite(value)) return value > 0 ? 'float("inf")' : '-float("inf")';
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(", ")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const inner = record[key];
    switch (key) {
      case "$tuple": {
        const items = (inner as unknown[]).map(pythonLiteral);
        return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      }
      case "$set": {
        const items = (inner as unknown[]).map(pythonLiteral);
        return items.length === 0 ? "set()" : `{${items.join(", ")}}`;
      }
      case "$complex":
        return `complex(${pythonLiteral(inner)})`;
      case "$float":
        return String(inner);
      case "$dict":
        return `{${(inner as [unknown, unknown][])
          .map(
            ([entryKey, entryValue]) => `${pythonLiteral(entryKey)}: ${pythonLiteral(entryValue)}`,
          )
          .join(", ")}}`;
      case "$digest":
        return "...";
    }
  }
  return `{${keys.map((key) => `${JSON.stringify(key)}: ${pythonLiteral(record[key])}`).join(", ")}}`;
}
