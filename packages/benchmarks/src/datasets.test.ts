import { describe, expect, it } from "vitest";
import { type Dataset, datasets, getDataset } from "./datasets.js";

describe("datasets", () => {
  it("describes every file with its upstream address and the sha256 of its content", () => {
    expect(datasets.map((dataset) => dataset.name)).toEqual([
      "humaneval",
      "humaneval+",
      "mbpp",
      "mbpp-full",
      "mbpp+",
      "livecodebench",
      "humaneval-js",
      "multipl-e-js",
      "multipl-e-ts",
      "codet-humaneval-codegen16b",
    ]);
    for (const dataset of datasets as readonly Dataset[]) {
      for (const file of dataset.files) {
        expect(file.url.endsWith(".gz")).toBe(file.gzipped);
        if (dataset.name === "livecodebench") {
          // not pinned: held to the digest of their first download
          expect(file.url).toMatch(/^https:\/\/huggingface\.co\/datasets\/livecodebench\//);
          expect(file.sha256).toBeUndefined();
          continue;
        }
        if (dataset.name === "mbpp-full") {
          expect(file.sha256).toBeUndefined();
          continue;
        }
        expect(file.url).toMatch(/^https:\/\/(raw\.githubusercontent\.com|github\.com)\//);
        expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it("names the known datasets when asked for an unknown one", () => {
    expect(getDataset("mbpp+").files[0]!.path).toBe("evalplus/MbppPlus-v0.2.0.jsonl.gz");
    expect(() => getDataset("humaneval++")).toThrow(
      expect.objectContaining({
        code: "not-found",
        message: expect.stringContaining(
          'unknown dataset "humaneval++" (known: humaneval, humaneval+,',
        ),
      }),
    );
  });
});
