import { describe, expect, it } from "vitest";
import { loadProblems, loadSampleSet } from "./load.js";

describe("loadProblems and loadSampleSet", () => {
  it("reject an unknown dataset, naming the known ones", async () => {
    await expect(loadProblems("humaneval-pro")).rejects.toMatchObject({
      code: "not-found",
      message: expect.stringContaining(
        "known: humaneval, humaneval+, mbpp, mbpp-full, mbpp+, livecodebench, humaneval-js",
      ),
    });
  });

  it("refuse to load a benchmark as a sample set", async () => {
    await expect(loadSampleSet("humaneval")).rejects.toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining("sample sets: codet-humaneval-codegen16b"),
    });
  });

  it("refuse a test limit below one", async () => {
    await expect(
      loadSampleSet("codet-humaneval-codegen16b", { testsPerSample: 0 }),
    ).rejects.toMatchObject({
      code: "invalid-input",
    });
  });
});
