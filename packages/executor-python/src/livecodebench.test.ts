import { type LiveCodeBenchProblem, liveCodeBenchToProblem } from "@coderm/benchmarks";
import { collect, request } from "@coderm/executor/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalExecutor } from "./local-executor.js";

/** LiveCodeBench problems, judged end to end as LiveCodeBench judges them. */
describe("LiveCodeBench problems on the local executor", () => {
  const executor = createLocalExecutor({ workers: 2 });
  afterAll(() => executor.close());

  const base: Omit<LiveCodeBenchProblem, "questionId" | "platform" | "publicTests"> = {
    title: "",
    content: "",
    contestId: "c",
    contestDate: new Date("2024-09-01T00:00:00"),
    difficulty: "easy",
    starterCode: "",
    privateTests: [],
  };
  const stdin = liveCodeBenchToProblem({
    ...base,
    questionId: "hypotenuse",
    platform: "atcoder",
    publicTests: [
      { input: "3 4\n", output: "5\n", testtype: "stdin" },
      { input: "1 1\n", output: "1.41421356\n", testtype: "stdin" },
    ],
  });
  const functional = liveCodeBenchToProblem({
    ...base,
    questionId: "two-sum",
    platform: "leetcode",
    functionName: "twoSum",
    publicTests: [
      { input: "[2, 7, 11, 15]\n9", output: "[0, 1]", testtype: "functional" },
      { input: "[3, 2, 4]\n6", output: "[1, 2]", testtype: "functional" },
    ],
  });

  async function verdicts(problem: typeof stdin, programs: Record<string, string>) {
    const requests = Object.entries(programs).map(([id, code]) =>
      request(id, code, problem.tests ?? []),
    );
    const byKey = await collect(executor, requests);
    return Object.fromEntries(
      Object.keys(programs).map((id) => [
        id,
        (problem.tests ?? []).map((test) => byKey.get(`${id}/${test.id}`)?.status),
      ]),
    );
  }

  it("judges stdin problems by the stdout rule, with the prelude's names available", async () => {
    const result = await verdicts(stdin, {
      // sqrt comes from the prelude (from math import *), as in LiveCodeBench
      exact:
        "a, b = map(int, input().split())\nr = sqrt(a * a + b * b)\nprint(int(r) if r == int(r) else '%.8f' % r)\n",
      trailing:
        "a, b = map(int, input().split())\nr = sqrt(a * a + b * b)\nprint(('%d' % r if r == int(r) else '%.8f' % r) + '   ')\n",
      tolerance:
        "a, b = map(int, input().split())\nr = sqrt(a * a + b * b)\nprint('5' if r == 5 else '1.414213560')\n",
      wrong: "a, b = map(int, input().split())\nprint(a + b)\n",
    });
    expect(result).toEqual({
      exact: ["pass", "pass"],
      trailing: ["pass", "pass"],
      tolerance: ["pass", "pass"],
      wrong: ["fail", "fail"],
    });
  });

  it("judges functional problems by calling Solution().method, a tuple standing for a list", async () => {
    const result = await verdicts(functional, {
      list: "class Solution:\n    def twoSum(self, nums: List[int], target: int) -> List[int]:\n        seen = {}\n        for i, x in enumerate(nums):\n            if target - x in seen:\n                return [seen[target - x], i]\n            seen[x] = i\n",
      tuple:
        "class Solution:\n    def twoSum(self, nums, target):\n        for i, j in combinations(range(len(nums)), 2):\n            if nums[i] + nums[j] == target:\n                return i, j\n",
      wrong: "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 1]\n",
      crashing: "class Solution:\n    def twoSum(self, nums, target):\n        return nums[99]\n",
    });
    expect(result).toEqual({
      list: ["pass", "pass"],
      tuple: ["pass", "pass"],
      wrong: ["pass", "fail"],
      crashing: ["error", "error"],
    });
  });
});
