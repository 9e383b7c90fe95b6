import type { ProblemMatrix, TestBasedReward } from "@coderm/core";
import { bootstrapInterval, CodermError, createRandom, type Interval } from "@coderm/core";
import { allocateEqual } from "./allocate.js";
import {
  createOracleDifficulty,
  createPredictedDifficulty,
  type DifficultyEstimator,
} from "./difficulty.js";
import { allocateFoldGreedy, assignFolds, foldGreedyPlan } from "./fold-greedy.js";
import { type AccuracyCurve, accuracyCurve } from "./gain-model.js";
import { passRate, pickAccuracy, testOrder } from "./pick-accuracy.js";
import {
  type GreedyStrategy,
  greedyStrategies,
  type StudyStrategy,
  studyStrategies,
} from "./study-result.js";

/** The study's default budgets: average tests per problem, then every test. */
export const defaultStudyBudgets: readonly (number | "all")[] = [1, 2, 4, 8, 16, 32, "all"];

/** Options of {@link allocationStudy}. */
export interface AllocationStudyOptions {
  methods: readonly TestBasedReward[];
  /** Average tests per problem, or "all" (default {@link defaultStudyBudgets}). */
  budgets?: readonly (number | "all")[];
  /** Seeds averaged (20). */
  seeds?: number;
  /** Cross-validation folds (5). */
  folds?: number;
  /** Random test orders per problem behind each accuracy curve (16). */
  draws?: number;
  /** First-round tests per problem the predicted estimator reads (1; part of the budget). */
  probeTests?: number;
  /** Kernel bandwidth of the gain model, in pass rate (0.1). */
  bandwidth?: number;
  /**
   * How much more pass rate a test must be expected to gain to leave equal allocation's place
   * (`defaultMargin`, 0.002).
   */
  margin?: number;
  seed?: number | string;
}

/** The study's curves: pass@1 (percent) per strategy, method and budget, over seeds. */
export interface AllocationStudy {
  budgets: number[];
  budgetLabels: string[];
  curves: Record<StudyStrategy, Record<string, Interval[]>>;
  /** Each greedy strategy's pass@1 minus equal allocation's (points), paired by seed. */
  versusEqual: Record<GreedyStrategy, Record<string, Interval[]>>;
  /** Mean absolute error of the predicted difficulty against the gold pass rate. */
  predictedDifficultyMae: number;
}

/**
 * The budget study: for each seed, each budget (average tests per problem, spent across
 * problems), each method and each strategy, the mean over problems of the method's expected
 * pass@1 when each problem keeps the first tests of a seeded random order, as many as the
 * strategy allocates it. Strategies: `equal`; `greedy-oracle` (greedy on gain curves, with each
 * problem's gold pass rate as its difficulty); `greedy-predicted` (difficulty predicted from cheap
 * features and a first round of `probeTests` tests, which count toward the budget). Gain curves
 * and the difficulty predictor are learnt with cross-validation: a problem's allocation never
 * uses its own curve or label. The same random test orders serve every strategy (paired
 * comparison). Results are means over seeds with a 95 % bootstrap interval.
 */
