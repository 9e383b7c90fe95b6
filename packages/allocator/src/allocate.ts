import { CodermError, type Random } from "@coderm/core";

/** Allocation strategies: the same count for every problem, or greedy on expected gain. */
export const allocations = ["equal", "greedy"] as const;

/** One of {@link allocations}. */
export type Allocation = (typeof allocations)[number];

function checkBudget(capacities: readonly number[], total: number): void {
  if (!Number.isInteger(total) || total < 0)
    throw new CodermError(
      "invalid-input",
      `a test budget must be a whole number >= 0, got ${total}`,
      {
        field: "budget",
      },
    );
  for (const [index, capacity] of capacities.entries())
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new CodermError("invalid-input", `problem ${index} has a bad test count ${capacity}`, {
        field: "capacities",
        item: String(index),
      });
}

/**
 * Equal allocation: `total` tests spread as evenly as the problems' test counts allow. Each
 * round gives one more test to every problem that has one left; a round the budget cannot
 * finish goes to problems drawn at random. A problem never gets more tests than it has; a budget
 * larger than all the tests leaves the rest unspent.
 */
export function allocateEqual(
  capacities: readonly number[],
  total: number,
  random: Random,
): number[] {
  checkBudget(capacities, total);
  const counts = capacities.map(() => 0);
  let left = total;
  while (left > 0) {
    const open = capacities.flatMap((capacity, index) =>
      counts[index]! < capacity ? [index] : [],
    );
    if (open.length === 0) break;
    const chosen = open.length <= left ? open : random.sample(open, left);
    for (const index of chosen) counts[index]! += 1;
    left -= chosen.length;
  }
  return counts;
}

/**
 * The default margin of anchored greedy allocation: a test leaves equal allocation's place only
 * for one expected to gain 0.2 points of pass@1 more on its problem.
 */
export const defaultMargin = 0.002;

/** Options of {@link allocateGreedy}. */
export interface GreedyOptions {
  /** Tests each problem has already run (a first round): kept, and part of the total. */
  initial?: readonly number[];
  /**
   * Counts to stay near (equal allocation's): each test up to a problem's anchor count carries a
   * bonus of `margin`, so a test leaves the anchor only for a place where it is expected to gain
   * `margin` more than where the anchor put it.
   */
  anchor?: readonly number[];
  /** The bonus of an anchored test, in pass rate per test ({@link defaultMargin}). */
  margin?: number;
}

/**
 * Greedy allocation: each next test goes to the problem whose expected pick accuracy gains most
 * per test, looking ahead over its remaining tests so a flat start does not hide a later rise
 * (`gains[p][k]` is problem p's expected gain with k tests; `gains[p].length - 1` tests exist).
 * Expected gains within 0.000001 a test tie; ties go to the problem with fewer tests, then to the
 * one earlier in a seeded random order. The whole budget is spent (as far as the problems' tests
 * go): once no problem can gain, tests go where they are expected to lose least. With an
 * `anchor`, gains the model cannot tell apart by `margin` leave the anchor's counts as they are.
 */
export function allocateGreedy(
  gains: readonly ArrayLike<number>[],
  total: number,
  random: Random,
  options: GreedyOptions = {},
): number[] {
  const capacities = gains.map((curve) => curve.length - 1);
  checkBudget(capacities, total);
  const { anchor } = options;
  const margin = anchor === undefined ? 0 : (options.margin ?? defaultMargin);
  const value = (index: number, count: number) =>
    gains[index]![count]! + (anchor === undefined ? 0 : margin * Math.min(count, anchor[index]!));
  const counts = (options.initial ?? gains.map(() => 0)).map((count, index) =>
    Math.min(count, capacities[index]!),
  );
  let left = total - counts.reduce((sum, count) => sum + count, 0);
  if (left < 0)
    throw new CodermError(
      "invalid-input",
      `the first round's ${total - left} tests exceed the budget of ${total}`,
      { field: "budget" },
    );
  const priority = random.shuffle(gains.map((_, index) => index));
  const rate = (index: number) => {
    const at = counts[index]!;
    let best = Number.NEGATIVE_INFINITY;
    for (let next = at + 1; next <= capacities[index]!; next++)
      best = Math.max(best, (value(index, next) - value(index, at)) / (next - at));
    return best;
  };
  const rates = gains.map((_, index) => rate(index));
  // Rates closer than this tie; ties go to the problem with fewer tests, so where the model sees
  // no difference the budget spreads evenly.
  const tolerance = 1e-6;
  const better = (index: number, chosen: number) => {
    const difference = rates[index]! - rates[chosen]!;
    if (Math.abs(difference) > tolerance) return difference > 0;
    return counts[index]! < counts[chosen]!;
  };
  while (left > 0) {
    let chosen = -1;
    for (const index of priority)
      if (counts[index]! < capacities[index]! && (chosen < 0 || better(index, chosen)))
        chosen = index;
    if (chosen < 0) break;
    counts[chosen]! += 1;
    rates[chosen] = rate(chosen);
    left -= 1;
  }
  return counts;
}
