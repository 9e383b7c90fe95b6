import { type Candidate, PassMatrix, type Problem, type ProblemMatrix } from "@coderm/core";
import { createTestBasedReward } from "@coderm/reward-tests";
import { describe, expect, it } from "vitest";
import { hybridStudy } from "./hybrid-study.js";
import {
  createSimulatedRewardModel,
  normalDistribution,
  normalQuantile,
} from "./simulated-reward.js";

describe("the normal distribution", () => {
  it("matches known values and inverts", () => {
    expect(normalDistribution(0)).toBeCloseTo(0.5, 7);
    expect(normalDistribution(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
  });
});

describe("createSimulatedRewardModel", () => {
  it("separates right from wrong programs with the AUROC asked for, the same reward per program", async () => {
    const problem: Problem = { id: "p", prompt: "", entryPoint: "f", language: "python" };
    const candidates: Candidate[] = Array.from({ length: 4000 }, (_, index) => ({
      id: `c${index}`,
      problemId: "p",
      code: "",
    }));
    const reward = createSimulatedRewardModel({
      auroc: 0.8,
      correct: (_, id) => Number(id.slice(1)) % 2 === 0,
      seed: 1,
    });
    const scores = await reward.score({ problem, candidates });
    const right = scores.filter((_, index) => index % 2 === 0);
    const wrong = scores.filter((_, index) => index % 2 === 1);
    let wins = 0;
    for (const a of right) for (const b of wrong) wins += a > b ? 1 : 0;
    expect(wins / (right.length * wrong.length)).toBeCloseTo(0.8, 1);
    expect(await reward.score({ problem, candidates: candidates.slice(0, 3) })).toEqual(
      scores.slice(0, 3),
    );
  });
});

/** A problem with one right program (passes both tests), two wrong ones and a duplicate. */
function problemMatrix(id: string): ProblemMatrix {
  const problem: Problem = { id, prompt: "", entryPoint: "f", language: "python" };
  const candidates = ["right", "wrong-a", "wrong-a", "wrong-b"].map((name) => ({
    id: `${id}-${name}`,
    problemId: id,
    code: name,
  }));
  const tests = ["t0", "t1"].map((test) => ({
    kind: "assert" as const,
    id: test,
    problemId: id,
    code: "",
  }));
  const matrix = new PassMatrix(
    id,
    candidates.map((candidate) => candidate.id),
    tests.map((test) => test.id),
  );
  // the wrong programs pass the first test too and agree with each other: CodeT prefers them
  ["11", "10", "10", "10"].forEach((row, index) => {
    [...row].forEach((cell, column) => {
      matrix.set(index, column, cell === "1" ? "pass" : "fail");
    });
  });
  return { problem, candidates, tests, matrix, correct: [true, false, false, false] };
}

describe("hybridStudy", () => {
  it("is labeled simulated, equals the test-based reward when it keeps everything, and counts executions", async () => {
    const problems = Array.from({ length: 30 }, (_, index) => problemMatrix(`p${index}`));
    const result = await hybridStudy(problems, {
      tests: createTestBasedReward("codet"),
      dataset: "synthetic",
      aurocs: [0.6, 0.95],
      keeps: [1, 3],
      seeds: 4,
    });
    expect(result.simulated).toBe(true);
    expect(result.note).toContain("SIMULATED");
    expect(result.baseline.random).toBeCloseTo(25, 10);
    const codet = result.baseline.tests;
    for (const level of result.levels) {
      const everything = level.cells.find((cell) => cell.keep === 3)!;
      expect(everything.passAt1.mean).toBeCloseTo(codet, 10);
      expect(everything.executionFraction).toBe(1);
      expect(level.cells.find((cell) => cell.keep === 1)!.executionFraction).toBeCloseTo(1 / 3, 10);
    }
    // a better reward model picks the right program more often when it keeps one
    const keepOne = result.levels.map((level) => level.cells[0]!.passAt1.mean);
    expect(keepOne[1]!).toBeGreaterThan(keepOne[0]!);
    expect(result.levels[1]!.measuredAuroc).toBeGreaterThan(result.levels[0]!.measuredAuroc);
  });
});
