import type { Random } from "@coderm/core";
import type { ProblemMatrix } from "@coderm/reward-tests";
import { allocateGreedy } from "./allocate.js";
import type { DifficultyEstimator } from "./difficulty.js";
import { type AccuracyCurve, fitGainModel } from "./gain-model.js";

/** Problems dealt to `folds` folds in a random order (sizes differ by at most one). */
export function assignFolds(count: number, folds: number, random: Random): number[] {
  const assignment = new Array<number>(count).fill(0);
  random.shuffle(Array.from({ length: count }, (_, index) => index)).forEach((index, position) => {
    assignment[index] = position % folds;
  });
  return assignment;
}

/**
 * Each problem's expected gain with k = 0 .. its test count: a gain model fitted on the other
 * folds' problems (their gold difficulty and measured curve), read at the problem's estimated
 * difficulty.
 */
export function gainVectors(
  curves: readonly AccuracyCurve[],
  gold: readonly number[],
  folds: readonly number[],
  estimates: readonly number[],
  bandwidth?: number,
): Float64Array[] {
  const models = new Map(
    [...new Set(folds)].map((fold) => [
      fold,
      fitGainModel(
        curves.flatMap((curve, index) =>
          folds[index] === fold ? [] : [{ difficulty: gold[index]!, curve }],
        ),
        bandwidth === undefined ? {} : { bandwidth },
      ),
    ]),
  );
  return curves.map((curve, index) =>
    models.get(folds[index]!)!.gains(estimates[index]!, curve.length - 1),
  );
}

/** What {@link foldGreedyPlan} prepares once per repeat, for any budget. */
export interface FoldGreedyPlan {
  folds: readonly number[];
  curves: readonly AccuracyCurve[];
  /** Every problem's out-of-fold gains. */
  gains: Float64Array[];
  /** For each fold: its training problems and their gains learnt without the fold (nested). */
  checks: Map<number, { train: number[]; gains: Float64Array[] }>;
  /** First-round tests each problem has already run (kept, and part of the budget). */
  initial?: readonly number[];
}

/** Inputs of {@link foldGreedyPlan}. */
export interface FoldGreedyInputs {
  problems: readonly ProblemMatrix[];
  /** Each problem's measured accuracy curve for the method being allocated for. */
  curves: readonly AccuracyCurve[];
  /** Gold pass rates, the gain model's training labels. */
  gold: readonly number[];
  folds: readonly number[];
  /** First-round test columns, which the estimator may read. */
  probes: readonly (readonly number[])[];
  estimator: DifficultyEstimator;
  /** Whether the first round counts as allocated tests. */
  firstRound: boolean;
  bandwidth?: number;
}

/**
 * Prepares cross-validated greedy allocation: every problem's out-of-fold gains and, for each
 * fold, gains of its training problems learnt without that fold (difficulty estimates and gain
 * models both), so the fold's choice between greedy and equal allocation never sees the fold.
 * The nested models need at least three folds; with fewer, nothing is learnt and allocation stays
 * equal.
 */
export function foldGreedyPlan(inputs: FoldGreedyInputs): FoldGreedyPlan {
  const { problems, curves, gold, folds, probes, estimator } = inputs;
  const estimates = estimator.estimate(problems, { folds, probes });
  const checks = new Map<number, { train: number[]; gains: Float64Array[] }>();
  for (const fold of new Set(folds)) {
    const train = problems.flatMap((_, index) => (folds[index] === fold ? [] : [index]));
    const pick = <T>(items: readonly T[]) => train.map((index) => items[index]!);
    const nested = estimator.estimate(pick(problems), {
      folds: pick(folds),
      probes: pick(probes),
    });
    checks.set(fold, {
      train,
      gains: gainVectors(pick(curves), pick(gold), pick(folds), nested, inputs.bandwidth),
    });
  }
  return {
    folds,
    curves,
    gains: gainVectors(curves, gold, folds, estimates, inputs.bandwidth),
    checks,
    ...(inputs.firstRound ? { initial: probes.map((probe) => probe.length) } : {}),
  };
}

/**
 * Cross-validated greedy allocation of the budget equal allocation spends (`equal`, one count
 * per problem). Each fold keeps the equal counts' share of the budget, and spends it greedily on
 * its problems only where this very procedure clearly beat equal allocation on the fold's training
 * problems (by more than a standard error): greedy within each of their folds, with gains learnt
 * without the fold being decided, scored by the problems' measured curves.
 * Elsewhere the fold keeps the equal counts, so a budget where greedy does not pay falls back to
 * equal allocation.
 */
export function allocateFoldGreedy(
  plan: FoldGreedyPlan,
  equal: readonly number[],
  random: Random,
): number[] {
  const counts = [...equal];
  for (const [fold, { train, gains }] of plan.checks) {
    const budget = (indices: readonly number[]) =>
      indices.reduce((sum, index) => sum + equal[index]!, 0);
    const initial = plan.initial;
    // Simulate the procedure itself on the training problems: greedy within each of their folds,
    // on that fold's share of the budget, with gains learnt without the fold being decided.
    const trial = new Map<number, number>();
    for (const other of new Set(train.map((index) => plan.folds[index]!))) {
      const positions = train.flatMap((index, position) =>
        plan.folds[index] === other ? [position] : [],
      );
      const members = positions.map((position) => train[position]!);
      const allocation = allocateGreedy(
        positions.map((position) => gains[position]!),
        budget(members),
        random.fork(`check/${fold}/${other}`),
        initial === undefined ? undefined : members.map((index) => initial[index]!),
      );
      members.forEach((index, position) => {
        trial.set(index, allocation[position]!);
      });
    }
    // Greedy must win clearly: its mean gain over equal allocation on the training problems must
    // exceed one standard error.
    const differences = train.map(
      (index) => plan.curves[index]![trial.get(index)!]! - plan.curves[index]![equal[index]!]!,
    );
    const mean = differences.reduce((sum, value) => sum + value, 0) / differences.length;
    const variance =
      differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) /
      Math.max(1, differences.length - 1);
    if (!(mean > 0 && mean > Math.sqrt(variance / differences.length))) continue;
    const members = plan.folds.flatMap((own, index) => (own === fold ? [index] : []));
    const allocation = allocateGreedy(
      members.map((index) => plan.gains[index]!),
      budget(members),
      random.fork(`greedy/${fold}`),
      initial === undefined ? undefined : members.map((index) => initial[index]!),
    );
    members.forEach((index, position) => {
      counts[index] = allocation[position]!;
    });
  }
  return counts;
}
