import type { TestScorerInput } from "@coderm/core";
import { createMockTestScorer } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { scoreRows } from "./score-rows.js";

describe("scoreRows", () => {
  it("scores rows in one call per focal file, suite and language, answering in row order", async () => {
    const calls: TestScorerInput[] = [];
    const scorer = createMockTestScorer({
      score: (input) => {
        calls.push(input);
        return input.tests.map((test) => {
          const value = test.kind === "assert" ? test.code.length / 10 : 0;
          return { runs: value, coverageGain: value, mutationGain: value };
        });
      },
    });
    const row = (language: "python" | "go", focalCode: string, testCode: string) => ({
      language,
      focalCode,
      existingTests: "",
      testCode,
    });
    const { predictions } = await scoreRows(scorer, [
      row("python", "a", "x"),
      row("go", "a", "xx"),
      row("python", "a", "xxx"),
      row("python", "b", "xxxx"),
    ]);
    expect(predictions.map((prediction) => prediction.runs)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(calls.map((call) => [call.language, call.focalCode, call.tests.length])).toEqual([
      ["python", "a", 2],
      ["go", "a", 1],
      ["python", "b", 1],
    ]);
  });
});
