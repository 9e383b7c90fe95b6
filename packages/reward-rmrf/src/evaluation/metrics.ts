import { average, CodermError, type TestScore } from "@coderm/core";

/** RM-RF's three targets, as a `TestScore` names them. */
export type TestScoreTarget = "runs" | "coverageGain" | "mutationGain";

/** The targets in report order. */
export const testScoreTargets: readonly TestScoreTarget[] = [
  "runs",
  "coverageGain",
  "mutationGain",
];

/** The observed labels of a scored test, with the float deltas where known. */
export interface TestScoreTruth {
  runs: boolean;
  coverageGain: boolean;
  mutationGain: boolean;
  /** The coverage delta behind `coverageGain` (for Spearman's rho). */
  coverageDelta?: number;
  /** The mutation delta behind `mutationGain` (for Spearman's rho). */
  mutationDelta?: number;
}

/**
 * Positive-class precision, recall and F1 of decisions. A set with no predicted positive has
 * precision 0, one with no positive has recall 0, and F1 is 0 when both are 0.
 */
export interface ClassificationMetrics {
  precision: number;
  recall: number;
  f1: number;
}

/** How well one target's probabilities and decisions match its labels. */
export interface TargetReport extends ClassificationMetrics {
  /** The decision threshold used (a probability at or above it is a yes); the mean of per-row ones. */
  threshold: number;
  count: number;
  positives: number;
  predictedPositives: number;
  /** Area under the ROC curve (ties count one half); NaN with only one class. */
  auroc: number;
  /** Mean squared error of the probability against the 0/1 label. */
  brier: number;
  /** Expected calibration error over ten equal-width probability bins. */
  expectedCalibrationError: number;
  /** Spearman's rho of the probability and the float delta, where deltas were given. */
  spearman?: number;
  /** The always-yes floor on the same labels. */
  floor: ClassificationMetrics;
}

/** A decision threshold for every target, or one per target (0.5 where one is left out). */
export type TestScoreThreshold = number | Partial<Record<TestScoreTarget, number>>;

/** The report of {@link evaluateTestScores}. */
export interface TestScoreReport {
  count: number;
  targets: Record<TestScoreTarget, TargetReport>;
  /** Mean F1 over the three targets. */
  macroF1: number;
  /** Mean F1 of the always-yes floor. */
  floorMacroF1: number;
}

/** Precision, recall and F1 of yes/no decisions against labels (see {@link ClassificationMetrics}). */
export function classificationMetrics(
  predicted: readonly boolean[],
  actual: readonly boolean[],
): ClassificationMetrics {
  sameLength(predicted, actual);
  let truePositives = 0;
  let predictedPositives = 0;
  let positives = 0;
  for (let index = 0; index < actual.length; index++) {
    if (predicted[index]) predictedPositives++;
    if (actual[index]) positives++;
    if (predicted[index] && actual[index]) truePositives++;
  }
  const precision = predictedPositives === 0 ? 0 : truePositives / predictedPositives;
  const recall = positives === 0 ? 0 : truePositives / positives;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Ranks from 1, ties sharing the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, index) => index).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let position = start; position < end; position++) ranks[order[position]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * The area under the ROC curve: the chance a random positive scores above a random negative,
 * ties counting one half (Mann-Whitney U from average ranks). NaN when a class is absent.
 */
export function auroc(scores: readonly number[], labels: readonly boolean[]): number {
  sameLength(scores, labels);
  const ranks = averageRanks(scores);
  let positives = 0;
  let rankSum = 0;
  for (let index = 0; index < labels.length; index++) {
    if (!labels[index]) continue;
    positives++;
    rankSum += ranks[index]!;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Spearman's rho: the Pearson correlation of average ranks. NaN when either side is constant. */
export function spearman(left: readonly number[], right: readonly number[]): number {
  sameLength(left, right);
  const leftRanks = averageRanks(left);
  const rightRanks = averageRanks(right);
  const leftMean = average(leftRanks);
  const rightMean = average(rightRanks);
  let covariance = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let index = 0; index < left.length; index++) {
    const leftDeviation = leftRanks[index]! - leftMean;
    const rightDeviation = rightRanks[index]! - rightMean;
    covariance += leftDeviation * rightDeviation;
    leftSquares += leftDeviation * leftDeviation;
    rightSquares += rightDeviation * rightDeviation;
  }
  if (leftSquares === 0 || rightSquares === 0) return Number.NaN;
  return covariance / Math.sqrt(leftSquares * rightSquares);
}

/** The Brier score: the mean squared difference of probability and 0/1 label. */
export function brierScore(probabilities: readonly number[], labels: readonly boolean[]): number {
  sameLength(probabilities, labels);
  return average(
    probabilities.map((probability, index) => (probability - (labels[index] ? 1 : 0)) ** 2),
  );
}

/**
 * Expected calibration error: over equal-width probability bins (a probability of 1 falls in the
 * last), the size-weighted mean of |mean probability - fraction positive|.
 */
export function expectedCalibrationError(
  probabilities: readonly number[],
  labels: readonly boolean[],
  bins = 10,
): number {
  sameLength(probabilities, labels);
  if (probabilities.length === 0) return 0;
  const probabilitySums = new Array<number>(bins).fill(0);
  const positiveCounts = new Array<number>(bins).fill(0);
  const counts = new Array<number>(bins).fill(0);
  for (let index = 0; index < probabilities.length; index++) {
    const probability = probabilities[index]!;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(probability * bins)));
    probabilitySums[bin]! += probability;
    positiveCounts[bin]! += labels[index] ? 1 : 0;
    counts[bin]!++;
  }
  let error = 0;
  for (let bin = 0; bin < bins; bin++) {
    if (counts[bin] === 0) continue;
    error += Math.abs(probabilitySums[bin]! - positiveCounts[bin]!) / probabilities.length;
  }
  return error;
}

