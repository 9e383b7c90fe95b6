import type { ProblemMatrix } from "@coderm/core";
import { CodermError } from "@coderm/core";
import { passRate } from "./pick-accuracy.js";

/** What an estimator may know beyond the problems themselves. */
export interface DifficultyContext {
  /**
   * Each problem's cross-validation fold: an estimator learns a problem's difficulty only from
   * problems of other folds, so no problem scores itself.
   */
  folds: readonly number[];
  /** The test columns each problem has already run (a first round), whose verdicts it may read. */
  probes: readonly (readonly number[])[];
}

/**
 * Estimates each problem's difficulty as the expected pass rate (0..1) of its candidates: the
 * quantity a test allocator spends by.
 */
export interface DifficultyEstimator {
  readonly name: string;
  estimate(problems: readonly ProblemMatrix[], context: DifficultyContext): number[];
}

/** The gold pass rate of each problem's candidates: an upper bound, never available in use. */
export function createOracleDifficulty(): DifficultyEstimator {
  return { name: "oracle", estimate: (problems) => problems.map(passRate) };
}

/** One difficulty for every problem: the mean gold pass rate of the other folds' problems. */
export function createUniformDifficulty(): DifficultyEstimator {
  return {
    name: "uniform",
    estimate(problems, { folds }) {
      return problems.map((_, index) => {
        const others = problems.filter((__, other) => folds[other] !== folds[index]);
        return others.length === 0
          ? 0.5
          : others.map(passRate).reduce((a, b) => a + b, 0) / others.length;
      });
    },
  };
}

/** The names of {@link difficultyFeatures}' values, in order. */
export const difficultyFeatureNames = [
  "log prompt length",
  "docstring examples",
  "parameters",
  "top program share",
  "distinct program share",
  "log mean candidate length",
  "first-round pass rate",
  "first-round all-pass share",
  "first-round error share",
  "first-round agreement",
] as const;

/**
 * A problem's features for difficulty prediction, all cheap: its text (prompt length, docstring
 * examples, parameters), its candidates' agreement (share of the most sampled program, share of
 * distinct programs, length) and the verdicts of the first-round tests (`probe` columns): pass
 * rate, share passing them all, share raising errors, and the share of the largest group of
 * candidates with the same verdicts.
 */
export function difficultyFeatures(item: ProblemMatrix, probe: readonly number[]): number[] {
  const prompt = item.problem.prompt;
  const examples = (prompt.match(/>>>|\bExample|\bInput:/g) ?? []).length;
  const signature = new RegExp(
    `def\\s+${escapeRegExp(item.problem.entryPoint ?? "")}\\s*\\(([^)]*)\\)`,
  ).exec(prompt);
  const parameters = signature?.[1]?.trim() ? signature[1].split(",").length : 0;
  const rows = item.candidates.length;
  const programs = new Map<string, number>();
  let length = 0;
  for (const candidate of item.candidates) {
    programs.set(candidate.id, (programs.get(candidate.id) ?? 0) + 1);
    length += candidate.code.length;
  }
  let passes = 0;
  let errors = 0;
  let allPass = 0;
  const patterns = new Map<string, number>();
  for (let row = 0; row < rows; row++) {
    let rowPasses = 0;
    let pattern = "";
    for (const column of probe) {
      const status = item.matrix.get(row, column);
      if (status === "pass") rowPasses += 1;
      else if (status === "error") errors += 1;
      pattern += status === "pass" ? "1" : "0";
    }
    passes += rowPasses;
    if (rowPasses === probe.length && probe.length > 0) allPass += 1;
    patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
  }
  const cells = Math.max(1, rows * probe.length);
  return [
    Math.log1p(prompt.length),
    examples,
    parameters,
    Math.max(0, ...programs.values()) / Math.max(1, rows),
    programs.size / Math.max(1, rows),
    Math.log1p(length / Math.max(1, rows)),
    passes / cells,
    probe.length > 0 ? allPass / Math.max(1, rows) : 0,
    errors / cells,
    probe.length > 0 ? Math.max(0, ...patterns.values()) / Math.max(1, rows) : 0,
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Options of {@link createPredictedDifficulty}. */
export interface PredictedDifficultyOptions {
  /** Ridge penalty on standardized features (1). */
  ridge?: number;
}

/**
 * A lightweight learned estimator: ridge regression of the gold pass rate on
 * {@link difficultyFeatures}, trained for each fold on the other folds' problems and applied to
 * the fold's own (cross-validation), clipped to [0, 1].
 */
export function createPredictedDifficulty(
  options: PredictedDifficultyOptions = {},
): DifficultyEstimator {
  const ridge = options.ridge ?? 1;
  return {
    name: "predicted",
    estimate(problems, { folds, probes }) {
      const features = problems.map((item, index) => difficultyFeatures(item, probes[index] ?? []));
      const targets = problems.map(passRate);
      const estimates = new Array<number>(problems.length).fill(0);
      for (const fold of new Set(folds)) {
        const train = problems.flatMap((_, index) => (folds[index] !== fold ? [index] : []));
        const model = fitRidge(
          train.map((index) => features[index]!),
          train.map((index) => targets[index]!),
          ridge,
        );
        for (const [index, own] of folds.entries())
          if (own === fold) estimates[index] = Math.min(1, Math.max(0, model(features[index]!)));
      }
      return estimates;
    },
  };
}

/**
 * Ridge regression on standardized features with an unpenalized intercept; returns the
 * predictor. With no training rows it predicts 0.5.
 */
export function fitRidge(
  rows: readonly (readonly number[])[],
  targets: readonly number[],
  penalty: number,
): (features: readonly number[]) => number {
  if (rows.length === 0) return () => 0.5;
  const width = rows[0]!.length;
  const mean = Array.from(
    { length: width },
    (_, j) => rows.reduce((s, row) => s + row[j]!, 0) / rows.length,
  );
  const scale = Array.from({ length: width }, (_, j) => {
    const variance = rows.reduce((s, row) => s + (row[j]! - mean[j]!) ** 2, 0) / rows.length;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const standardize = (row: readonly number[]) =>
    row.map((value, j) => (value - mean[j]!) / scale[j]!);
  const intercept = targets.reduce((s, value) => s + value, 0) / targets.length;
  const x = rows.map(standardize);
  // (XᵀX + λI) β = Xᵀ(y - ȳ)
  const system = Array.from({ length: width }, (_, i) =>
    Array.from({ length: width + 1 }, (_, j) =>
      j < width
        ? x.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? penalty : 0)
        : x.reduce((s, row, r) => s + row[i]! * (targets[r]! - intercept), 0),
    ),
  );
  const beta = solve(system);
  return (features) =>
    intercept + standardize(features).reduce((s, value, j) => s + value * beta[j]!, 0);
}

/** Solves an augmented linear system by Gauss-Jordan elimination with partial pivoting. */
function solve(system: number[][]): number[] {
  const n = system.length;
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++)
      if (Math.abs(system[row]![column]!) > Math.abs(system[pivot]![column]!)) pivot = row;
    if (Math.abs(system[pivot]![column]!) < 1e-12)
      throw new CodermError("internal", "the ridge system is singular");
    [system[column], system[pivot]] = [system[pivot]!, system[column]!];
    const lead = system[column]!;
    for (let row = 0; row < n; row++) {
      if (row === column) continue;
      const factor = system[row]![column]! / lead[column]!;
      if (factor === 0) continue;
      for (let j = column; j <= n; j++) system[row]![j]! -= factor * lead[j]!;
    }
  }
  return system.map((row, i) => row[n]! / row[i]!);
}
