import { contentId } from "@coderm/core";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { codetPackedSuiteFailures } from "./codet.js";
import { loadProblems, loadSampleSet } from "./load.js";

requireDataDir();

describe("codetPackedSuiteFailures", () => {
  const test = (problemId: string, code: string) => ({
    kind: "assert" as const,
    id: contentId(code),
    problemId,
    code,
  });

  it("finds problems whose tests compile alone but not packed into one function", async () => {
    const failures = await codetPackedSuiteFailures([
      test("fine", "assert f(1) == 2"),
      test("fine", "assert f(2) == 3\n\nimport math"),
      test("star", "assert f(1) == 2"),
      test("star", "assert f(1) == 2\n\nfrom os.path import *"),
    ]);
    expect(failures).toEqual(["star"]);
  });

  it("finds HumanEval/68's star import and two more in CodeT's set", async () => {
    const set = await loadSampleSet("codet-humaneval-codegen16b");
    expect([...set.packedSuiteFailures].sort()).toEqual([
      "HumanEval/106",
      "HumanEval/143",
      "HumanEval/68",
    ]);
  });
});

describe("the CodeT CodeGen-Mono-16B sample set", () => {
  it("reproduces CodeT's post-processing and counts", async () => {
    const set = await loadSampleSet("codet-humaneval-codegen16b");
    const { perProblem, ...totals } = set.statistics;
    expect(totals).toEqual({
      problems: 164,
      solutionSamples: 16_400,
      testSamples: 16_400,
      tests: 9124,
      uniqueSolutions: 12_408,
      uniqueCandidates: 12_017,
      uniqueTests: 8331,
      uniquePairs: 639_583,
    });
    expect(perProblem["HumanEval/0"]).toEqual({
      solutionSamples: 100,
      testSamples: 100,
      tests: 137,
      uniqueSolutions: 79,
      uniqueCandidates: 79,
      uniqueTests: 129,
      uniquePairs: 79 * 129,
    });
    expect(set.candidates).toHaveLength(16_400);
    expect(set.tests).toHaveLength(9124);

    const [problem] = set.problems;
    expect(problem!.prompt).not.toContain(">>>");
    const candidate = set.candidates[0]!;
    expect(candidate).toEqual({
      id: contentId(candidate.code),
      problemId: "HumanEval/0",
      code: expect.stringMatching(/^from typing import List\n[\s\S]*"""\n {4}for i in range/),
      source: { model: "codegen-mono-16b", sampleIndex: 0 },
    });
    const test = set.tests[0]!;
    expect(test).toMatchObject({
      kind: "assert",
      problemId: "HumanEval/0",
      code: "assert _________ == has_close_elements([1, 2, 3, 4, 5], 1.0)",
      source: { model: "codegen-mono-16b", sampleIndex: 7 },
    });
    expect(test.id).toBe(contentId((test as { code: string }).code));
  });

  it("keeps as many tests a sample as asked", async () => {
    const set = await loadSampleSet("codet-humaneval-codegen16b", { testsPerSample: 1 });
    expect(set.statistics).toMatchObject({ tests: 2091, uniqueTests: 1931, uniquePairs: 147_656 });
  });

  it("gives CodeT's problems on their own", async () => {
    const problems = await loadProblems("codet-humaneval-codegen16b");
    expect(problems).toHaveLength(164);
    expect(problems[0]!.tests![0]!.kind).toBe("check");
  });
});
