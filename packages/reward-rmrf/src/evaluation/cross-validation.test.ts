import { describe, expect, it } from "vitest";
import type { TrainingRow } from "../predictors/train.js";
import { crossValidateEmbeddedModel } from "./cross-validation.js";
import { evaluateTestScores } from "./metrics.js";

const focalCode =
  "def add(a, b):\n    return a + b\n\n\ndef sign(x):\n    if x < 0:\n        return -1\n    return 1\n";

function rows(): TrainingRow[] {
  return Array.from({ length: 48 }, (_, index) => {
    const broken = index % 3 === 2;
    const labels = {
      runs: !broken && index % 7 !== 0,
      coverageGain: index % 3 === 0 && index % 7 !== 0,
      mutationGain: index % 6 === 0 && index % 7 !== 0,
    };
    return {
      language: "python" as const,
      focalCode,
      existingTests: "assert add(1, 1) == 2\n",
      testCode: broken
        ? `assert nothing_${index}(${index}) == 0\n`
        : index % 3 === 0
          ? `assert sign(${-index}) == -1\n`
          : `assert add(${index}, 0) == ${index}\n`,
      labels,
      group: `problem-${index % 8}`,
    };
  });
}

describe("cross-validation", () => {
  it("scores every row with a model that never saw its group", async () => {
    const data = rows();
    const result = await crossValidateEmbeddedModel(data, {
      seed: 5,
      folds: 3,
      trees: 4,
      maxDepth: 3,
      minLeafRows: 2,
    });
    expect(result.predictions).toHaveLength(data.length);
    expect(result.thresholds).toHaveLength(data.length);
    for (let index = 0; index < data.length; index++) {
      const sameGroup = data.flatMap((row, other) =>
        row.group === data[index]!.group ? [other] : [],
      );
      for (const other of sameGroup) expect(result.folds[other]).toBe(result.folds[index]);
    }
    expect(new Set(result.folds).size).toBe(3);
    const report = evaluateTestScores(
      result.predictions,
      data.map((row) => row.labels),
      result.thresholds,
    );
    expect(report.targets.runs.auroc).toBeGreaterThan(0.7);
  });
});
