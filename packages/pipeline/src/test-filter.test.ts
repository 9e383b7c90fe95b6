import type { Candidate, TestScorerInput, UnitTest } from "@coderm/core";
import { createMockTestScorer } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { filterTests } from "./test-filter.js";

const candidate = (problemId: string, code: string): Candidate => ({ id: code, problemId, code });
const test = (problemId: string, code: string): UnitTest => ({
  kind: "assert",
  id: code,
  problemId,
  code,
});

describe("filterTests", () => {
  it("drops the tests predicted not to run, scoring each distinct test once against the modal candidate", async () => {
    const calls: TestScorerInput[] = [];
    const scorer = createMockTestScorer({
      score: (input) => {
        calls.push(input);
        return input.tests.map((unit) => {
          const runs = unit.kind === "assert" && unit.code.includes("bad") ? 0.2 : 0.9;
          return { runs, coverageGain: 0, mutationGain: 0 };
        });
      },
    });
    const input = {
      problems: [
        { id: "p", prompt: "", entryPoint: "f", language: "python" as const },
        { id: "q", prompt: "", entryPoint: "g", language: "python" as const },
      ],
      candidates: [
        candidate("p", "one"),
        candidate("p", "two"),
        candidate("p", "two"),
        candidate("q", "three"),
      ],
      tests: [
        test("p", "good"),
        test("p", "bad"),
        test("p", "bad"),
        test("q", "bad q"),
        test("r", "orphan bad"),
      ],
    };
    const filtered = await filterTests(input, { scorer });
    expect(filtered.input.tests.map((unit) => `${unit.problemId}:${unit.id}`)).toEqual([
      "p:good",
      "r:orphan bad",
    ]);
    expect([filtered.scored, filtered.kept, filtered.dropped]).toEqual([3, 1, 2]);
    // the program most samples agree on is the focal code; no existing suite
    expect(calls.map((call) => [call.focalCode, call.existingTests, call.tests.length])).toEqual([
      ["two", "", 2],
      ["three", "", 1],
    ]);
    expect(filtered.input.candidates).toBe(input.candidates);
  });

  it("keeps more tests at a lower threshold", async () => {
    const scorer = createMockTestScorer({
      score: (input) => input.tests.map(() => ({ runs: 0.3, coverageGain: 0, mutationGain: 0 })),
    });
    const input = { problems: [], candidates: [candidate("p", "a")], tests: [test("p", "t")] };
    expect((await filterTests(input, { scorer })).dropped).toBe(1);
    expect((await filterTests(input, { scorer, threshold: 0.25 })).dropped).toBe(0);
  });
});
