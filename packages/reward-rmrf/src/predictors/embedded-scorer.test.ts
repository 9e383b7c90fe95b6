import type { UnitTest } from "@coderm/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createEmbeddedTestScorer,
  loadEmbeddedPredictor,
  shippedEmbeddedModelPath,
} from "./embedded-scorer.js";
import type { EmbeddedModel } from "./model-file.js";
import { readEmbeddedModel } from "./model-file.js";
import { type TrainingRow, trainEmbeddedModel } from "./train.js";

const focalCode = `def add(a, b):
    return a + b


def clamp(x, low, high):
    if x < low:
        return low
    if x > high:
        return high
    return x
`;
const existingTests = "def test_add():\n    assert add(1, 2) == 3\n";

/** Synthetic rows: tests of clamp raise coverage, tests of an unknown name do not run. */
function syntheticRows(): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (let index = 0; index < 90; index++) {
    const kind = index % 3;
    const testCode =
      kind === 0
        ? `def test_clamp_${index}():\n    assert clamp(${index}, 0, 10) == ${Math.min(index, 10)}\n`
        : kind === 1
          ? `def test_add_${index}():\n    assert add(${index}, 1) == ${index + 1}\n`
          : `def test_missing_${index}():\n    assert missing_${index}(${index}) == 1\n`;
    rows.push({
      language: "python",
      focalCode,
      existingTests,
      testCode,
      labels: {
        // a few flaky ones: ml-cart never makes a perfect first split
        runs: kind !== 2 && index % 11 !== 1,
        coverageGain: kind === 0,
        mutationGain: kind === 0 && index % 2 === 0,
      },
      group: `problem-${index % 9}`,
    });
  }
  return rows;
}

const test = (id: string, code: string): UnitTest => ({ id, problemId: "p", kind: "assert", code });

let model: EmbeddedModel;
beforeAll(async () => {
  model = await trainEmbeddedModel(syntheticRows(), {
    seed: 3,
    trees: 8,
    maxDepth: 4,
    minLeafRows: 2,
  });
});

describe("embedded test scorer", () => {
  it("trains deterministically given the seed", async () => {
    const again = await trainEmbeddedModel(syntheticRows(), {
      seed: 3,
      trees: 8,
      maxDepth: 4,
      minLeafRows: 2,
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
    expect(model.trainedOn.calibration.python!.rows).toBeGreaterThan(0);
    expect(model.trainedOn.training.python!.rows + model.trainedOn.calibration.python!.rows).toBe(
      90,
    );
  });

  it("scores tests in order, deterministically, with gains never above runs", async () => {
    const tests = [
      test("clamp", "assert clamp(50, 0, 10) == 10"),
      test("add", "assert add(2, 2) == 4"),
      test("missing", "assert nowhere(3) == 1"),
    ];
    const scorer = createEmbeddedTestScorer({ model });
    expect(scorer.name).toBe("embedded");
    const scores = await scorer.score({ focalCode, existingTests, tests });
    expect(scores).toHaveLength(3);
    expect(
      await createEmbeddedTestScorer({ model }).score({ focalCode, existingTests, tests }),
    ).toEqual(scores);
    for (const score of scores) {
      for (const value of [score.runs, score.coverageGain, score.mutationGain]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(score.coverageGain).toBeLessThanOrEqual(score.runs);
      expect(score.mutationGain).toBeLessThanOrEqual(score.runs);
    }
    const [clamp, add, missing] = scores as [
      (typeof scores)[0],
      (typeof scores)[0],
      (typeof scores)[0],
    ];
    expect(missing.runs).toBeLessThan(add.runs);
    expect(clamp.coverageGain).toBeGreaterThan(add.coverageGain);
  });

  it("decides with the model's thresholds", async () => {
    const predictor = await loadEmbeddedPredictor(model);
    const [score] = predictor.scoreTexts([
      { language: "python", focalCode, existingTests, testCode: "assert nowhere(3) == 1" },
    ]);
    expect(predictor.decide(score!, "python").runs).toBe(
      score!.runs >= (model.languageThresholds.python ?? model.thresholds).runs,
    );
  });

  it("refuses a language the model was not trained on", async () => {
    const scorer = createEmbeddedTestScorer({ model, language: "go" });
    await expect(
      scorer.score({ focalCode, existingTests, tests: [test("t", "x")] }),
    ).rejects.toThrow(/not trained on go/);
  });

  it("loads the shipped model by default and scores Python, Java and Go", async () => {
    const shipped = await readEmbeddedModel(shippedEmbeddedModelPath());
    expect(shipped.languages).toEqual(expect.arrayContaining(["python", "java", "go"]));
    const scores = await createEmbeddedTestScorer().score({
      focalCode,
      existingTests,
      tests: [
        test("clamp", "assert clamp(50, 0, 10) == 10"),
        test("missing", "assert nowhere(3) == 1"),
      ],
    });
    expect(scores).toHaveLength(2);
    for (const score of scores) expect(score.coverageGain).toBeLessThanOrEqual(score.runs);
    const java = await createEmbeddedTestScorer({ language: "java" }).score({
      focalCode: "class A { int f() { return 1; } }",
      existingTests: "",
      tests: [test("j", "class ATest { @Test void f() { assertEquals(1, new A().f()); } }")],
    });
    expect(java[0]!.runs).toBeGreaterThan(0);
  });
});
