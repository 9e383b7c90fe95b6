import { stripTypeScriptTypes } from "node:module";

/** A TypeScript program as JavaScript, or why it is not one. */
export type StrippedProgram = { code: string } | { syntaxError: string };

const cache = new Map<string, StrippedProgram>();
const cacheSize = 512;
let warningSilenced = false;

/**
 * TypeScript to JavaScript with Node's own `stripTypeScriptTypes`: types are erased in place
 * (`strip` mode, which keeps every line and column), and a program that needs code generated
 * (enums, namespaces, parameter properties, `<T>x` assertions) is transformed instead. Types are
 * not checked: a type error is not a run-time failure. Invalid TypeScript gives its error message
 * (the caller reports a `SyntaxError`). Results are cached by text (tests are shared by many
 * candidates). Runs in the worker threads.
 */
export function stripTypes(source: string): StrippedProgram {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  silenceExperimentalWarning();
  let stripped: StrippedProgram;
  try {
    stripped = { code: stripTypeScriptTypes(source, { mode: "strip" }) };
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX")
      stripped = { syntaxError: firstLine(error) };
    else
      try {
        stripped = { code: stripTypeScriptTypes(source, { mode: "transform" }) };
      } catch (transformError) {
        stripped = { syntaxError: firstLine(transformError) };
      }
  }
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(source, stripped);
  return stripped;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n", 1)[0]!;
}

/**
 * `stripTypeScriptTypes` warns once per thread that it is experimental; the warning would land on
 * the parent's standard error at every worker start.
 */
function silenceExperimentalWarning(): void {
  if (warningSilenced) return;
  warningSilenced = true;
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (text.includes("stripTypeScriptTypes")) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
