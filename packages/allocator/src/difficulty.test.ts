import type { ProblemMatrix } from "@coderm/core";
import { type Candidate, PassMatrix, type UnitTest } from "@coderm/core";
import { describe, expect, it } from "vitest";
import {
  createOracleDifficulty,
  createPredictedDifficulty,
  createUniformDifficulty,
  difficultyFeatureNames,
  difficultyFeatures,
  fitRidge,
} from "./difficulty.js";

interface MatrixSpec {
  id: string;
  prompt?: string;
  /** Candidate program ids, one per row (repeats are duplicate samples). */
  programs: string[];
  /** One string per row, one character per test: `P` pass, `F` fail, `E` error. */
  rows: string[];
  correct: boolean[];
}

/** A hand-built executed problem. */
function problemMatrix(spec: MatrixSpec): ProblemMatrix {
  const columns = spec.rows[0]?.length ?? 0;
  const tests: UnitTest[] = Array.from({ length: columns }, (_, column) => ({
    id: `${spec.id}:t${column}`,
    problemId: spec.id,
    kind: "assert",
    code: `assert f(${column}) == ${column}`,
  }));
  const candidates: Candidate[] = spec.programs.map((program) => ({
    id: `${spec.id}:${program}`,
    problemId: spec.id,
    code: `def f(x):\n    return ${program}\n`,
  }));
  const matrix = new PassMatrix(
    spec.id,
    candidates.map((candidate) => candidate.id),
    tests.map((test) => test.id),
  );
  const statuses = { P: "pass", F: "fail", E: "error" } as const;
  spec.rows.forEach((row, index) => {
    [...row].forEach((cell, column) => {
      matrix.set(index, column, statuses[cell as keyof typeof statuses]);
    });
  });
  return {
    problem: {
      id: spec.id,
      prompt: spec.prompt ?? "def f(x):\n",
      entryPoint: "f",
      language: "python",
    },
    candidates,
    tests,
    matrix,
    correct: spec.correct,
  };
}

/** Four samples of the same program, `correctCount` of them marked correct; no tests. */
function sameCandidates(id: string, prompt: string, correctCount: number): ProblemMatrix {
  return problemMatrix({
    id,
    prompt,
    programs: ["x", "x", "x", "x"],
    rows: ["", "", "", ""],
    correct: [0, 1, 2, 3].map((row) => row < correctCount),
  });
}

/** Six problems with differing candidates and verdicts. */
function varied(): ProblemMatrix[] {
  return [
    problemMatrix({
      id: "p0",
      prompt: "def f(x):\n    >>> f(1)\n",
      programs: ["a", "a", "b"],
      rows: ["PPF", "PPF", "FFF"],
      correct: [true, true, false],
    }),
    problemMatrix({
      id: "p1",
      programs: ["a", "b", "c"],
      rows: ["PFP", "FFF", "PEP"],
      correct: [false, false, true],
    }),
    problemMatrix({
      id: "p2",
      prompt: "def f(x, y):\n    Example: f(1, 2)\n",
      programs: ["a", "b"],
      rows: ["PP", "FP"],
      correct: [true, false],
    }),
    problemMatrix({
      id: "p3",
      programs: ["a", "a", "a", "b"],
      rows: ["PPPP", "PPPP", "PPPP", "EEEE"],
      correct: [true, true, true, false],
    }),
    problemMatrix({
      id: "p4",
      prompt: "def f(x):\n    a much longer prompt that describes the problem at length\n",
      programs: ["a", "b", "c", "d"],
      rows: ["F", "F", "P", "F"],
      correct: [false, false, false, false],
    }),
    problemMatrix({
      id: "p5",
      programs: ["a", "b"],
      rows: ["PF", "FP"],
      correct: [true, false],
    }),
  ];
}

const featureIndex = (name: (typeof difficultyFeatureNames)[number]) =>
  difficultyFeatureNames.indexOf(name);

