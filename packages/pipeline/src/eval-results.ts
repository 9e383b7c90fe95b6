import { writeFile } from "node:fs/promises";
import { type Problem, stringifyJson, type UnitTest } from "@coderm/core";
import type { JudgedSample, JudgedSequence } from "./judge.js";

/** pass@k as EvalPlus writes it: fractions, not percents. */
type PassAtK = Record<string, number>;

/** One sample's line in EvalPlus's `eval_results.json`. */
export interface EvalPlusResultEntry {
  task_id: string;
  solution: string;
  base_status: string;
  plus_status: string | null;
  base_fail_tests: unknown[];
  plus_fail_tests: unknown[];
}

/** The shape of EvalPlus's `eval_results.json` (evalplus/evaluate.py). */
export interface EvalPlusResults {
  date: string;
  hash: string;
  eval: Record<string, EvalPlusResultEntry[]>;
  pass_at_k: { base: PassAtK; plus?: PassAtK };
}

/**
 * Builds EvalPlus's `eval_results.json` from judged samples: per task, the samples in input
 * order with base and plus statuses and the failing inputs (the last input that ran when judging
 * stopped at the first failure, every failing input otherwise), and pass@k as fractions.
 */
export function evalPlusResults(
  judged: readonly JudgedSample[],
  problems: ReadonlyMap<string, Problem>,
  scores: { base: Record<string, number>; plus: Record<string, number> },
  datasetHash: string,
): EvalPlusResults {
  const results: Record<string, EvalPlusResultEntry[]> = {};
  for (const sample of judged) {
    const problem = problems.get(sample.taskId)!;
    const [base, plus] = sample.sequences;
    let entries = results[sample.taskId];
    if (entries === undefined) {
      entries = [];
      results[sample.taskId] = entries;
    }
    entries.push({
      task_id: sample.taskId,
      solution: sample.program,
      base_status: base?.status ?? "fail",
      plus_status: plus?.status ?? null,
      base_fail_tests: base === undefined ? [] : failedInputs(base, problem),
      plus_fail_tests: plus === undefined ? [] : failedInputs(plus, problem),
    });
  }
  const fractions = (percent: Record<string, number>) =>
    Object.fromEntries(Object.entries(percent).map(([k, value]) => [k, value / 100]));
  return {
    date: formatDate(new Date()),
    hash: datasetHash,
    eval: results,
    pass_at_k: { base: fractions(scores.base), plus: fractions(scores.plus) },
  };
}

/** Writes {@link evalPlusResults} to a file. */
export async function writeEvalPlusResults(path: string, results: EvalPlusResults): Promise<void> {
  await writeFile(path, stringifyJson(results));
}

function failedInputs(sequence: JudgedSequence, problem: Problem): unknown[] {
  if (sequence.status === "pass") return [];
  const tests = problem.tests ?? [];
  const byId = new Map<string, UnitTest>(tests.map((test) => [test.id, test]));
  return sequence.verdicts
    .filter((verdict) => verdict.status !== "pass")
    .map((verdict) => {
      const test = byId.get(verdict.testId);
      return test?.kind === "call" ? plainJson(test.args) : null;
    });
}

/** A carried Python value as plain JSON, as EvalPlus prints inputs (tuples and sets as lists). */
function plainJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [tag, inner] = entries[0]!;
    if (tag === "$tuple" || tag === "$set" || tag === "$frozenset") return plainJson(inner);
    if (tag === "$float") return Number(inner);
    if (tag === "$int") return BigInt(inner as string);
    if (tag === "$complex") return typeof inner === "string" ? inner : plainJson(inner);
    if (tag === "$dict")
      return Object.fromEntries(
        (inner as [unknown, unknown][]).map(([key, item]) => [String(key), plainJson(item)]),
      );
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, plainJson(item)]));
}

function formatDate(date: Date): string {
  const two = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
