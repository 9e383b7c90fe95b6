import { CodermError, createRandom, type ProblemMatrix } from "@coderm/core";
import { createCodermVoteReward, createCodetReward } from "@coderm/reward-tests";
import { describe, expect, it } from "vitest";
import { assignFolds } from "./fold-greedy.js";
import { problemMatrix } from "./problem-matrix-fixture.js";
import { type AllocationStudyOptions, allocationStudy } from "./study.js";
import { studyStrategies } from "./study-result.js";
import { createTestBudget } from "./test-budget.js";

/** Six problems of 0 to 4 tests: easy, hard, tied and without tests. */
function problems(): ProblemMatrix[] {
  return [
    problemMatrix(
      "a",
      ["x", "x", "y", "z"],
      ["PPPP", "PPPP", "PFFF", "FPFF"],
      [true, true, false, false],
    ),
    problemMatrix("b", ["x", "y", "z"], ["PPF", "PFF", "FFP"], [true, false, false]),
    problemMatrix("c", ["x", "y"], ["PP", "PP"], [true, false]),
    problemMatrix("d", ["x", "y", "y"], ["", "", ""], [false, true, true]),
    problemMatrix(
      "e",
      ["x", "y", "z", "w"],
      ["PFPF", "FPFP", "PPPF", "FFFF"],
      [false, false, true, false],
    ),
    problemMatrix("f", ["x", "y"], ["FPF", "PFP"], [false, true]),
  ];
}

const options: AllocationStudyOptions = {
  methods: [createCodetReward()],
  budgets: [1, 2, "all"],
  seeds: 3,
  folds: 2,
  draws: 4,
};

describe("allocationStudy", () => {
  const items = problems();
  const study = allocationStudy(items, options);

  it("reports one interval per strategy, method and budget", () => {
    expect(Object.keys(study.curves).sort()).toEqual([...studyStrategies].sort());
    for (const strategy of studyStrategies) {
      expect(Object.keys(study.curves[strategy])).toEqual(["codet"]);
      const intervals = study.curves[strategy].codet!;
      expect(intervals).toHaveLength(3);
      for (const { low, mean, high } of intervals) {
        expect(low).toBeLessThanOrEqual(mean);
        expect(mean).toBeLessThanOrEqual(high);
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(100);
      }
    }
    expect(study.budgetLabels).toEqual(["1", "2", "all"]);
    expect(study.predictedDifficultyMae).toBeGreaterThanOrEqual(0);
    expect(study.predictedDifficultyMae).toBeLessThanOrEqual(1);
  });

  it("ends the budgets with the mean test count", () => {
    const allTests = items.reduce((sum, item) => sum + item.tests.length, 0);
    expect(study.budgets).toEqual([1, 2, allTests / items.length]);
  });

  it("gives every strategy the same result at every test", () => {
    const all = study.curves.equal.codet![2]!;
    expect(study.curves["greedy-oracle"].codet![2]).toEqual(all);
    expect(study.curves["greedy-predicted"].codet![2]).toEqual(all);
  });

  it("pairs each greedy strategy with equal allocation seed by seed", () => {
    for (const strategy of ["greedy-predicted", "greedy-oracle"] as const) {
      const differences = study.versusEqual[strategy].codet!;
      expect(differences).toHaveLength(3);
      differences.forEach((difference, budget) => {
        expect(difference.mean).toBeCloseTo(
          study.curves[strategy].codet![budget]!.mean - study.curves.equal.codet![budget]!.mean,
          10,
        );
        expect(difference.low).toBeLessThanOrEqual(difference.mean);
        expect(difference.high).toBeGreaterThanOrEqual(difference.mean);
      });
      // Every test: the same tests, so no difference in any seed.
      expect(differences[2]).toEqual({ mean: 0, low: 0, high: 0 });
    }
  });

  it("is deterministic for the same options and problems", () => {
    expect(allocationStudy(problems(), options)).toEqual(study);
  });

  it("measures each method separately", () => {
    const both = allocationStudy(items, {
      ...options,
      methods: [createCodetReward(), createCodermVoteReward()],
    });
    expect(both.curves.equal.codet).toEqual(study.curves.equal.codet);
    expect(both.curves.equal["coderm-vote"]).toHaveLength(3);
  });

  it("rejects an empty problem list", () => {
    expect(() => allocationStudy([], options)).toThrow(CodermError);
  });
});

describe("assignFolds", () => {
  it("balances fold sizes and uses every fold", () => {
    for (const [count, folds] of [
      [10, 3],
      [7, 7],
      [5, 2],
      [12, 4],
    ] as const) {
      const assignment = assignFolds(count, folds, createRandom(count));
      expect(assignment).toHaveLength(count);
      const sizes = Array.from(
        { length: folds },
        (_, fold) => assignment.filter((value) => value === fold).length,
      );
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(count);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("is deterministic for a seed", () => {
    expect(assignFolds(9, 3, createRandom("s"))).toEqual(assignFolds(9, 3, createRandom("s")));
  });
});

describe("createTestBudget", () => {
  const items = problems();
  type Selection = readonly (readonly number[] | undefined)[];
  const checkColumns = (selection: Selection) => {
    expect(selection).toHaveLength(items.length);
    selection.forEach((columns, index) => {
      expect(columns).toBeDefined();
      expect(new Set(columns).size).toBe(columns?.length);
      for (const column of columns ?? []) {
        expect(Number.isInteger(column)).toBe(true);
        expect(column).toBeGreaterThanOrEqual(0);
        expect(column).toBeLessThan(items[index]!.tests.length);
      }
    });
  };
  const total = (selection: Selection) =>
    selection.reduce((sum, columns) => sum + (columns?.length ?? 0), 0);

  it("spends round(budget x problems) tests within each problem's columns, evenly", () => {
    const select = createTestBudget({
      budget: 1,
      allocation: "equal",
      method: createCodetReward(),
    });
    for (let repeat = 0; repeat < 3; repeat++) {
      const selection = select(items, repeat);
      checkColumns(selection);
      expect(total(selection)).toBe(Math.round(1 * items.length));
      // "d" has no tests; everyone else gets at most 2 of the 6 tests.
      expect(selection[3]).toEqual([]);
      for (const columns of selection) expect(columns?.length).toBeLessThanOrEqual(2);
    }
    const fractional = createTestBudget({
      budget: 1.4,
      allocation: "equal",
      method: createCodetReward(),
    });
    expect(total(fractional(items, 0))).toBe(Math.round(1.4 * items.length));
  });

  it("is deterministic for a seed and repeat", () => {
    const make = () =>
      createTestBudget({ budget: 2, allocation: "equal", method: createCodetReward(), seed: 5 });
    expect(make()(items, 1)).toEqual(make()(items, 1));
  });

  it("spends the budget with greedy and oracle allocation", () => {
    for (const allocation of ["greedy", "oracle"] as const) {
      const select = createTestBudget({
        budget: 2,
        allocation,
        method: createCodetReward(),
        folds: 2,
        draws: 4,
      });
      const selection = select(items, 0);
      checkColumns(selection);
      expect(total(selection)).toBe(2 * items.length);
    }
  });

  it("rejects a budget that is not positive", () => {
    for (const budget of [0, -1, Number.NaN])
      expect(() =>
        createTestBudget({ budget, allocation: "equal", method: createCodetReward() }),
      ).toThrow(CodermError);
  });
});
