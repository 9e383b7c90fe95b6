import type { Problem, UnitTest } from "@coderm/core";
import { createLocalExecutor } from "@coderm/executor-python";
import { createRandomReward } from "@coderm/reward-tests";
import { functionCandidate } from "@coderm/reward-tests/testing";
import { afterAll, describe, expect, it } from "vitest";
import { evalPlusDefaults } from "./evalplus-rules.js";
import { prepareGroundTruth } from "./ground-truth.js";
import { rerank } from "./rerank.js";

const executor = createLocalExecutor({ workers: 2 });
afterAll(() => executor.close());

// An EvalPlus-shaped problem: call tests whose expected values the canonical solution gives, two
// base inputs then three plus inputs (the last one slow for the canonical solution too).
const tests: UnitTest[] = [1, 2, 3, 4, 400].map((x) => ({
  kind: "call",
  id: `t${x}`,
  problemId: "p",
  entryPoint: "f",
  args: [x],
}));
const problem: Problem = {
  id: "p",
  prompt: "def f(x):\n",
  entryPoint: "f",
  language: "python",
  canonicalSolution:
    "import time\ndef f(x):\n    if x == 400:\n        time.sleep(0.4)\n    return x * 2\n",
  tests,
  metadata: { baseTestCount: 2 },
};
const limits = { timeMs: 1000, memoryMb: 512, outputBytes: 1024 };
const settings = { ...evalPlusDefaults, minTimeLimitMs: 100, timeLimitFactor: 2 };

describe("EvalPlus's ground truth in rerank", () => {
  it("computes the expected outputs and gives each input its limit from the canonical solution's time", async () => {
    const [prepared] = await prepareGroundTruth([problem], {
      executor,
      limits,
      evalPlus: settings,
    });
    const byId = new Map(prepared!.tests!.map((test) => [test.id, test]));
    expect(byId.get("t3")).toMatchObject({ expected: 6, timeMs: 100 });
    // 2 × about 400 ms
    expect(byId.get("t400")!.timeMs).toBeGreaterThanOrEqual(800);
    expect(byId.get("t400")).toMatchObject({ expected: 800 });
  });

  it("counts a candidate correct only when it passes base and plus inputs under those limits", async () => {
    const candidates = [
      functionCandidate("p", "x * 2"),
      // right on the base inputs only
      functionCandidate("p", "x * 2 if x < 3 else 0"),
      // right, but far slower than the canonical solution on the last plus input
      {
        id: "slow",
        problemId: "p",
        code: "import time\ndef f(x):\n    if x == 400:\n        time.sleep(3)\n    return x * 2\n",
      },
    ];
    const result = await rerank(
      { problems: [problem], candidates, tests: [] },
      {
        executor,
        methods: [createRandomReward()],
        limits,
        groundTruthLimits: limits,
        evalPlus: settings,
      },
    );
    expect(result.problems[0]).toMatchObject({ candidates: 3, correct: 1 });
    expect(result.methods.random!["pass@1"]).toBeCloseTo(100 / 3, 10);
  });
});
