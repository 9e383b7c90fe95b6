import type { ProblemMatrix, TestBasedReward } from "@coderm/core";
import { createRandom } from "@coderm/core";
import { pickAccuracy, testOrder } from "./pick-accuracy.js";

/**
 * A problem's accuracy curve: `curve[k]` is the expected pass@1 of the method's pick with `k`
 * random tests of the problem (k = 0 .. its test count).
 */
export type AccuracyCurve = Float64Array;

/** Options of {@link accuracyCurve}. */
export interface AccuracyCurveOptions {
  /** Random test orders averaged (16). */
  draws?: number;
  seed?: number | string;
}

/** Test counts at which curves are measured; counts between are interpolated. */
function measuredCounts(capacity: number): number[] {
  const counts = new Set([0, capacity]);
  for (let k = 1; k < capacity; k = k < 4 ? k + 1 : Math.ceil(k * 1.5)) counts.add(k);
  return [...counts].sort((a, b) => a - b);
}

/**
 * Measures a problem's accuracy curve: the mean over random test orders of the method's pick
 * accuracy with each prefix of the order, at 0, 1, 2, 3, 4, 6, 9, ... tests and every test, with
 * linear interpolation between. Every prefix of one order is measured, so the curve is smooth.
 */
export function accuracyCurve(
  item: ProblemMatrix,
  method: TestBasedReward,
  options: AccuracyCurveOptions = {},
): AccuracyCurve {
  const capacity = item.tests.length;
  const draws = options.draws ?? 16;
  const counts = measuredCounts(capacity);
  const sums = new Float64Array(counts.length);
  const random = createRandom(`${options.seed ?? 0}/${item.problem.id}/${method.name}`);
  for (let draw = 0; draw < draws; draw++) {
    const order = testOrder(item, random);
    counts.forEach((count, index) => {
      sums[index]! += pickAccuracy(item, method, order.slice(0, count));
    });
  }
  const curve = new Float64Array(capacity + 1);
  for (let index = 0; index < counts.length; index++) {
    const at = counts[index]!;
    const value = sums[index]! / draws;
    curve[at] = value;
    if (index === 0) continue;
    const from = counts[index - 1]!;
    const start = curve[from]!;
    for (let k = from + 1; k < at; k++)
      curve[k] = start + ((value - start) * (k - from)) / (at - from);
  }
  return curve;
}

/** How much a problem of a given difficulty gains from tests, learnt from other problems. */
export interface GainModel {
  /**
   * Expected pass@1 gained (0..1) with k = 0 .. `capacity` tests over none, for a problem of this
   * difficulty.
   */
  gains(difficulty: number, capacity: number): Float64Array;
}

/** A training problem of a {@link GainModel}: its difficulty and measured curve. */
export interface GainExample {
  difficulty: number;
  curve: AccuracyCurve;
}

/**
 * Fits the gain as a function of difficulty and test count. The gain of the k-th test is a
 * Gaussian-kernel average (bandwidth 0.1 in pass rate by default) of that step's gain in the
 * training problems that have at least k tests, shrunk toward none by a pseudo-weight
 * (`shrinkage`, 2 by default) so steps few similar problems vouch for count little. Gains add
 * up over the steps; with no training problem, nothing gains.
 *
 * A problem of difficulty 0 or 1 (every candidate wrong, or every one right) gains nothing from
 * any test, and such problems say nothing about the others: a pick among candidates that are all
 * alike cannot change, so averaging their flat curves into a nearby difficulty would only hide
 * what tests do there.
 */
export function fitGainModel(
  examples: readonly GainExample[],
  options: { bandwidth?: number; shrinkage?: number } = {},
): GainModel {
  const bandwidth = options.bandwidth ?? 0.1;
  const shrinkage = options.shrinkage ?? 2;
  const informative = examples.filter(({ difficulty }) => !settled(difficulty));
  return {
    gains(difficulty, capacity) {
      const gains = new Float64Array(capacity + 1);
      if (settled(difficulty)) return gains;
      const weights = informative.map(({ difficulty: other }) =>
        Math.exp(-((difficulty - other) ** 2) / (2 * bandwidth * bandwidth)),
      );
      for (let k = 1; k <= capacity; k++) {
        let weighted = 0;
        let total = 0;
        for (const [index, { curve }] of informative.entries()) {
          if (curve.length <= k || weights[index]! < 1e-12) continue;
          weighted += weights[index]! * (curve[k]! - curve[k - 1]!);
          total += weights[index]!;
        }
        // Each step's gain shrinks toward none as the evidence for it thins out.
        gains[k] = gains[k - 1]! + weighted / (total + shrinkage);
      }
      return gains;
    },
  };
}

/** Whether a difficulty says every candidate is wrong, or every one right. */
function settled(difficulty: number): boolean {
  return difficulty <= 0 || difficulty >= 1;
}
