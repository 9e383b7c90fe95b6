import { createRandom } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { calibrate, fitIsotonicRegression, fitPlattScaling } from "./calibration.js";

describe("calibration", () => {
  it("Platt scaling recovers a known logistic curve of the logit", () => {
    // labels drawn from P(y) = sigmoid(2·logit(s) - 1)
    const random = createRandom(7);
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (let index = 0; index < 20000; index++) {
      const score = 0.02 + 0.96 * random.next();
      const logit = Math.log(score / (1 - score));
      scores.push(score);
      labels.push(random.next() < 1 / (1 + Math.exp(-(2 * logit - 1))));
    }
    const calibrator = fitPlattScaling(scores, labels);
    expect(calibrator.kind).toBe("platt");
    if (calibrator.kind !== "platt") return;
    expect(calibrator.slope).toBeCloseTo(2, 0);
    expect(calibrator.intercept).toBeCloseTo(-1, 0);
    expect(calibrate(calibrator, 0.5)).toBeCloseTo(1 / (1 + Math.exp(1)), 1);
  });

  it("Platt scaling stays finite on separable or one-class sets and never reverses the order", () => {
    const separable = fitPlattScaling([0.1, 0.2, 0.8, 0.9], [false, false, true, true]);
    expect(calibrate(separable, 0.9)).toBeLessThan(1);
    expect(calibrate(separable, 0.9)).toBeGreaterThan(calibrate(separable, 0.1));
    const negatives = fitPlattScaling([0.2, 0.7], [false, false]);
    expect(calibrate(negatives, 0.7)).toBeGreaterThan(0);
    // higher scores here are negatives: the fit keeps the base rate (with Platt's smoothing)
    const reversed = fitPlattScaling([0.1, 0.2, 0.8, 0.9], [true, true, false, false]);
    expect(reversed).toMatchObject({ kind: "platt", slope: 0 });
    expect(calibrate(reversed, 0.1)).toBeCloseTo(0.5);
  });

  it("isotonic regression pools adjacent violators and interpolates", () => {
    const calibrator = fitIsotonicRegression(
      [0.1, 0.2, 0.3, 0.4, 0.5],
      [false, true, false, true, true],
    );
    // 0.2 (1) and 0.3 (0) violate and pool to 0.5 at score 0.25
    expect(calibrator).toEqual({
      kind: "isotonic",
      scores: [0.1, 0.25, 0.45],
      values: [0, 0.5, 1],
    });
    expect(calibrate(calibrator, 0.05)).toBe(0);
    expect(calibrate(calibrator, 0.35)).toBeCloseTo(0.75);
    expect(calibrate(calibrator, 0.9)).toBe(1);
  });
});
