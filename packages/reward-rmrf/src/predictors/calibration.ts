import { z } from "zod";

/**
 * A map from a model's raw probability to a calibrated one: Platt scaling (a logistic curve on
 * the raw probability's logit) or isotonic regression (a non-decreasing piecewise-linear curve
 * through the points in `scores`/`values`).
 */
export const calibratorSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("platt"), slope: z.number(), intercept: z.number() }).strict(),
  z
    .object({
      kind: z.literal("isotonic"),
      scores: z.array(z.number()).min(1),
      values: z.array(z.number().min(0).max(1)).min(1),
    })
    .strict(),
]);
/** A calibration map (see {@link calibratorSchema}). */
export type Calibrator = z.infer<typeof calibratorSchema>;

const epsilon = 1e-4;

function logit(probability: number): number {
  const clipped = Math.min(1 - epsilon, Math.max(epsilon, probability));
  return Math.log(clipped / (1 - clipped));
}

/** The calibrated probability of a raw one. */
export function calibrate(calibrator: Calibrator, score: number): number {
  if (calibrator.kind === "platt")
    return 1 / (1 + Math.exp(-(calibrator.slope * logit(score) + calibrator.intercept)));
  const { scores, values } = calibrator;
  if (score <= scores[0]!) return values[0]!;
  if (score >= scores[scores.length - 1]!) return values[values.length - 1]!;
  let low = 0;
  let high = scores.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (scores[middle]! <= score) low = middle;
    else high = middle;
  }
  const span = scores[high]! - scores[low]!;
  const weight = span === 0 ? 0 : (score - scores[low]!) / span;
  return values[low]! + weight * (values[high]! - values[low]!);
}

/**
 * Platt scaling fitted by Newton's method on the logit of the raw probabilities, with Platt's
 * smoothed targets ((N+ + 1)/(N+ + 2) for a positive, 1/(N- + 2) for a negative), so a
 * calibration set with one class, or one the raw scores separate perfectly, still gives a finite
 * curve. The slope is kept at or above 0: a fit that would reverse the model's order becomes the
 * calibration rows' base rate.
 */
export function fitPlattScaling(scores: readonly number[], labels: readonly boolean[]): Calibrator {
  const inputs = scores.map(logit);
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const high = (positives + 1) / (positives + 2);
  const low = 1 / (negatives + 2);
  const targets = labels.map((label) => (label ? high : low));
  let slope = 1;
  let intercept = Math.log((positives + 1) / (negatives + 1));
  const loss = (a: number, b: number) => {
    let total = 0;
    for (let index = 0; index < inputs.length; index++) {
      const f = a * inputs[index]! + b;
      // -[t log p + (1-t) log(1-p)] with p = sigmoid(f), written stably
      total += Math.max(f, 0) - f * targets[index]! + Math.log1p(Math.exp(-Math.abs(f)));
    }
    return total;
  };
  let current = loss(slope, intercept);
  for (let iteration = 0; iteration < 100; iteration++) {
    let gradientA = 0;
    let gradientB = 0;
    let hessianAA = 1e-9;
    let hessianAB = 0;
    let hessianBB = 1e-9;
    for (let index = 0; index < inputs.length; index++) {
      const x = inputs[index]!;
      const p = 1 / (1 + Math.exp(-(slope * x + intercept)));
      const residual = p - targets[index]!;
      const weight = p * (1 - p);
      gradientA += residual * x;
      gradientB += residual;
      hessianAA += weight * x * x;
      hessianAB += weight * x;
      hessianBB += weight;
    }
    const determinant = hessianAA * hessianBB - hessianAB * hessianAB;
    if (!(Math.abs(determinant) > 0)) break;
    const stepA = (hessianBB * gradientA - hessianAB * gradientB) / determinant;
    const stepB = (hessianAA * gradientB - hessianAB * gradientA) / determinant;
    let size = 1;
    let next = loss(slope - stepA, intercept - stepB);
    while (next > current + 1e-12 && size > 1e-8) {
      size /= 2;
      next = loss(slope - size * stepA, intercept - size * stepB);
    }
    if (next > current + 1e-12) break;
    slope -= size * stepA;
    intercept -= size * stepB;
    const improvement = current - next;
    current = next;
    if (improvement < 1e-10) break;
  }
  if (slope < 0) {
    // a calibration map never reverses the model's order: a falling fit means the held-out rows
    // see no order in the scores, so keep their base rate alone
    return { kind: "platt", slope: 0, intercept: logit(average(targets)) };
  }
  return { kind: "platt", slope, intercept };
}

function average(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing fit of the labels in score
 * order, kept as one point per pooled block (its mean score and fraction positive) and
 * interpolated linearly between them.
 */
export function fitIsotonicRegression(
  scores: readonly number[],
  labels: readonly boolean[],
): Calibrator {
  const order = scores.map((_, index) => index).sort((a, b) => scores[a]! - scores[b]!);
  const blocks: { score: number; value: number; weight: number }[] = [];
  for (let position = 0; position < order.length; ) {
    // equal scores form one block from the start
    let end = position;
    let positives = 0;
    let scoreSum = 0;
    while (end < order.length && scores[order[end]!] === scores[order[position]!]) {
      positives += labels[order[end]!] ? 1 : 0;
      scoreSum += scores[order[end]!]!;
      end++;
    }
    const weight = end - position;
    blocks.push({ score: scoreSum / weight, value: positives / weight, weight });
    position = end;
    while (
      blocks.length > 1 &&
      blocks[blocks.length - 2]!.value >= blocks[blocks.length - 1]!.value
    ) {
      const last = blocks.pop()!;
      const previous = blocks.pop()!;
      const total = previous.weight + last.weight;
      blocks.push({
        score: (previous.score * previous.weight + last.score * last.weight) / total,
        value: (previous.value * previous.weight + last.value * last.weight) / total,
        weight: total,
      });
    }
  }
  if (blocks.length === 0) return { kind: "isotonic", scores: [0], values: [0.5] };
  return {
    kind: "isotonic",
    scores: blocks.map((block) => block.score),
    values: blocks.map((block) => block.value),
  };
}