export function allocationStudy(
  problems: readonly ProblemMatrix[],
  options: AllocationStudyOptions,
): AllocationStudy {
  if (problems.length === 0)
    throw new CodermError("invalid-input", "the allocation study needs problems");
  const budgets = options.budgets ?? defaultStudyBudgets;
  const seeds = options.seeds ?? 20;
  const folds = Math.min(options.folds ?? 5, problems.length);
  const probeTests = options.probeTests ?? 1;
  const capacities = problems.map((item) => item.tests.length);
  const allTests = capacities.reduce((sum, capacity) => sum + capacity, 0);
  const gold = problems.map(passRate);
  const oracle = createOracleDifficulty();
  const predictor: DifficultyEstimator = createPredictedDifficulty();
  const curves = new Map<string, AccuracyCurve[]>(
    options.methods.map((method) => [
      method.name,
      problems.map((item) =>
        accuracyCurve(item, method, {
          ...(options.draws === undefined ? {} : { draws: options.draws }),
          seed: `${options.seed ?? 0}/curves`,
        }),
      ),
    ]),
  );
  const values = new Map<string, number[]>();
  const record = (strategy: string, method: string, budget: number, value: number) => {
    const key = `${strategy}\u0000${method}\u0000${budget}`;
    values.set(key, [...(values.get(key) ?? []), value]);
  };
  let errorSum = 0;

  for (let seed = 0; seed < seeds; seed++) {
    const random = createRandom(`${options.seed ?? 0}/study/${seed}`);
    const foldOf = assignFolds(problems.length, folds, random.fork("folds"));
    const orders = problems.map((item) => testOrder(item, random.fork(`order/${item.problem.id}`)));
    const probes = orders.map((order) => order.slice(0, probeTests));
    const predicted = predictor.estimate(problems, { folds: foldOf, probes });
    errorSum +=
      predicted.reduce((sum, value, index) => sum + Math.abs(value - gold[index]!), 0) /
      problems.length;

    for (const method of options.methods) {
      const plan = (estimator: DifficultyEstimator, firstRound: boolean) =>
        foldGreedyPlan({
          problems,
          curves: curves.get(method.name)!,
          gold,
          folds: foldOf,
          probes,
          estimator,
          firstRound,
          ...(options.bandwidth === undefined ? {} : { bandwidth: options.bandwidth }),
        });
      const plans = {
        "greedy-oracle": plan(oracle, false),
        "greedy-predicted": plan(predictor, true),
      };
      const memo = problems.map(() => new Map<number, number>());
      const accuracy = (index: number, count: number) => {
        let value = memo[index]!.get(count);
        if (value === undefined) {
          value = pickAccuracy(problems[index]!, method, orders[index]!.slice(0, count));
          memo[index]!.set(count, value);
        }
        return value;
      };
      for (const [position, budget] of budgets.entries()) {
        const total = budget === "all" ? allTests : Math.round(budget * problems.length);
        const equal = allocateEqual(capacities, total, random.fork(`equal/${position}`));
        const firstRound = total >= problems.length * probeTests;
        const allocation: Record<StudyStrategy, number[]> = {
          equal,
          "greedy-oracle": allocateFoldGreedy(
            plans["greedy-oracle"],
            equal,
            random.fork(`greedy/${position}`),
            options.margin,
          ),
          "greedy-predicted": firstRound
            ? allocateFoldGreedy(
                plans["greedy-predicted"],
                equal,
                random.fork(`greedy/${position}`),
                options.margin,
              )
            : equal,
        };
        for (const strategy of studyStrategies) {
          const counts = allocation[strategy];
          const mean =
            counts.reduce((sum, count, index) => sum + accuracy(index, count), 0) / problems.length;
          record(strategy, method.name, position, 100 * mean);
        }
      }
    }
  }

  const series = (strategy: StudyStrategy, method: string, position: number) =>
    values.get(`${strategy}\u0000${method}\u0000${position}`)!;
  const intervals = <S extends StudyStrategy>(
    strategies: readonly S[],
    seriesOf: (strategy: S, method: string, position: number) => number[],
  ) =>
    Object.fromEntries(
      strategies.map((strategy) => [
        strategy,
        Object.fromEntries(
          options.methods.map((method) => [
            method.name,
            budgets.map((_, position) =>
              bootstrapInterval(seriesOf(strategy, method.name, position), {
                seed: options.seed ?? 0,
              }),
            ),
          ]),
        ),
      ]),
    ) as Record<S, Record<string, Interval[]>>;
  return {
    budgets: budgets.map((budget) => (budget === "all" ? allTests / problems.length : budget)),
    budgetLabels: budgets.map(String),
    curves: intervals(studyStrategies, series),
    versusEqual: intervals(greedyStrategies, (strategy, method, position) => {
      const equal = series("equal", method, position);
      return series(strategy, method, position).map((value, seed) => value - equal[seed]!);
    }),
    predictedDifficultyMae: errorSum / seeds,
  };
}
