import { unitTestSchema } from "@coderm/core";
import { stringify } from "smol-toml";
import { z } from "zod";
import { testSourceText } from "../test-text.js";
import type { UnitLabels } from "./labeler.js";
import type { MutantStatus } from "./mutant-status.js";

const mutantStatusSchema = z.enum(["killed", "timeout", "incompetent", "survived", "no-coverage"]);
const labelsSchema = z
  .object({ runs: z.boolean(), coverageGain: z.boolean(), mutationGain: z.boolean() })
  .strict();

/** The split a problem belongs to; every pair of a problem lies in the same split. */
export const splitSchema = z.enum(["train", "validation", "test"]);
/** The split a problem belongs to. */
export type Split = z.infer<typeof splitSchema>;

/**
 * One labeled (focal, test) pair: a JSONL row of a dataset `coderm rmrf label` writes. Lines are
 * 1-based; the sets behind the deltas are kept (covered lines, each mutant's status under the
 * existing suite and under the test alone), not only the rates.
 */
export const labeledPairSchema = z
  .object({
    /** Unique in the dataset: the dataset, the problem and the test's content id. */
    id: z.string().min(1),
    dataset: z.string().min(1),
    problemId: z.string().min(1),
    split: splitSchema,
    language: z.literal("python"),
    /** Where the candidate test came from: `codet`, `ground-truth` or `generated`. */
    origin: z.string().min(1),
    focalCode: z.string(),
    /** The existing suite as test source text. */
    existingTests: z.string(),
    /** The candidate test as test source text. */
    testCode: z.string(),
    test: unitTestSchema,
    labels: labelsSchema,
    deltas: z.object({ coverage: z.number(), mutation: z.number() }).strict(),
    /** The test's verdict on the focal code. */
    status: z.string(),
    errorType: z.string().optional(),
    sets: z
      .object({
        executable: z.array(z.number().int()),
        existingCovered: z.array(z.number().int()),
        covered: z.array(z.number().int()),
        newlyCovered: z.array(z.number().int()),
        existingMutants: z.record(z.string(), mutantStatusSchema),
        mutants: z.record(z.string(), mutantStatusSchema),
        newlyKilled: z.array(z.string()),
      })
      .strict(),
  })
  .strict();
/** One labeled (focal, test) pair. */
export type LabeledPair = z.infer<typeof labeledPairSchema>;

/** What a pair needs beyond a unit's labels: its dataset, split and each test's origin. */
export interface PairContext {
  dataset: string;
  split: Split;
  /** The origin of a candidate test, by test id. */
  origin: (testId: string) => string;
  focalCode: string;
  existingTests: string;
}

/** The labeled pairs of one unit, in its candidate tests' order. */
export function labeledPairs(labels: UnitLabels, context: PairContext): LabeledPair[] {
  return labels.tests.map((label) => ({
    id: `${context.dataset}:${labels.problemId}:${label.test.id}`,
    dataset: context.dataset,
    problemId: labels.problemId,
    split: context.split,
    language: "python",
    origin: context.origin(label.test.id),
    focalCode: context.focalCode,
    existingTests: context.existingTests,
    testCode: testSourceText(label.test),
    test: label.test,
    labels: {
      runs: label.deltas.runsCorrectly,
      coverageGain: label.deltas.coverage > 0,
      mutationGain: label.deltas.mutation > 0,
    },
    deltas: { coverage: label.deltas.coverage, mutation: label.deltas.mutation },
    status: label.status,
    ...(label.errorType === undefined ? {} : { errorType: label.errorType }),
    sets: {
      executable: labels.executable,
      existingCovered: labels.existing.covered,
      covered: label.run.covered,
      newlyCovered: label.deltas.newlyCovered,
      existingMutants: labels.existing.mutants,
      mutants: label.run.mutants,
      newlyKilled: label.deltas.newlyKilled,
    },
  }));
}

// RM-RF's mutpy words for the statuses (its Python samples).
const mutpyWords: Record<MutantStatus, string> = {
  killed: "killed",
  timeout: "timeout",
  incompetent: "incompetent",
  survived: "survived",
  "no-coverage": "survived",
};

/**
 * A pair in RM-RF's TOML sample format (the format `readRmrfSample` reads): lines 0-based as
 * RM-RF stores coverage.py's, mutant statuses in mutpy's words (a mutant no test reaches counts
 * as `survived`, as mutpy reports it), the deltas as `target_deltas`. Reading it back gives the
 * same deltas.
 */
export function pairToRmrfToml(pair: LabeledPair): string {
  const executable = new Set(pair.sets.executable);
  const zeroBased = (lines: readonly number[]) => lines.map((line) => line - 1);
  const missed = (covered: readonly number[]) => {
    const set = new Set(covered);
    return zeroBased([...executable].filter((line) => !set.has(line)));
  };
  const words = (mutants: Record<string, MutantStatus>) =>
    Object.fromEntries(Object.entries(mutants).map(([id, status]) => [id, mutpyWords[status]]));
  const suite = (covered: readonly number[], mutants: Record<string, MutantStatus>) => ({
    coverage: zeroBased(covered),
    coverage_missed: missed(covered),
    coverage_ratio: executable.size === 0 ? 0 : covered.length / executable.size,
    mutants: words(mutants),
  });
  return stringify({
    lang_info: { lang: "Python" },
    repo_info: { repository: pair.dataset },
    input_info: {
      ...suite(pair.sets.covered, pair.sets.mutants),
      existing_test_cases_code: pair.existingTests,
      focal_file_content: pair.focalCode,
      focal_file_path: `${pair.problemId}.py`,
      test_case_name: pair.test.id,
      test_file_content: `${pair.existingTests}\n${pair.testCode}\n`,
      test_file_path: `test_${pair.problemId}.py`,
      new_test_dependencies: "",
    },
    test_case_info: {
      syntax_status: pair.errorType !== "SyntaxError",
      subset: `${pair.origin}_${pair.labels.runs ? "correct" : "broken"}`,
      correctness: pair.labels.runs,
    },
    existing_test_cases: suite(pair.sets.existingCovered, pair.sets.existingMutants),
    target_deltas: pair.deltas,
  });
}
