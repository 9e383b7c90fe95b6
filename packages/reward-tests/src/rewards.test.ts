import {
  type Candidate,
  CodermError,
  PassMatrix,
  type Problem,
  type RewardInput,
  rankingPassAtK,
} from "@coderm/core";
import { describe, expect, it } from "vitest";
import { createCodermVoteReward } from "./coderm-vote.js";
import { createCodetReward } from "./codet.js";
import { createPassRatioReward } from "./pass-ratio.js";
import { createRandomReward } from "./random.js";
import { createTestBasedReward } from "./registry.js";

const problem: Problem = { id: "p", prompt: "", entryPoint: "f", language: "python" };

/** An input from rows of "1"/"0"/"." (pass, fail, pending); candidate ids repeat for duplicates. */
function input(rows: string[], ids = rows.map((_, index) => `c${index}`)): RewardInput {
  const columns = rows[0]?.length ?? 0;
  const matrix = new PassMatrix(
    "p",
    ids,
    Array.from({ length: columns }, (_, index) => `t${index}`),
  );
  rows.forEach((text, row) => {
    [...text].forEach((cell, column) => {
      if (cell !== ".") matrix.set(row, column, cell === "1" ? "pass" : "fail");
    });
  });
  const candidates: Candidate[] = ids.map((id) => ({ id, problemId: "p", code: id }));
  return { problem, candidates, passMatrix: matrix };
}

describe("codet", () => {
  const codet = createCodetReward();

  it("scores consensus groups by tests passed times the square root of their size", async () => {
    // Group A (rows 0, 1) passes 2 tests: 2 * sqrt(2) = 2.83; group B (row 2) passes 3: 3 * 1.
    const example = input(["1100", "1100", "1110", "0000"]);
    expect(await codet.score(example)).toEqual([2 * Math.SQRT2, 2 * Math.SQRT2, 3, 0]);
    expect(codet.rank(example).groups).toEqual([[2], [0, 1]]);
    expect((await codet.select!(example)).probabilities).toEqual([0, 0, 1, 0]);
  });

  it("counts duplicated candidates and tests as many", async () => {
    // Rows 0 and 1 are the same sample drawn twice: 1 * sqrt(2) > 1 * 1.
    const duplicated = input(["10", "10", "01"], ["a", "a", "b"]);
    expect(codet.rank(duplicated).groups).toEqual([[0, 1], [2]]);
    // A test drawn twice (columns 0 and 1) weighs double: the lone row passing it scores
    // 2 * 1 = 2 and beats three rows passing a single test, 1 * sqrt(3) = 1.73.
    const repeatedTest = input(["110", "001", "001", "001"]);
    expect(codet.rank(repeatedTest).groups).toEqual([[0], [1, 2, 3]]);
  });

  it("shares ties and falls back to a uniform pick without any pass", async () => {
    const tie = input(["10", "01", "00"]);
    expect(codet.rank(tie).groups).toEqual([[0, 1]]);
    expect((await codet.select!(tie)).probabilities).toEqual([0.5, 0.5, 0]);
    const none = input(["00", "00"]);
    expect(codet.rank(none).groups).toEqual([]);
    expect((await codet.select!(none)).probabilities).toEqual([0.5, 0.5]);
    expect(rankingPassAtK(codet.rank(none), [true, false], 1)).toBe(0.5);
  });

  it("handles empty matrices and judges partial matrices on complete columns only", async () => {
    expect(codet.rank(input([])).groups).toEqual([]);
    expect(await codet.score(input([]))).toEqual([]);
    expect(codet.rank(input(["1.", "0."])).groups).toEqual([[0]]);
  });
});

describe("coderm-vote", () => {
  const vote = createCodermVoteReward();

  it("keeps the most-passing candidates, then the most shared passed set", async () => {
    // Rows 0-2 pass 2 tests: {0,1} twice, {2,3} once; row 3 passes 1.
    const example = input(["1100", "1100", "0011", "1000"]);
    expect(vote.rank(example).groups).toEqual([[0, 1]]);
    const scores = await vote.score(example);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    expect(scores[2]).toBeGreaterThan(scores[3]!);
  });

  it("keeps every set that ties on consistency, and all candidates when nothing passes", async () => {
    expect(vote.rank(input(["10", "01"])).groups).toEqual([[0, 1]]);
    expect(vote.rank(input(["00", "00", "00"])).groups).toEqual([[0, 1, 2]]);
    expect(vote.rank(input([])).groups).toEqual([]);
  });

  it("gives the expected correctness of a uniform pick among the kept", () => {
    const example = input(["11", "11", "11", "10"]);
    expect(rankingPassAtK(vote.rank(example), [true, false, true, true], 1)).toBeCloseTo(2 / 3, 12);
  });
});

describe("pass-ratio", () => {
  it("ranks by the fraction of tests passed, ties grouped", async () => {
    const ratio = createPassRatioReward();
    const example = input(["110", "011", "100", "000"]);
    expect(await ratio.score(example)).toEqual([2 / 3, 2 / 3, 1 / 3, 0]);
    expect(ratio.rank(example).groups).toEqual([[0, 1], [2], [3]]);
    expect(await ratio.score(input(["", ""]))).toEqual([0, 0]);
  });
});

describe("random", () => {
  it("is the unbiased pass@k and draws reproducible scores", async () => {
    const random = createRandomReward({ seed: 1 });
    const example = input(["1", "0", "0", "0"]);
    expect(rankingPassAtK(random.rank(example), [true, false, false, false], 1)).toBe(0.25);
    expect(rankingPassAtK(random.rank(example), [true, false, false, false], 2)).toBeCloseTo(
      0.5,
      12,
    );
    expect(await random.score(example)).toEqual(
      await createRandomReward({ seed: 1 }).score(example),
    );
    expect(await random.score(example)).not.toEqual(
      await createRandomReward({ seed: 2 }).score(example),
    );
  });
});

describe("rankingPassAtK", () => {
  it("follows CodeT's rule: one pick per tie group, extra picks round from the top", () => {
    const ranking = { groups: [[0, 1], [2], [3]] };
    const correct = [false, true, false, true];
    expect(rankingPassAtK(ranking, correct, 1)).toBeCloseTo(0.5, 12);
    expect(rankingPassAtK(ranking, correct, 2)).toBeCloseTo(0.5, 12);
    expect(rankingPassAtK(ranking, correct, 3)).toBe(1);
    // Two groups, k = 5: picks 3 and 2; P(all wrong) = 0.5^3 * 1^2.
    expect(rankingPassAtK({ groups: [[0, 1], [2]] }, correct, 5)).toBeCloseTo(1 - 0.125, 12);
    expect(rankingPassAtK({ groups: [] }, [], 1)).toBe(0);
  });
});

describe("createTestBasedReward", () => {
  it("creates each method by name and rejects unknown names", () => {
    for (const name of ["codet", "coderm-vote", "pass-ratio", "random"])
      expect(createTestBasedReward(name).name).toBe(name);
    expect(() => createTestBasedReward("best")).toThrow(/unknown method "best"/);
  });

  it("requires a pass matrix matching the candidates", async () => {
    const { passMatrix: _, ...withoutMatrix } = input(["1"]);
    expect(() => createCodetReward().rank(withoutMatrix)).toThrow(CodermError);
    const mismatched = { ...input(["1", "0"]), candidates: input(["1"]).candidates };
    expect(() => createCodermVoteReward().rank(mismatched)).toThrow(/2 rows for 1 candidates/);
  });
});
