import { describe, expect, it } from "vitest";
import {
  auroc,
  averageRanks,
  brierScore,
  classificationMetrics,
  evaluateTestScores,
  expectedCalibrationError,
  spearman,
} from "./metrics.js";

describe("metrics", () => {
  it("gives positive-class precision, recall and F1", () => {
    // TP 2, FP 1, FN 1
    expect(
      classificationMetrics([true, true, true, false, false], [true, true, false, true, false]),
    ).toEqual({
      precision: 2 / 3,
      recall: 2 / 3,
      f1: 2 / 3,
    });
    expect(classificationMetrics([false, false], [true, false])).toEqual({
      precision: 0,
      recall: 0,
      f1: 0,
    });
  });

  it("ranks ties by their average rank", () => {
    expect(averageRanks([10, 20, 10, 30])).toEqual([1.5, 3, 1.5, 4]);
  });

  it("computes AUROC with ties counting one half", () => {
    // pairs (pos, neg): (0.8,0.1) 1, (0.8,0.4) 1, (0.4,0.1) 1, (0.4,0.4) 0.5 -> 3.5 / 4
    expect(auroc([0.8, 0.4, 0.1, 0.4], [true, true, false, false])).toBeCloseTo(0.875);
    expect(auroc([0.1, 0.9], [false, true])).toBe(1);
    expect(auroc([0.3, 0.2], [true, true])).toBeNaN();
  });

  it("computes Spearman's rho on average ranks", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    // ranks [1,2,3.5,3.5] and [1,3,2,4]: covariance 3 over sqrt(4.5 * 5)
    expect(spearman([1, 2, 3, 3], [1, 3, 2, 4])).toBeCloseTo(3 / Math.sqrt(4.5 * 5));
    expect(spearman([1, 1], [1, 2])).toBeNaN();
  });

  it("computes the Brier score and the expected calibration error", () => {
    expect(brierScore([1, 0, 0.5], [true, true, false])).toBeCloseTo((0 + 1 + 0.25) / 3);
    // bin [0.2,0.3): mean 0.2, 1 of 2 positive -> |0.4-1|/4; bin [0.9,1]: mean 0.95, 2 of 2 -> 0.1/4
    expect(expectedCalibrationError([0.2, 0.2, 0.9, 1], [true, false, true, true])).toBeCloseTo(
      (0.6 + 0.1) / 4,
    );
  });

  it("reports every target, the macro F1 and the always-yes floor", () => {
    const report = evaluateTestScores(
      [
        { runs: 0.9, coverageGain: 0.8, mutationGain: 0.1 },
        { runs: 0.8, coverageGain: 0.2, mutationGain: 0.6 },
        { runs: 0.3, coverageGain: 0.1, mutationGain: 0.1 },
        { runs: 0.7, coverageGain: 0.6, mutationGain: 0.2 },
      ],
      [
        {
          runs: true,
          coverageGain: true,
          mutationGain: false,
          coverageDelta: 0.2,
          mutationDelta: 0,
        },
        {
          runs: true,
          coverageGain: false,
          mutationGain: true,
          coverageDelta: 0,
          mutationDelta: 0.1,
        },
        {
          runs: false,
          coverageGain: false,
          mutationGain: false,
          coverageDelta: 0,
          mutationDelta: 0,
        },
        {
          runs: false,
          coverageGain: false,
          mutationGain: false,
          coverageDelta: 0,
          mutationDelta: 0,
        },
      ],
    );
    expect(report.count).toBe(4);
    // runs: yes on 3 (2 right), 2 positives -> P 2/3, R 1, F1 0.8; floor P 0.5, R 1 -> 2/3
    expect(report.targets.runs.f1).toBeCloseTo(0.8);
    expect(report.targets.runs.floor.f1).toBeCloseTo(2 / 3);
    expect(report.targets.runs.auroc).toBeCloseTo(1);
    expect(report.targets.runs.spearman).toBeUndefined();
    // coverage: yes on 2 (1 right), 1 positive -> P 0.5, R 1, F1 2/3; floor P 1/4 -> 0.4
    expect(report.targets.coverageGain.f1).toBeCloseTo(2 / 3);
    expect(report.targets.coverageGain.floor.f1).toBeCloseTo(0.4);
    expect(report.targets.mutationGain.f1).toBeCloseTo(1);
    expect(report.macroF1).toBeCloseTo((0.8 + 2 / 3 + 1) / 3);
    expect(report.floorMacroF1).toBeCloseTo((2 / 3 + 0.4 + 0.4) / 3);
    expect(report.targets.coverageGain.spearman).toBeGreaterThan(0);
  });

  it("takes a threshold per target or per row", () => {
    const predictions = [
      { runs: 0.3, coverageGain: 0.3, mutationGain: 0.3 },
      { runs: 0.1, coverageGain: 0.1, mutationGain: 0.1 },
    ];
    const truths = [
      { runs: true, coverageGain: true, mutationGain: true },
      { runs: false, coverageGain: false, mutationGain: false },
    ];
    expect(evaluateTestScores(predictions, truths).targets.runs.f1).toBe(0);
    const perTarget = evaluateTestScores(predictions, truths, { runs: 0.2 });
    expect(perTarget.targets.runs.f1).toBe(1);
    expect(perTarget.targets.coverageGain.threshold).toBe(0.5);
    const perRow = evaluateTestScores(predictions, truths, [{ runs: 0.2 }, { runs: 0.05 }]);
    expect(perRow.targets.runs.predictedPositives).toBe(2);
    expect(perRow.targets.runs.threshold).toBeCloseTo(0.125);
    expect(() => evaluateTestScores(predictions, truths.slice(1))).toThrow(/differ in length/);
  });
});
