import { readFile } from "node:fs/promises";
import { CodermError } from "@coderm/core";
import { z } from "zod";
import type { EvalPlusResultEntry, EvalPlusResults } from "./eval-results.js";

const entrySchema = z.object({
  task_id: z.string(),
  solution: z.string(),
  base_status: z.string(),
  plus_status: z.string().nullable().optional(),
  base_fail_tests: z.array(z.unknown()).optional(),
  plus_fail_tests: z.array(z.unknown()).optional(),
});

const resultsSchema = z.object({ eval: z.record(z.string(), z.array(entrySchema)) });

/** A sample whose verdict differs between two `eval_results.json` files. */
export interface EvalResultsDifference {
  taskId: string;
  /** The sample's position among its task's samples (EvalPlus's completion id). */
  index: number;
  /** Which verdict differs. */
  part: "base" | "plus";
  ours: { status: string | null; failingInputs: unknown[] };
  theirs: { status: string | null; failingInputs: unknown[] };
}

/** The outcome of {@link compareEvalResults}. */
export interface EvalResultsComparison {
  /** Samples compared (those of the tasks present in both files). */
  samples: number;
  differences: EvalResultsDifference[];
  /** Tasks present in only one of the files. */
  missingTasks: { ours: string[]; theirs: string[] };
}

/**
 * Reads an `eval_results.json` that EvalPlus wrote and compares it with this run's, sample by
 * sample (matched by task and position, checked to be the same program): every sample whose base or
 * plus status differs, with the failing inputs each side reports. A file that is not EvalPlus's
 * format, or whose samples are not this run's, is an error naming the file and the item.
 */
export async function compareEvalResults(
  ours: EvalPlusResults,
  theirsFile: string,
): Promise<EvalResultsComparison> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(theirsFile, "utf8"));
  } catch (error) {
    throw new CodermError("invalid-input", `not a readable JSON file: ${String(error)}`, {
      file: theirsFile,
    });
  }
  const checked = resultsSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new CodermError("invalid-input", `not EvalPlus's eval_results.json: ${issue.message}`, {
      file: theirsFile,
      field: issue.path.join("."),
    });
  }
  const theirs = checked.data.eval;
  const differences: EvalResultsDifference[] = [];
  let samples = 0;
  for (const [taskId, ourEntries] of Object.entries(ours.eval)) {
    const theirEntries = theirs[taskId];
    if (theirEntries === undefined) continue;
    if (theirEntries.length !== ourEntries.length) {
      throw new CodermError(
        "invalid-input",
        `${theirEntries.length} samples there, ${ourEntries.length} here: not the same samples file`,
        { file: theirsFile, item: taskId },
      );
    }
    ourEntries.forEach((entry, index) => {
      const other = theirEntries[index]!;
      if (other.solution !== entry.solution) {
        throw new CodermError(
          "invalid-input",
          `sample ${index} is another program there: not the same samples file`,
          { file: theirsFile, item: taskId },
        );
      }
      samples += 1;
      for (const part of ["base", "plus"] as const) {
        const difference = compareParts(entry, other, part);
        if (difference !== undefined) differences.push({ taskId, index, part, ...difference });
      }
    });
  }
  const ourTasks = new Set(Object.keys(ours.eval));
  return {
    samples,
    differences,
    missingTasks: {
      ours: Object.keys(theirs).filter((taskId) => !ourTasks.has(taskId)),
      theirs: [...ourTasks].filter((taskId) => theirs[taskId] === undefined),
    },
  };
}

function compareParts(
  ours: EvalPlusResultEntry,
  theirs: z.infer<typeof entrySchema>,
  part: "base" | "plus",
): Pick<EvalResultsDifference, "ours" | "theirs"> | undefined {
  const ourStatus = part === "base" ? ours.base_status : ours.plus_status;
  const theirStatus = part === "base" ? theirs.base_status : (theirs.plus_status ?? null);
  if (ourStatus === theirStatus) return undefined;
  return {
    ours: {
      status: ourStatus,
      failingInputs: part === "base" ? ours.base_fail_tests : ours.plus_fail_tests,
    },
    theirs: {
      status: theirStatus,
      failingInputs: (part === "base" ? theirs.base_fail_tests : theirs.plus_fail_tests) ?? [],
    },
  };
}
