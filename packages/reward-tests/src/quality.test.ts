import { PassMatrix } from "@coderm/core";
import { describe, expect, it } from "vitest";
import {
  addCombinedTestCounts,
  addSingleTestCounts,
  emptyConfusion,
  testQuality,
} from "./quality.js";

function matrix(rows: string[]): PassMatrix {
  const result = new PassMatrix(
    "p",
    rows.map((_, index) => `c${index}`),
    Array.from({ length: rows[0]!.length }, (_, index) => `t${index}`),
  );
  for (const [row, text] of rows.entries()) {
    for (const [column, cell] of [...text].entries())
      result.set(row, column, cell === "1" ? "pass" : "fail");
  }
  return result;
}

describe("test quality", () => {
  it("counts single tests and the combined suite as classifiers", () => {
    // Rows 0, 1 correct; rows 2, 3 wrong. Test 0 accepts 0, 1, 2; test 1 accepts 0 and 3.
    const example = matrix(["11", "10", "10", "01"]);
    const correct = [true, true, false, false];
    const single = emptyConfusion();
    addSingleTestCounts(single, example, correct);
    expect(single).toEqual({
      truePositives: 3,
      falsePositives: 2,
      falseNegatives: 1,
      trueNegatives: 2,
    });
    expect(testQuality(single)).toEqual({
      accuracy: 62.5,
      f1: (100 * 6) / 9,
      falseAcceptanceRate: 50,
      falseRejectionRate: 25,
    });
    const combined = emptyConfusion();
    addCombinedTestCounts(combined, example, correct);
    expect(combined).toEqual({
      truePositives: 1,
      falsePositives: 0,
      falseNegatives: 1,
      trueNegatives: 2,
    });
  });

  it("reports undefined rates as null", () => {
    expect(testQuality(emptyConfusion())).toEqual({
      accuracy: null,
      f1: null,
      falseAcceptanceRate: null,
      falseRejectionRate: null,
    });
  });
});
