import { CodermError } from "./errors.js";
import { createRandom } from "./random.js";

/**
 * The unbiased pass@k estimator of Chen et al. (2021): the probability that at least one of k
 * samples drawn without replacement from n, of which c are correct, is correct. Computed as a
 * stable product, never with large binomials.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (
    !(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) ||
    n < 0 ||
    c < 0 ||
    c > n ||
    k < 1
  ) {
    throw new CodermError(
      "invalid-input",
      `pass@k needs integers 0 <= c <= n and k >= 1 (got n=${n}, c=${c}, k=${k})`,
    );
  }
  if (k > n)
    throw new CodermError("invalid-input", `pass@${k} needs at least ${k} samples (got ${n})`);
  if (n - c < k) return 1;
  let failAll = 1;
  for (let i = n - c + 1; i <= n; i++) failAll *= 1 - k / i;
  return 1 - failAll;
}

/** A point estimate with a confidence interval. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Two-sided confidence level, 0.95 by default. */
  confidence?: number;
  /** Number of bootstrap resamples, 2000 by default. */
  resamples?: number;
  /** Seed of the resampling, so intervals are reproducible. */
  seed?: number | string;
}

/**
 * The mean of `values` with a percentile bootstrap confidence interval (resampling the values
 * with replacement). With fewer than two values the interval collapses to the mean.
 */
export function bootstrapInterval(
  values: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  const { confidence = 0.95, resamples = 2000, seed = 0 } = options;
  if (!(confidence > 0 && confidence < 1))
    throw new CodermError("invalid-input", `confidence must be in (0, 1), got ${confidence}`);
  const mean = average(values);
  if (values.length < 2) return { mean, low: mean, high: mean };
  const random = createRandom(seed);
  const means = new Float64Array(resamples);
  for (let resample = 0; resample < resamples; resample++) {
    let total = 0;
    for (let draw = 0; draw < values.length; draw++) total += values[random.int(values.length)]!;
    means[resample] = total / values.length;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  return { mean, low: quantile(means, tail), high: quantile(means, 1 - tail) };
}

/** The arithmetic mean (0 for no values). */
export function average(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let total = 0;
  for (const value of values) total += value;
  return total / values.length;
}

function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