describe("fitRidge", () => {
  it("recovers a known linear relation with a small penalty", () => {
    const rows: number[][] = [];
    const targets: number[] = [];
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        const x1 = i * 0.7 - 1;
        const x2 = (j * j) / 3 + i * 0.1;
        rows.push([x1, x2]);
        targets.push(0.3 + 0.2 * x1 - 0.1 * x2);
      }
    const predict = fitRidge(rows, targets, 1e-6);
    for (const [x1, x2] of [
      [0, 0],
      [1, 2],
      [-2, 5],
      [3, -1],
    ] as const)
      expect(Math.abs(predict([x1, x2]) - (0.3 + 0.2 * x1 - 0.1 * x2))).toBeLessThan(1e-2);
  });

  it("shrinks toward the mean under a large penalty", () => {
    const rows = [[0], [1], [2], [3]];
    const targets = [0, 1, 2, 3];
    const weak = fitRidge(rows, targets, 1e-6);
    const strong = fitRidge(rows, targets, 1e6);
    expect(weak([10])).toBeCloseTo(10, 3);
    expect(strong([10])).toBeCloseTo(1.5, 2);
  });

  it("ignores a constant feature and predicts 0.5 without training rows", () => {
    const predict = fitRidge(
      [
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      [0.1, 0.2, 0.3],
      1e-6,
    );
    expect(predict([1, 3])).toBeCloseTo(0.4, 4);
    expect(predict([5, 3])).toBeCloseTo(0.4, 4);
    expect(fitRidge([], [], 1)([1, 2, 3])).toBe(0.5);
  });
});

describe("difficultyFeatures", () => {
  it("returns one value per feature name", () => {
    for (const item of varied()) {
      const features = difficultyFeatures(item, [0]);
      expect(features).toHaveLength(difficultyFeatureNames.length);
      expect(features.every(Number.isFinite)).toBe(true);
    }
  });

  it("reads the first-round pass rate, all-pass share and error share from the probe columns", () => {
    const item = problemMatrix({
      id: "probe",
      programs: ["a", "b"],
      rows: ["PP", "PE"],
      correct: [true, false],
    });
    const passRateAt = featureIndex("first-round pass rate");
    expect(difficultyFeatures(item, [0])[passRateAt]).toBe(1);
    expect(difficultyFeatures(item, [1])[passRateAt]).toBe(0.5);
    expect(difficultyFeatures(item, [0, 1])[passRateAt]).toBe(0.75);
    expect(difficultyFeatures(item, [])[passRateAt]).toBe(0);
    expect(difficultyFeatures(item, [0, 1])[featureIndex("first-round all-pass share")]).toBe(0.5);
    expect(difficultyFeatures(item, [0, 1])[featureIndex("first-round error share")]).toBe(0.25);
    expect(difficultyFeatures(item, [0])[featureIndex("first-round agreement")]).toBe(1);
    expect(difficultyFeatures(item, [1])[featureIndex("first-round agreement")]).toBe(0.5);
  });

  it("reads the prompt's examples and parameters and the candidates' agreement", () => {
    const item = problemMatrix({
      id: "text",
      prompt: "def f(a, b, c):\n    >>> f(1, 2, 3)\n    >>> f(0, 0, 0)\n    Example: 1\n",
      programs: ["a", "a", "a", "b"],
      rows: ["P", "P", "P", "F"],
      correct: [true, true, true, false],
    });
    const features = difficultyFeatures(item, [0]);
    expect(features[featureIndex("docstring examples")]).toBe(3);
    expect(features[featureIndex("parameters")]).toBe(3);
    expect(features[featureIndex("top program share")]).toBe(0.75);
    expect(features[featureIndex("distinct program share")]).toBe(0.5);
    expect(features[featureIndex("log prompt length")]).toBeCloseTo(
      Math.log1p(item.problem.prompt.length),
      12,
    );
  });
});

