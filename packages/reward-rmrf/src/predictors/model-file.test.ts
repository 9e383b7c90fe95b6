import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { featureNames } from "./features.js";
import {
  type EmbeddedModel,
  parseEmbeddedModel,
  readEmbeddedModel,
  writeEmbeddedModel,
} from "./model-file.js";

function tinyModel(): EmbeddedModel {
  const stump = {
    trees: [
      [featureNames.indexOf("test_syntax_valid"), 1, 0.1, 0.9] as [number, number, number, number],
      0.5,
    ],
  };
  return {
    format: "coderm-rmrf-embedded",
    version: 1,
    featureNames: [...featureNames],
    languages: ["python"],
    trainedOn: {
      description: "a hand-made stump",
      training: { python: { rows: 2, runs: 1, coverageGain: 0, mutationGain: 0 } },
      calibration: { python: { rows: 2, runs: 1, coverageGain: 1, mutationGain: 0 } },
      seed: 1,
      trees: 2,
      maxDepth: 1,
      calibrationMethod: "platt",
    },
    bins: featureNames.map(() => [1]),
    calibration: {
      runs: { kind: "platt", slope: 1, intercept: 0 },
      coverageGivenRuns: { kind: "isotonic", scores: [0.1, 0.9], values: [0, 1] },
      mutationGivenRuns: { kind: "platt", slope: 0, intercept: -2 },
    },
    thresholds: { runs: 0.5, coverageGain: 0.3, mutationGain: 0.2 },
    languageThresholds: { python: { runs: 0.6, coverageGain: 0.3, mutationGain: 0.2 } },
    models: { runs: stump, coverageGivenRuns: stump, mutationGivenRuns: { trees: [0.2] } },
  };
}

const directory = await mkdtemp(join(tmpdir(), "coderm-model-file-"));
afterAll(() => rm(directory, { recursive: true, force: true }));

describe("embedded model file", () => {
  it("round-trips through a file", async () => {
    const file = join(directory, "model.json");
    await writeEmbeddedModel(file, tinyModel());
    expect(await readEmbeddedModel(file)).toEqual(tinyModel());
  });

  it("refuses another format or version, naming the file", async () => {
    const file = join(directory, "v2.json");
    await writeFile(file, JSON.stringify({ ...tinyModel(), version: 2 }));
    await expect(readEmbeddedModel(file)).rejects.toMatchObject({
      code: "unsupported",
      file,
      message: expect.stringMatching(/version 2 is not the version this package reads \(1\)/),
    });
    expect(() => parseEmbeddedModel({ format: "something-else", version: 1 })).toThrow(
      /not an embedded RM-RF model/,
    );
  });

  it("refuses a model trained on other features", () => {
    const model = tinyModel();
    const renamed = {
      ...model,
      featureNames: [...model.featureNames.slice(0, -1), "a_feature_of_old"],
    };
    expect(() => parseEmbeddedModel(renamed)).toThrow(
      new RegExp(`missing from the model: ${featureNames.at(-1)}; unknown here: a_feature_of_old`),
    );
    const reordered = { ...model, featureNames: [...model.featureNames].reverse() };
    expect(() => parseEmbeddedModel(reordered)).toThrow(/same names in another order/);
  });

  it("names the field of a malformed model", () => {
    const broken = { ...tinyModel(), thresholds: { runs: 2, coverageGain: 0, mutationGain: 0 } };
    expect(() => parseEmbeddedModel(broken, "broken.json")).toThrow(/thresholds\.runs/);
  });
});
