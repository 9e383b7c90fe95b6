import { describe, expect, it } from "vitest";
import { parseRmrfSample, rmrfSampleDeltas } from "../rmrf-sample.js";
import {
  type LabeledPair,
  labeledPairSchema,
  labeledPairs,
  pairToRmrfToml,
} from "./labeled-pair.js";
import type { UnitLabels } from "./labeler.js";

const labels: UnitLabels = {
  key: "humaneval:P/1",
  problemId: "P/1",
  executable: [1, 2, 3, 4, 5],
  mutants: ["m1", "m2", "m3", "m4"],
  existing: {
    covered: [1, 2],
    mutants: { m1: "killed", m2: "survived", m3: "no-coverage", m4: "survived" },
  },
  existingTests: ["e"],
  droppedExisting: [],
  tests: [
    {
      test: { kind: "assert", id: "good", problemId: "P/1", code: "assert f(2) == 3" },
      status: "pass",
      run: {
        covered: [1, 2, 4],
        mutants: { m1: "killed", m2: "timeout", m3: "incompetent", m4: "survived" },
      },
      deltas: {
        runsCorrectly: true,
        coverage: 0.2,
        mutation: 0.5,
        newlyCovered: [4],
        newlyKilled: ["m2", "m3"],
      },
    },
    {
      test: { kind: "assert", id: "bad", problemId: "P/1", code: "assert f(2) == 4" },
      status: "fail",
      errorType: "AssertionError",
      run: { covered: [], mutants: {} },
      deltas: { runsCorrectly: false, coverage: 0, mutation: 0, newlyCovered: [], newlyKilled: [] },
    },
  ],
};

function pairs(): LabeledPair[] {
  return labeledPairs(labels, {
    dataset: "humaneval",
    split: "train",
    origin: (id) => (id === "good" ? "codet" : "ground-truth"),
    focalCode: "def f(x):\n    return x + 1\n",
    existingTests: "assert f(1) == 2",
  });
}

describe("labeledPairs", () => {
  it("makes one schema-valid row a test, labels from the deltas", () => {
    const rows = pairs();
    expect(rows.map((row) => labeledPairSchema.parse(row))).toEqual(rows);
    expect(rows.map((row) => [row.id, row.origin, row.labels])).toEqual([
      ["humaneval:P/1:good", "codet", { runs: true, coverageGain: true, mutationGain: true }],
      [
        "humaneval:P/1:bad",
        "ground-truth",
        { runs: false, coverageGain: false, mutationGain: false },
      ],
    ]);
    expect(rows[1]!.errorType).toBe("AssertionError");
  });
});

describe("pairToRmrfToml", () => {
  it("writes RM-RF's sample format, which reads back to the same deltas", () => {
    for (const pair of pairs()) {
      const sample = parseRmrfSample(pairToRmrfToml(pair), "pair.toml");
      expect(sample.language).toBe("Python");
      expect(sample.correct).toBe(pair.labels.runs);
      expect(sample.targets).toEqual(pair.deltas);
      const recomputed = rmrfSampleDeltas(sample);
      expect([recomputed.coverage, recomputed.mutation]).toEqual([
        pair.deltas.coverage,
        pair.deltas.mutation,
      ]);
      // lines are 0-based there, as RM-RF stores coverage.py's
      expect(sample.existing.covered).toEqual([0, 1]);
      expect(sample.existing.missed).toEqual([2, 3, 4]);
    }
  });
});
