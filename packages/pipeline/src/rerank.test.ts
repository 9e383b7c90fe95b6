import { withDeduplication } from "@coderm/executor";
import { createLocalExecutor } from "@coderm/executor-python";
import {
  createCodermVoteReward,
  createCodetReward,
  createRandomReward,
} from "@coderm/reward-tests";
import { assertTest, functionCandidate, functionProblem } from "@coderm/reward-tests/testing";
import { afterAll, describe, expect, it } from "vitest";
import { rerank } from "./rerank.js";

const executor = withDeduplication(createLocalExecutor({ workers: 2 }));
afterAll(() => executor.close());

const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 100 };

// Problem a (f doubles): "x * 2" is right and passes both generated tests; "x + 2" (sampled twice)
// passes only f(2) == 4, which appears twice. Problem b (f negates): no generated test passes.
const input = {
  problems: [
    functionProblem("a", "    assert candidate(2) == 4\n    assert candidate(5) == 10\n"),
    functionProblem("b", "    assert candidate(3) == -3\n"),
    functionProblem("c", "    assert candidate(1) == 1\n"),
  ],
  candidates: [
    functionCandidate("a", "x * 2"),
    functionCandidate("a", "x + 2"),
    functionCandidate("a", "x + 2"),
    functionCandidate("b", "-x"),
    functionCandidate("b", "x"),
  ],
  tests: [
    assertTest("a", "assert f(2) == 4", 0),
    assertTest("a", "assert f(5) == 10", 1),
    assertTest("a", "assert f(2) == 4", 2),
    assertTest("b", "assert f(1) == 5", 0),
  ],
};

describe("rerank", () => {
  it("fills matrices from unique executions and scores each method", async () => {
    const before = executor.stats.executed;
    const result = await rerank(input, {
      executor,
      methods: [createCodetReward(), createCodermVoteReward(), createRandomReward()],
      limits,
      groundTruthLimits: limits,
    });
    // Unique pairs: a has 2 unique candidates x 2 unique tests + ground truth; b 2 x 1 + ground truth.
    expect(executor.stats.executed - before).toBe(2 * 2 + 2 + 2 * 1 + 2);
    // codet on a: "x * 2" passes {t1, t2, t1}: 3 * 1; "x + 2" passes {t1, t1}: 2 * sqrt(2) = 2.83.
    // b: nobody passes, so a uniform pick: 0.5. Mean over a and b (c has no candidates): 75.
    expect(result.methods.codet!["pass@1"]).toBeCloseTo(75, 10);
    expect(result.methods["coderm-vote"]!["pass@1"]).toBeCloseTo(75, 10);
    expect(result.methods.random!["pass@1"]).toBeCloseTo(((1 / 3 + 1 / 2) / 2) * 100, 10);
    expect(result.problems.map((outcome) => outcome.problemId)).toEqual(["a", "b"]);
    expect(result.problems[0]).toMatchObject({
      candidates: 3,
      correct: 1,
      tests: 3,
      picks: { codet: ["a:x * 2"] },
    });
    // Wrong candidates under single tests: on a, t1 (twice) accepts both "x + 2" rows (4 FP) and
    // t2 rejects them (2 TN); on b, the test rejects "x" (1 TN). FAR = 4 / 7.
    expect(result.testQuality.single.falseAcceptanceRate).toBeCloseTo((100 * 4) / 7, 10);
  });

  it("draws seeded subsets, repeats them, and reports intervals", async () => {
    const options = {
      executor,
      methods: [createCodetReward()],
      limits,
      groundTruthLimits: limits,
      candidatesPerProblem: 1,
      repeats: 20,
      seed: 7,
    };
    const first = await rerank(input, options);
    const score = first.methods.codet!["pass@1"] as { mean: number; low: number; high: number };
    expect(score.low).toBeLessThanOrEqual(score.mean);
    expect(score.high).toBeGreaterThanOrEqual(score.mean);
    expect(score.mean).toBeGreaterThan(0);
    expect(score.mean).toBeLessThan(100);
    expect((await rerank(input, options)).methods).toEqual(first.methods);
  });

  it("counts a failed suite as failed by every candidate, as CodeT's packed runner does", async () => {
    const result = await rerank(input, {
      executor,
      methods: [createCodetReward()],
      limits,
      groundTruthLimits: limits,
      judging: { failedSuites: new Set(["a"]) },
    });
    // a falls back to a uniform pick (1 correct in 3), b is unchanged (0.5).
    expect(result.methods.codet!["pass@1"]).toBeCloseTo(((1 / 3 + 1 / 2) / 2) * 100, 10);
  });

  it("handles problems without tests, and no candidates at all", async () => {
    const result = await rerank(
      {
        problems: [functionProblem("x", "    assert candidate(1) == 2\n")],
        candidates: [functionCandidate("x", "x + 1")],
        tests: [],
      },
      { executor, methods: [createCodetReward()], limits, groundTruthLimits: limits },
    );
    expect(result.methods.codet!["pass@1"]).toBe(100);
    const empty = await rerank(
      { problems: [functionProblem("x", "    pass\n")], candidates: [], tests: [] },
      { executor, methods: [createCodetReward()], limits, groundTruthLimits: limits },
    );
    expect(empty.problems).toEqual([]);
  });

  it("executes a stream's problems as they arrive and reports in the problems' order", async () => {
    const methods = [createCodetReward(), createCodermVoteReward()];
    const whole = await rerank(input, { executor, methods, limits, groundTruthLimits: limits });
    let verdicts = 0;
    let firstIn: () => void = () => {};
    const firstVerdict = new Promise<void>((resolve) => {
      firstIn = resolve;
    });
    const of = (problemId: string) => ({
      problemId,
      candidates: input.candidates.filter((item) => item.problemId === problemId),
      tests: input.tests.filter((item) => item.problemId === problemId),
    });
    const streamed = await rerank(
      {
        problems: input.problems,
        // b first; a is held back until one of b's verdicts is in, so execution cannot wait for
        // the stream to end (nor for a batch to fill).
        samples: (async function* () {
          yield of("b");
          await firstVerdict;
          yield of("a");
        })(),
      },
      {
        executor,
        methods,
        limits,
        groundTruthLimits: limits,
        onProgress: (event) => {
          if ("done" in event && ++verdicts === 1) firstIn();
        },
      },
    );
    expect(streamed.methods).toEqual(whole.methods);
    expect(streamed.problems.map((outcome) => outcome.problemId)).toEqual(["a", "b"]);
    expect(streamed.problems).toEqual(whole.problems);
  });

  it("rejects a stream's samples for a problem it does not know, or twice for one", async () => {
    const options = { executor, methods: [createCodetReward()], limits, groundTruthLimits: limits };
    const samples = (ids: string[]) =>
      (async function* () {
        for (const problemId of ids) yield { problemId, candidates: [], tests: [] };
      })();
    await expect(
      rerank({ problems: input.problems, samples: samples(["zz"]) }, options),
    ).rejects.toThrow('samples for unknown problem "zz"');
    await expect(
      rerank({ problems: input.problems, samples: samples(["a", "a"]) }, options),
    ).rejects.toThrow('problem "a" arrived twice');
  });
});
