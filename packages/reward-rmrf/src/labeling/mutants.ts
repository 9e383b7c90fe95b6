import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CodermError } from "@coderm/core";
import { resolvePython } from "@coderm/core/node";
import { z } from "zod";

/**
 * The mutation operators of `mutate.py`, in the order mutants at one position of the focal code
 * come:
 * - `arithmeticOperator`: `+`↔`-`, `*`→`/`, `/`→`*` `//`, `//`→`/` `*`, `%`→`//` `*`, `**`→`*`,
 *   in expressions and augmented assignments;
 * - `bitwiseOperator`: `&`↔`|`, `^`→`|`, `<<`↔`>>`, likewise;
 * - `comparisonOperator`: each of `<` `<=` `>` `>=` `==` `!=` by every other, `is`↔`is not`,
 *   `in`↔`not in`;
 * - `booleanOperator`: `and`↔`or`;
 * - `unaryOperator`: `not x`, `-x`, `~x` → `x`; `+x` → `-x`;
 * - `negateCondition`: the condition `c` of an `if`, `while`, conditional expression or
 *   comprehension filter → `not c`;
 * - `constant`: numbers ±1, strings and bytes prefixed with `XX`, `True`↔`False` (never
 *   docstrings or other lone-constant statements);
 * - `returnNone`: `return e` → `return None`;
 * - `statementDeletion`: an expression statement, assignment, `del`, `assert`, `break` or
 *   `continue` → `pass`;
 * - `exceptionSwallowing`: an `except` handler's body → `pass`, `raise ...` → `pass`;
 * - `zeroIterationLoop`: `for x in it` → `for x in []`, `while c` → `while False`;
 * - `sliceIndex`: one bound or the step of a slice removed.
 *
 * Annotations, f-string format specs and the test of `if __name__ == "__main__":` are never
 * mutated.
 */
export const mutationOperators = [
  "arithmeticOperator",
  "bitwiseOperator",
  "comparisonOperator",
  "booleanOperator",
  "unaryOperator",
  "negateCondition",
  "constant",
  "returnNone",
  "statementDeletion",
  "exceptionSwallowing",
  "zeroIterationLoop",
  "sliceIndex",
] as const;

/** The kind of change a mutant makes (see {@link mutationOperators}). */
export type MutationOperator = (typeof mutationOperators)[number];

/** A Python program to mutate, under a key unique among the sources of one call. */
export interface MutantSource {
  key: string;
  /** The whole program: the focal code. */
  code: string;
}

/** One mutant: the focal program with one change, which compiles to different bytecode. */
export interface Mutant {
  /**
   * A content id: the first 16 hex digits of the sha256 of the operator, the line, the column
   * (the mutated node's 0-based UTF-8 byte offset), the description and the code, joined by NUL.
   * The same source on the same Python minor version gives the same id on every run and
   * machine; it changes whenever the mutant does.
   */
  id: string;
  operator: MutationOperator;
  /** The first line of the mutated node in the original code (1-based). */
  line: number;
  /** The last line of the mutated node in the original code (1-based). */
  endLine: number;
  /** What changed, as `` `before` -> `after` `` (long or multi-line snippets shortened). */
  description: string;
  /**
   * The whole mutated program, as `ast.unparse` writes it: comments and the original formatting
   * are gone, so its line numbers are not the original's.
   */
  code: string;
}

/** A source's mutants, and what was dropped on the way. */
export interface MutantSet {
  key: string;
  /**
   * The mutants, ordered by line, column and operator ({@link mutationOperators}' order); with
   * `maxMutants`, an evenly spread subset of them in the same order.
   */
  mutants: Mutant[];
  /** How many mutants were kept before `maxMutants` was applied. */
  total: number;
  /**
   * Mutants dropped: `equivalent` compile to the original's bytecode (line numbers aside),
   * `duplicate` to an earlier mutant's, `uncompilable` do not compile.
   */
  dropped: { equivalent: number; duplicate: number; uncompilable: number };
  /** Why the source has no mutants: it does not parse or compile (no other source fails). */
  error?: string;
}

/** Settings of {@link generateMutants}. */
export interface GenerateMutantsSettings {
  /** The Python interpreter (3.9 or later), resolved by `resolvePython` (default `python3`). */
  python?: string;
  /** At most this many mutants per source, evenly spread over all of them in order. */
  maxMutants?: number;
  /** Stops the Python process and rejects with a `cancelled` error. */
  signal?: AbortSignal;
}

const scriptName = "mutate.py";
const moduleDir = dirname(fileURLToPath(import.meta.url));

/**
 * Where `mutate.py` is: beside this module when it runs from the sources (`src/labeling`), or,
 * from a built bundle (`dist/index.js`, `dist/labeling/index.js`), in `src/labeling` of the
 * package, which ships `src` (or in `dist`, should a build copy it there).
 */
function mutateScript(): string {
  const directories = [moduleDir, dirname(moduleDir), dirname(dirname(moduleDir))];
  const candidates = directories.flatMap((directory) => [
    join(directory, scriptName),
    join(directory, "labeling", scriptName),
    join(directory, "src", "labeling", scriptName),
  ]);
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new CodermError(
      "not-found",
      `the mutant generator is missing: ${scriptName} is in none of ${directories.join(", ")}`,
    );
  }
  return found;
}

const mutantSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  operator: z.enum(mutationOperators),
  line: z.number().int().positive(),
  endLine: z.number().int().positive(),
  description: z.string(),
  code: z.string(),
});

const outputSchema = z.object({
  results: z.array(
    z.object({
      key: z.string(),
      mutants: z.array(mutantSchema),
      total: z.number().int().nonnegative(),
      dropped: z.object({
        equivalent: z.number().int().nonnegative(),
        duplicate: z.number().int().nonnegative(),
        uncompilable: z.number().int().nonnegative(),
      }),
      error: z.string().optional(),
    }),
  ),
});

/**
 * Generates the mutants of each source with `mutate.py`, one Python process for the whole batch:
 * each mutant applies one operator ({@link mutationOperators}) at one place of the syntax tree;
 * those that do not compile, or compile to the original's or an earlier mutant's bytecode
 * (trivial compiler equivalence), are dropped. A source that does not parse gets an `error` in
 * its set, the others their mutants. Rejects with a {@link CodermError} naming the source when
 * the process fails on one, `invalid-input` for a repeated key or a bad `maxMutants`, and
 * `cancelled` when `signal` aborts.
 */
export async function generateMutants(
  sources: readonly MutantSource[],
  settings: GenerateMutantsSettings = {},
): Promise<Map<string, MutantSet>> {
  const { maxMutants, signal } = settings;
  if (maxMutants !== undefined && !(Number.isInteger(maxMutants) && maxMutants >= 0)) {
    throw new CodermError(
      "invalid-input",
      `maxMutants must be a non-negative integer, not ${maxMutants}`,
      { field: "maxMutants" },
    );
  }
  const keys = new Set<string>();
  for (const { key } of sources) {
    if (keys.has(key)) {
      throw new CodermError("invalid-input", "the source key is repeated", { item: key });
    }
    keys.add(key);
  }
  if (signal?.aborted) throw new CodermError("cancelled", "mutant generation was cancelled");
  if (sources.length === 0) return new Map();
  const script = mutateScript();
  const { executable } = await resolvePython(settings.python);
  const request = JSON.stringify({
    sources: sources.map(({ key, code }) => ({ key, code })),
    ...(maxMutants === undefined ? {} : { maxMutants }),
  });
  const { stdout, failure } = await runScript(executable, script, request, signal);
  if (failure !== undefined) {
    const { key, message } = failure;
    throw new CodermError(
      "internal",
      key === undefined
        ? `the mutant generator failed: ${message}`
        : `the mutant generator failed on this source: ${message}`,
      key === undefined ? {} : { item: key },
    );
  }
  let output: z.infer<typeof outputSchema>;
  try {
    output = outputSchema.parse(JSON.parse(stdout));
  } catch (cause) {
    throw new CodermError("internal", "the mutant generator wrote an unexpected answer", {
      cause,
    });
  }
  const sets = new Map<string, MutantSet>();
  for (const [index, source] of sources.entries()) {
    const result = output.results[index];
    if (result?.key !== source.key) {
      throw new CodermError("internal", "the mutant generator left this source out", {
        item: source.key,
      });
    }
    sets.set(source.key, result);
  }
  return sets;
}

interface ScriptRun {
  stdout: string;
  /** Set when the process exited non-zero; `key` is the source it was at, when it had one. */
  failure?: { key: string | undefined; message: string };
}

function runScript(
  executable: string,
  script: string,
  input: string,
  signal: AbortSignal | undefined,
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, ["-I", "-S", script], { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stderr = "";
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", abort);
      action();
    };
    const abort = () => {
      child.kill("SIGKILL");
      finish(() => reject(new CodermError("cancelled", "mutant generation was cancelled")));
    };
    signal?.addEventListener("abort", abort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    // A broken pipe shows up again as the exit status.
    child.stdin.on("error", () => {});
    child.on("error", (cause) =>
      finish(() =>
        reject(
          new CodermError(
            "unavailable",
            `cannot start Python (${executable}): ${cause.message}; set CODERM_PYTHON to a Python 3.9+ interpreter`,
            { cause },
          ),
        ),
      ),
    );
    child.on("close", (code, killedBy) =>
      finish(() => {
        if (code === 0) {
          resolve({ stdout: Buffer.concat(stdout).toString("utf8") });
          return;
        }
        // Before each source the script writes `mutating <key as JSON>` to stderr.
        let key: string | undefined;
        const lines: string[] = [];
        for (const line of stderr.split("\n")) {
          if (line.startsWith("mutating ")) {
            try {
              key = JSON.parse(line.slice("mutating ".length)) as string;
            } catch {
              lines.push(line);
            }
          } else if (line.trim() !== "") lines.push(line);
        }
        const status = code === null ? `was killed by ${killedBy}` : `exited with ${code}`;
        const detail = lines.join("\n").trim().slice(-2000);
        resolve({
          stdout: "",
          failure: {
            key,
            message: `Python (${executable}) ${status}${detail ? `: ${detail}` : ""}`,
          },
        });
      }),
    );
    child.stdin.end(input);
  });
}