describe("createOracleDifficulty", () => {
  it("returns each problem's share of correct candidates", () => {
    const problems = varied();
    const estimates = createOracleDifficulty().estimate(problems, {
      folds: problems.map(() => 0),
      probes: problems.map(() => []),
    });
    expect(estimates).toEqual([2 / 3, 1 / 3, 1 / 2, 3 / 4, 0, 1 / 2]);
  });
});

describe("createUniformDifficulty", () => {
  it("gives each problem the mean pass rate of the other folds' problems", () => {
    const problems = varied();
    const folds = [0, 1, 0, 1, 0, 1];
    const estimates = createUniformDifficulty().estimate(problems, {
      folds,
      probes: problems.map(() => []),
    });
    const foldOneMean = (1 / 3 + 3 / 4 + 1 / 2) / 3;
    const foldZeroMean = (2 / 3 + 1 / 2 + 0) / 3;
    for (const [index, fold] of folds.entries())
      expect(estimates[index]).toBeCloseTo(fold === 0 ? foldOneMean : foldZeroMean, 12);
  });

  it("falls back to 0.5 with a single fold", () => {
    const problems = varied();
    const estimates = createUniformDifficulty().estimate(problems, {
      folds: problems.map(() => 0),
      probes: problems.map(() => []),
    });
    expect(estimates).toEqual(problems.map(() => 0.5));
  });
});

describe("createPredictedDifficulty", () => {
  const context = (problems: readonly ProblemMatrix[]) => ({
    folds: problems.map((_, index) => index % 2),
    probes: problems.map(() => [0]),
  });

  it("never uses a problem's own label", () => {
    const problems = varied();
    const before = createPredictedDifficulty().estimate(problems, context(problems));
    const changed = varied();
    // p0 is in fold 0: flip its labels.
    changed[0] = { ...changed[0]!, correct: [false, false, true] };
    const after = createPredictedDifficulty().estimate(changed, context(changed));
    expect(after[0]).toBe(before[0]);
    // Its fold-mates are trained on fold 1 only, so they do not move either.
    expect(after[2]).toBe(before[2]);
    expect(after[4]).toBe(before[4]);
    // Fold 1's estimates learn from p0's label.
    expect([1, 3, 5].some((index) => after[index] !== before[index])).toBe(true);
  });

  it("clips estimates to [0, 1]", () => {
    const padding = (length: number) => `def f(x):\n${"#".repeat(length)}`;
    // Pass rate rises with the log prompt length in fold 0; fold 1 extrapolates far both ways.
    const problems = [
      sameCandidates("short", padding(10), 1),
      sameCandidates("medium", padding(45), 2),
      sameCandidates("long", padding(140), 3),
      sameCandidates("huge", padding(20000), 2),
      sameCandidates("tiny", "", 2),
    ];
    const estimates = createPredictedDifficulty({ ridge: 0.01 }).estimate(problems, {
      folds: [0, 0, 0, 1, 1],
      probes: problems.map(() => []),
    });
    expect(estimates[3]).toBe(1);
    expect(estimates[4]).toBe(0);
    for (const estimate of estimates) {
      expect(estimate).toBeGreaterThanOrEqual(0);
      expect(estimate).toBeLessThanOrEqual(1);
    }
  });

  it("predicts the training mean when features carry no signal", () => {
    const problems = [
      sameCandidates("a", "def f(x):\n", 1),
      sameCandidates("b", "def f(x):\n", 3),
      sameCandidates("c", "def f(x):\n", 2),
      sameCandidates("d", "def f(x):\n", 4),
    ];
    const estimates = createPredictedDifficulty().estimate(problems, {
      folds: [0, 0, 1, 1],
      probes: problems.map(() => []),
    });
    expect(estimates[0]).toBeCloseTo(0.75, 12);
    expect(estimates[1]).toBeCloseTo(0.75, 12);
    expect(estimates[2]).toBeCloseTo(0.5, 12);
    expect(estimates[3]).toBeCloseTo(0.5, 12);
  });
});
