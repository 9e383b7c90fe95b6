import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CodermError } from "@coderm/core";
import { resolvePython, runPython } from "@coderm/core/node";
import { z } from "zod";

/** What the analysis of one answer's Python code found. */
export interface CodeAnalysis {
  /** Whether the code parses. */
  parses: boolean;
  /**
   * The code through the end of its last top-level `def` or `class` (stripped); absent where the
   * code has none or does not parse.
   */
  function?: string;
  /** The code after that definition (stripped): calling code, say. */
  suffix?: string;
  /**
   * The function (the whole code where it has no definition) cut into the chain of segments the
   * tree search grows: logical lines (comments and blank lines go with the statement after them),
   * cut after a `print` that reads a value (consecutive prints stay together) and before a line
   * indented less than the one above it. Joined with newlines they give the code back. Absent
   * where the code does not parse.
   */
  segments?: string[];
}

/** Parses answers' code and cuts functions into segments, as the tree search needs. */
export interface CodeAnalyzer {
  /** The analysis of each code, in order. */
  analyze(codes: readonly string[]): Promise<CodeAnalysis[]>;
}

/** Settings of {@link createPythonCodeAnalyzer}. */
export interface PythonCodeAnalyzerSettings {
  /** The Python interpreter, resolved by `resolvePython` (default `CODERM_PYTHON`, else `python3`). */
  python?: string;
}

const scriptName = "code_analysis.py";
const moduleDir = dirname(fileURLToPath(import.meta.url));

/**
 * Where `code_analysis.py` is: beside this module when it runs from the sources (`src/mcts`), or,
 * from a built bundle (`dist/index.js`), in `src/mcts` of the package, which ships `src`.
 */
function analysisScript(): string {
  const directories = [moduleDir, dirname(moduleDir), dirname(dirname(moduleDir))];
  const candidates = directories.flatMap((directory) => [
    join(directory, scriptName),
    join(directory, "mcts", scriptName),
    join(directory, "src", "mcts", scriptName),
  ]);
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined)
    throw new CodermError(
      "not-found",
      `the code analyzer is missing: ${scriptName} is in none of ${directories.join(", ")}`,
    );
  return found;
}

const analysesSchema = z.array(
  z.object({
    parses: z.boolean(),
    function: z.string().nullable(),
    suffix: z.string().nullable(),
    segments: z.array(z.string()).nullable(),
  }),
);

/**
 * A {@link CodeAnalyzer} that asks Python itself (its `ast` and `tokenize` modules, in one
 * isolated process a batch): what parses, where the last top-level definition ends and where
 * logical lines end are exactly what the interpreter that runs the code thinks. Nothing is run.
 */
export function createPythonCodeAnalyzer(settings: PythonCodeAnalyzerSettings = {}): CodeAnalyzer {
  let script: Promise<string> | undefined;
  return {
    async analyze(codes) {
      if (codes.length === 0) return [];
      script ??= readFile(analysisScript(), "utf8");
      const { executable } = await resolvePython(settings.python);
      const output = await runPython(executable, await script, JSON.stringify(codes));
      const parsed = analysesSchema.safeParse(JSON.parse(output));
      if (!parsed.success || parsed.data.length !== codes.length)
        throw new CodermError("internal", `${scriptName} answered something else than analyses`);
      return parsed.data.map((analysis) => ({
        parses: analysis.parses,
        ...(analysis.function === null ? {} : { function: analysis.function }),
        ...(analysis.suffix === null ? {} : { suffix: analysis.suffix }),
        ...(analysis.segments === null ? {} : { segments: analysis.segments }),
      }));
    },
  };
}
