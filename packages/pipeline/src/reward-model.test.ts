import type { RewardModel } from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import { createCodetReward } from "@coderm/reward-tests";
import { assertTest, functionCandidate, functionProblem } from "@coderm/reward-tests/testing";
import { describe, expect, it } from "vitest";
import { rerank } from "./index.js";

// A reward model that is not test-based, written against the public API alone: the shortest
// program wins (ties share the pick).
const shortest: RewardModel = {
  name: "shortest",
  async score({ candidates }) {
    return candidates.map((candidate) => -candidate.code.length);
  },
};

// Problem a: the right program "x * 2" is the shortest; problem b: the shortest is wrong.
const input = {
  problems: [
    functionProblem("a", "    assert candidate(2) == 4\n"),
    functionProblem("b", "    assert candidate(3) == -3\n"),
  ],
  candidates: [
    functionCandidate("a", "x * 2"),
    functionCandidate("a", "x + x + 0"),
    functionCandidate("b", "x"),
    functionCandidate("b", "0 - x"),
    functionCandidate("b", "-1 * x"),
  ],
  tests: [assertTest("a", "assert f(1) == 2", 0), assertTest("b", "assert f(1) == -1", 0)],
};

// Ground truth decides correctness: the mock passes a candidate's check when its body is right.
const right = new Set(["a:x * 2", "a:x + x + 0", "b:0 - x", "b:-1 * x"]);
const judge = (candidate: { id: string }, test: { id: string }) =>
  test.id.endsWith("-truth") ? (right.has(candidate.id) ? "pass" : "fail") : "pass";
const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 100 };

describe("rerank with any RewardModel", () => {
  it("picks by a model that reads only the code, and runs no generated test for it", async () => {
    const executor = createMockExecutor({ judge });
    const result = await rerank(input, {
      executor,
      methods: [shortest],
      limits,
      groundTruthLimits: limits,
    });
    // a: the shortest ("x * 2") is right; b: the shortest ("x") is wrong.
    expect(result.methods.shortest!["pass@1"]).toBe(50);
    // pass@2 walks down the score groups: b's second shortest ("0 - x") is right.
    expect(result.methods.shortest!["pass@2"]).toBe(100);
    expect(result.problems.map((outcome) => outcome.picks.shortest)).toEqual([
      ["a:x * 2"],
      ["b:x"],
    ]);
    const testsRun = executor.requests.flatMap((request) => request.tests.map((test) => test.id));
    expect(testsRun.every((id) => id.endsWith("-truth"))).toBe(true);
  });

  it("compares it with a test-based reward in one run", async () => {
    const executor = createMockExecutor({
      judge: (candidate, test) =>
        test.id === "b:assert f(1) == -1"
          ? candidate.id === "b:x"
            ? "fail"
            : "pass"
          : judge(candidate, test),
    });
    const result = await rerank(input, {
      executor,
      methods: [shortest, createCodetReward()],
      limits,
      groundTruthLimits: limits,
    });
    expect(result.methods.shortest!["pass@1"]).toBe(50);
    expect(result.methods.codet!["pass@1"]).toBe(100);
    expect(
      executor.requests.some((request) =>
        request.tests.some((test) => test.id === "b:assert f(1) == -1"),
      ),
    ).toBe(true);
  });
});
