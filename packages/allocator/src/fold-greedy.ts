import type { ProblemMatrix, Random } from "@coderm/core";
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
  /** Every problem's out-of-fold gains. */
  gains: Float64Array[];
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
 * Prepares cross-validated greedy allocation: each problem's difficulty estimate and its gains
 * from a gain model fitted on the other folds, so no problem's allocation sees its own curve or
 * label.
 */
export function foldGreedyPlan(inputs: FoldGreedyInputs): FoldGreedyPlan {
  const { problems, curves, gold, folds, probes, estimator } = inputs;
  const estimates = estimator.estimate(problems, { folds, probes });
  return {
    folds,
    gains: gainVectors(curves, gold, folds, estimates, inputs.bandwidth),
    ...(inputs.firstRound ? { initial: probes.map((probe) => probe.length) } : {}),
  };
}

/**
 * Cross-validated greedy allocation of the budget equal allocation spends (`equal`, one count
 * per problem). Each fold keeps the equal counts' share of the budget and spends it greedily on
 * its problems, by gains learnt without them, anchored on the equal counts: a test moves from
 * where equal allocation put it only to a problem expected to gain `margin` (pass rate per test,
 * `defaultMargin` by default) more from it. Where the gain model cannot tell problems apart, the
 * budget therefore stays evenly spread.
 */
export function allocateFoldGreedy(
  plan: FoldGreedyPlan,
  equal: readonly number[],
  random: Random,
  margin?: number,
): number[] {
  const counts = [...equal];
  for (const fold of new Set(plan.folds)) {
    const members = plan.folds.flatMap((own, index) => (own === fold ? [index] : []));
    const pick = <T>(items: readonly T[]) => members.map((index) => items[index]!);
    const allocation = allocateGreedy(
      pick(plan.gains),
      members.reduce((sum, index) => sum + equal[index]!, 0),
      random.fork(`greedy/${fold}`),
      {
        anchor: pick(equal),
        ...(plan.initial === undefined ? {} : { initial: pick(plan.initial) }),
        ...(margin === undefined ? {} : { margin }),
      },
    );
    members.forEach((index, position) => {
      counts[index] = allocation[position]!;
    });
  }
  return counts;
}
