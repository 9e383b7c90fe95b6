import type { Random } from "@coderm/core";
import { type ProblemMatrix, rankingPassAtK, type TestBasedReward } from "@coderm/core";

const rowLists = new WeakMap<ProblemMatrix, number[]>();

function allRows(item: ProblemMatrix): number[] {
  let rows = rowLists.get(item);
  if (rows === undefined) {
    rows = Array.from({ length: item.candidates.length }, (_, row) => row);
    rowLists.set(item, rows);
  }
  return rows;
}

/**
 * The expected pass@1 (0..1) of a method's pick when the problem keeps only `columns` of its
 * tests: the pick is uniform in the method's first tie group; with no tests it is the share of
 * correct candidates.
 */
export function pickAccuracy(
  item: ProblemMatrix,
  method: TestBasedReward,
  columns: readonly number[],
): number {
  const matrix = item.matrix.select(
    allRows(item),
    [...columns].sort((a, b) => a - b),
  );
  const ranking = method.rank({
    problem: item.problem,
    candidates: item.candidates,
    passMatrix: matrix,
  });
  return rankingPassAtK(ranking, item.correct, 1);
}

/** The share of a problem's candidate samples that pass its ground truth (its gold pass rate). */
export function passRate(item: ProblemMatrix): number {
  if (item.correct.length === 0) return 0;
  return item.correct.filter(Boolean).length / item.correct.length;
}

/** A random order of a problem's test columns: a budget of k keeps the first k. */
export function testOrder(item: ProblemMatrix, random: Random): number[] {
  return random.shuffle(Array.from({ length: item.tests.length }, (_, column) => column));
}