/**
 * Scores a test scorer's predictions against observed labels: per target, positive-class
 * precision, recall and F1 at the threshold (one for all targets, one per target, or one of
 * those per row, as cross-validation's models each chose theirs), AUROC,
 * Brier score, expected calibration error and, where deltas are given, Spearman's rho of the
 * probability and the delta; the macro F1; and the always-yes floor on the same labels.
 */
export function evaluateTestScores(
  predictions: readonly TestScore[],
  truths: readonly TestScoreTruth[],
  threshold: TestScoreThreshold | readonly TestScoreThreshold[] = 0.5,
): TestScoreReport {
  sameLength(predictions, truths);
  if (Array.isArray(threshold)) sameLength(threshold, truths);
  const cutOf = (target: TestScoreTarget, index: number): number => {
    const chosen = Array.isArray(threshold) ? threshold[index] : threshold;
    return typeof chosen === "number" ? chosen : (chosen?.[target] ?? 0.5);
  };
  const deltas: Partial<Record<TestScoreTarget, "coverageDelta" | "mutationDelta">> = {
    coverageGain: "coverageDelta",
    mutationGain: "mutationDelta",
  };
  const targets = {} as Record<TestScoreTarget, TargetReport>;
  for (const target of testScoreTargets) {
    const cuts = truths.map((_, index) => cutOf(target, index));
    const probabilities = predictions.map((prediction) => prediction[target]);
    const labels = truths.map((truth) => truth[target]);
    const predicted = probabilities.map((probability, index) => probability >= cuts[index]!);
    const report: TargetReport = {
      threshold: average(cuts),
      count: labels.length,
      positives: labels.filter(Boolean).length,
      predictedPositives: predicted.filter(Boolean).length,
      ...classificationMetrics(predicted, labels),
      auroc: auroc(probabilities, labels),
      brier: brierScore(probabilities, labels),
      expectedCalibrationError: expectedCalibrationError(probabilities, labels),
      floor: classificationMetrics(
        labels.map(() => true),
        labels,
      ),
    };
    const deltaField = deltas[target];
    if (deltaField !== undefined) {
      const pairs = truths.flatMap((truth, index) => {
        const delta = truth[deltaField];
        return delta === undefined ? [] : [[probabilities[index]!, delta] as const];
      });
      if (pairs.length > 0)
        report.spearman = spearman(
          pairs.map(([probability]) => probability),
          pairs.map(([, delta]) => delta),
        );
    }
    targets[target] = report;
  }
  return {
    count: truths.length,
    targets,
    macroF1: average(testScoreTargets.map((target) => targets[target].f1)),
    floorMacroF1: average(testScoreTargets.map((target) => targets[target].floor.f1)),
  };
}

function sameLength(left: readonly unknown[], right: readonly unknown[]): void {
  if (left.length !== right.length)
    throw new CodermError(
      "invalid-input",
      `predictions and labels differ in length (${left.length} and ${right.length})`,
    );
}
