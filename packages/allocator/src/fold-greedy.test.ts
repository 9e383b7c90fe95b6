import type { ProblemMatrix } from "@coderm/core";
import { createRandom } from "@coderm/core";
import { describe, expect, it } from "vitest";
import type { DifficultyEstimator } from "./difficulty.js";
import { allocateFoldGreedy, foldGreedyPlan, gainVectors } from "./fold-greedy.js";

// The plan reads problems only through the estimator, which here returns the gold pass rates.
const stand = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ index }) as unknown as ProblemMatrix);
const goldEstimator = (gold: readonly number[]): DifficultyEstimator => ({
  name: "gold",
  estimate: (problems) =>
    problems.map((problem) => gold[(problem as unknown as { index: number }).index]!),
});
const curve = (...values: number[]) => Float64Array.from(values);
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

function plan(curves: Float64Array[], gold: number[], folds: number[], probes?: number[][]) {
  return foldGreedyPlan({
    problems: stand(curves.length),
    curves,
    gold,
    folds,
    probes: probes ?? curves.map(() => []),
    estimator: goldEstimator(gold),
    firstRound: probes !== undefined,
  });
}

describe("gainVectors", () => {
  it("learns a problem's gains only from other folds", () => {
    const curves = [curve(0, 1, 1), curve(0, 0, 0), curve(0.5, 0.5, 0.5)];
    const gains = gainVectors(curves, [0.5, 0.5, 0.5], [0, 1, 2], [0.5, 0.5, 0.5]);
    // Problem 0's gains come from problems 1 and 2 only, which gain nothing.
    expect([...gains[0]!]).toEqual([0, 0, 0]);
    expect(gains[1]![1]).toBeGreaterThan(0);
  });
});

describe("allocateFoldGreedy", () => {
  // Twelve problems in three folds: the "steep" ones gain with every test, the hopeless ones (no
  // correct candidate, difficulty 0) never do.
  const steep = curve(0.2, 0.4, 0.6, 0.8, 1);
  const hopeless = curve(0, 0, 0, 0, 0);
  const curves = Array.from({ length: 12 }, (_, index) => (index % 2 === 0 ? steep : hopeless));
  const gold = curves.map((item) => (item === steep ? 0.2 : 0));
  const folds = curves.map((_, index) => Math.floor(index / 4));

  it("moves each fold's share of the budget to where it pays", () => {
    const equal = curves.map(() => 2);
    const counts = allocateFoldGreedy(plan(curves, gold, folds), equal, createRandom(0));
    expect(sum(counts)).toBe(24);
    // Each fold keeps its share of the budget, 8 tests, all on its two steep problems.
    for (const fold of [0, 1, 2]) expect(sum(counts.slice(4 * fold, 4 * fold + 4))).toBe(8);
    for (const [index, count] of counts.entries())
      if (curves[index] === hopeless) expect(count).toBe(0);
  });

  it("keeps the equal counts where the gain model cannot tell problems apart", () => {
    const same = curves.map(() => steep);
    const equal = [2, 2, 3, 2, 2, 1, 2, 2, 2, 2, 2, 2];
    const counts = allocateFoldGreedy(
      plan(
        same,
        same.map(() => 0.2),
        folds,
      ),
      equal,
      createRandom(0),
    );
    expect(counts).toEqual(equal);
  });

  it("keeps first-round tests, which count toward the budget", () => {
    // The hopeless problems already ran one test each; the rest of each fold's 8 goes to its
    // steep problems.
    const equal = curves.map(() => 2);
    const probes = curves.map((item) => (item === hopeless ? [0] : []));
    const counts = allocateFoldGreedy(plan(curves, gold, folds, probes), equal, createRandom(0));
    expect(counts).toEqual(curves.map((item) => (item === hopeless ? 1 : 3)));
  });

  it("is deterministic under a seed", () => {
    const equal = curves.map(() => 1);
    const first = allocateFoldGreedy(plan(curves, gold, folds), equal, createRandom(3));
    expect(allocateFoldGreedy(plan(curves, gold, folds), equal, createRandom(3))).toEqual(first);
  });
});
