import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readTrainingPairs } from "./training-pairs.js";

const pair = (split: string, problemId: string, extra = "") =>
  `{"problemId":"${problemId}","dataset":"mbpp+","split":"${split}","language":"python","focalCode":"def f(a):\\n    return a\\n","existingTests":"assert f(1) == 1","testCode":"assert f(2) == 2","test":{"args":[Infinity,NaN,123456789012345678901234567890]${extra}},"labels":{"runs":true,"coverageGain":false,"mutationGain":true},"deltas":{"coverage":0,"mutation":0.25}}`;

describe("readTrainingPairs", () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "coderm-training-pairs-"));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("reads the lines the labeler writes, non-finite floats and big integers included, by split", async () => {
    const file = join(directory, "pairs.jsonl");
    await writeFile(
      file,
      [pair("train", "Mbpp/1"), pair("test", "Mbpp/2"), pair("validation", "Mbpp/3")].join("\n"),
    );
    const splits = await readTrainingPairs(file);
    expect(splits.train).toHaveLength(1);
    expect(splits.validation).toHaveLength(1);
    expect(splits.test[0]).toMatchObject({
      group: "mbpp+:Mbpp/2",
      labels: { runs: true, coverageGain: false, mutationGain: true },
      deltas: { coverage: 0, mutation: 0.25 },
    });
  });

  it("names the line of a pair whose fields are wrong", async () => {
    const file = join(directory, "pairs.jsonl");
    await writeFile(file, `${pair("train", "Mbpp/1")}\n${pair("holdout", "Mbpp/2")}\n`);
    await expect(readTrainingPairs(file)).rejects.toThrow(/pairs\.jsonl:2/);
  });
});
