import type { PassMatrix } from "@coderm/core";
import { completeColumns } from "./matrix.js";

/** A confusion matrix of tests judging candidates: "accepted" means the test(s) passed. */
export interface ConfusionCounts {
  /** Correct candidates accepted. */
  truePositives: number;
  /** Wrong candidates accepted. */
  falsePositives: number;
  /** Correct candidates rejected. */
  falseNegatives: number;
  /** Wrong candidates rejected. */
  trueNegatives: number;
}

/** CodeRM-8B's unit-test quality metrics, in percent (null where undefined). */
export interface TestQuality {
  accuracy: number | null;
  f1: number | null;
  /** Probability that a wrong candidate is accepted: FP / (FP + TN). */
  falseAcceptanceRate: number | null;
  /** Probability that a correct candidate is rejected: FN / (FN + TP). */
  falseRejectionRate: number | null;
}

/** Counts with every cell zero, to add problems into. */
export function emptyConfusion(): ConfusionCounts {
  return { truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0 };
}

function tally(counts: ConfusionCounts, accepted: boolean, correct: boolean): void {
  if (accepted) correct ? counts.truePositives++ : counts.falsePositives++;
  else correct ? counts.falseNegatives++ : counts.trueNegatives++;
}

/**
 * Adds one problem to `counts`, treating every single test as a classifier of every candidate
 * (each complete column against each row): passing is accepting.
 */
export function addSingleTestCounts(
  counts: ConfusionCounts,
  matrix: PassMatrix,
  correct: readonly boolean[],
): void {
  for (const column of completeColumns(matrix)) {
    for (let row = 0; row < matrix.rowCount; row++)
      tally(counts, matrix.passes(row, column), correct[row]!);
  }
}

/**
 * Adds one problem to `counts`, treating the tests together as one classifier: a candidate is
 * accepted when it passes every test (problems without tests add nothing).
 */
export function addCombinedTestCounts(
  counts: ConfusionCounts,
  matrix: PassMatrix,
  correct: readonly boolean[],
): void {
  const columns = completeColumns(matrix);
  if (columns.length === 0) return;
  for (let row = 0; row < matrix.rowCount; row++)
    tally(counts, matrix.passCount(row, columns) === columns.length, correct[row]!);
}

/** The metrics of pooled counts (micro-averaged over every judged pair). */
export function testQuality(counts: ConfusionCounts): TestQuality {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn } = counts;
  const percent = (numerator: number, denominator: number) =>
    denominator === 0 ? null : (100 * numerator) / denominator;
  return {
    accuracy: percent(tp + tn, tp + fp + fn + tn),
    f1: percent(2 * tp, 2 * tp + fp + fn),
    falseAcceptanceRate: percent(fp, fp + tn),
    falseRejectionRate: percent(fn, fn + tp),
  };
}
