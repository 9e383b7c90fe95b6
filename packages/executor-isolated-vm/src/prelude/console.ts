import type { Inspector } from "./inspect.js";
import type { Judgement } from "./judgement.js";
import type { Primordials } from "./primordials.js";

/**
 * The `console` of a context: `log`, `info`, `debug`, `warn`, `error`, `trace`, `dir`, `table`
 * and `assert` write lines into the test's captured output (one stream for stdout and stderr);
 * `assert` also records a failure, before it formats anything, so that a failed
 * `console.assert` fails the test (HumanEval-X's tests use it). `group`/`groupEnd` indent,
 * `count`/`time` keep counts. The harness freezes it. Runs INSIDE the isolate (see
 * `primordials.ts`).
 */
export function createConsole(
  p: Primordials,
  inspector: Inspector,
  judgement: Judgement,
): Record<string, (...args: unknown[]) => void> {
  let indent = "";
  const counts = p.newMap<string, number>();
  const line = (text: string) => {
    judgement.write(
      indent === "" ? `${text}\n` : `${indent}${p.stringReplaceAll(text, "\n", `\n${indent}`)}\n`,
    );
  };
  const print = (...args: unknown[]) => {
    line(inspector.format(args));
  };
  const label = (value: unknown) => (value === undefined ? "default" : p.string(value));
  return {
    log: print,
    info: print,
    debug: print,
    warn: print,
    error: print,
    trace: (...args: unknown[]) => {
      line(`Trace${args.length === 0 ? "" : `: ${inspector.format(args)}`}`);
    },
    dir: (value: unknown) => {
      line(inspector.inspect(value));
    },
    table: (value: unknown) => {
      line(inspector.inspect(value));
    },
    assert: (condition?: unknown, ...data: unknown[]) => {
      if (condition) return;
      const first = judgement.consoleAssertFailed();
      const text =
        data.length === 0 ? "Assertion failed" : `Assertion failed: ${inspector.format(data)}`;
      if (first) judgement.describeConsoleFailure(text);
      line(text);
    },
    group: (...args: unknown[]) => {
      if (args.length > 0) line(inspector.format(args));
      indent += "  ";
    },
    groupEnd: () => {
      indent = p.stringSlice(indent, 2);
    },
    count: (name?: unknown) => {
      const key = label(name);
      const count =
        ((p.mapGet(counts as Map<unknown, unknown>, key) as number | undefined) ?? 0) + 1;
      p.mapSet(counts as Map<unknown, unknown>, key, count);
      line(`${key}: ${count}`);
    },
    countReset: (name?: unknown) => {
      p.mapSet(counts as Map<unknown, unknown>, label(name), 0);
    },
    time: () => {},
    timeEnd: () => {},
    timeLog: () => {},
  };
}
