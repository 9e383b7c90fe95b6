import {
  CodermError,
  createRandom,
  type ProblemMatrix,
  type TestBasedReward,
  type TestSelection,
} from "@coderm/core";
import { allocateEqual } from "./allocate.js";
import { createOracleDifficulty, createPredictedDifficulty } from "./difficulty.js";
import { allocateFoldGreedy, assignFolds, foldGreedyPlan } from "./fold-greedy.js";
import { type AccuracyCurve, accuracyCurve } from "./gain-model.js";
import { passRate, testOrder } from "./pick-accuracy.js";

/** How a test budget is spent: evenly, greedy on predicted or gold difficulty. */
export const testBudgetAllocations = ["equal", "greedy", "oracle"] as const;

/** Options of {@link createTestBudget}. */
export interface TestBudgetOptions {
  /** Average tests per problem. */
  budget: number;
  allocation: (typeof testBudgetAllocations)[number];
  /** The method whose gain curves guide greedy allocation. */
  method: TestBasedReward;
  /** Cross-validation folds (5), random test orders per gain curve (16), first-round tests (1). */
  folds?: number;
  draws?: number;
  probeTests?: number;
  seed?: number | string;
}

/**
 * A test budget as a {@link TestSelection} for reranking: each repeat draws a random order of every
 * problem's tests, allocates `budget x problems` tests across problems (`equal`; `greedy` on
 * cross-validated predicted difficulty, whose first round counts toward the budget; `oracle`,
 * greedy on the gold pass rate) and keeps the first tests of each order. The matrices are the
 * run's full ones: this measures what the budget would have picked.
 */
export function createTestBudget(options: TestBudgetOptions): TestSelection {
  if (!(options.budget > 0))
    throw new CodermError(
      "invalid-input",
      `a test budget must be positive, got ${options.budget}`,
      { field: "budget" },
    );
  const probeTests = options.probeTests ?? 1;
  let curves: AccuracyCurve[] | undefined;
  return (problems: readonly ProblemMatrix[], repeat: number) => {
    const random = createRandom(`${options.seed ?? 0}/budget/${repeat}`);
    const capacities = problems.map((item) => item.tests.length);
    const total = Math.round(options.budget * problems.length);
    const orders = problems.map((item) => testOrder(item, random.fork(`order/${item.problem.id}`)));
    const equal = allocateEqual(capacities, total, random.fork("equal"));
    const firstRound = options.allocation === "greedy" && total >= problems.length * probeTests;
    if (options.allocation === "equal" || (options.allocation === "greedy" && !firstRound))
      return orders.map((order, index) => order.slice(0, equal[index]));
    curves ??= problems.map((item) =>
      accuracyCurve(item, options.method, {
        ...(options.draws === undefined ? {} : { draws: options.draws }),
        seed: `${options.seed ?? 0}/curves`,
      }),
    );
    const plan = foldGreedyPlan({
      problems,
      curves,
      gold: problems.map(passRate),
      folds: assignFolds(
        problems.length,
        Math.min(options.folds ?? 5, problems.length),
        random.fork("folds"),
      ),
      probes: orders.map((order) => order.slice(0, probeTests)),
      estimator:
        options.allocation === "oracle" ? createOracleDifficulty() : createPredictedDifficulty(),
      firstRound,
    });
    const counts = allocateFoldGreedy(plan, equal, random.fork("greedy"));
    return orders.map((order, index) => order.slice(0, counts[index]));
  };
}
