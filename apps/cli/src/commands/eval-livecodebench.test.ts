import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeLiveCodeBenchFixture } from "@coderm/benchmarks/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

let dir: string;
let dataDir: string;
const savedDataDir = process.env.CODERM_DATA_DIR;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-eval-lcb-");
  // a fixture in LiveCodeBench's exact format, written here: no LiveCodeBench file is reachable
  dataDir = join(dir, "data");
  await writeLiveCodeBenchFixture(join(dataDir, "livecodebench", "test5.jsonl"));
});
afterEach(() => {
  process.env.CODERM_DATA_DIR = savedDataDir;
});

const sum = "a, b = map(float, input().split())\n";
const twoSum =
  "class Solution:\n    def twoSum(self, nums, target):\n" +
  "        seen = {}\n        for i, x in enumerate(nums):\n" +
  "            if target - x in seen:\n                return (seen[target - x], i)\n" +
  "            seen[x] = i\n";

/** The command: release v5, problems from 2024-08-01 on; the samples file follows. */
const releaseV5Since = [
  "eval",
  "--benchmark",
  "livecodebench",
  "--release",
  "v5",
  "--since",
  "2024-08-01",
  "--samples",
];

describe("coderm eval --benchmark livecodebench", () => {
  it("judges a release's problems in a date window by LiveCodeBench's rules, with pass@1 by difficulty", async () => {
    process.env.CODERM_DATA_DIR = dataDir;
    const samples = join(dir, "samples.jsonl");
    const lines = [
      // trailing spaces and 0.750 for 0.75: LiveCodeBench's stdout rule accepts both
      {
        task_id: "LiveCodeBench/1234B",
        solution: `${sum}s = a + b\nprint(('%g' if s == int(s) else '%.3f') % s, '  ')\n`,
      },
      { task_id: "LiveCodeBench/1234B", solution: `${sum}print(a - b)\n` },
      // a tuple answer counts as a list
      { task_id: "LiveCodeBench/two-sum", solution: twoSum },
      {
        task_id: "LiveCodeBench/two-sum",
        solution: "class Solution:\n    def twoSum(self, nums, target):\n        return [1, 0]\n",
      },
    ];
    await writeFile(samples, lines.map((line) => JSON.stringify(line)).join("\n"));
    const { code, stdout, stderr } = await run([...releaseV5Since, samples, "--json"]);
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.problems).toBe(2);
    expect(report["pass@1"]).toBe(50);
    expect(report.by_difficulty).toEqual({ medium: { "pass@1": 50 }, easy: { "pass@1": 50 } });
  });

  it("refuses clearly when the release's files are not in the data directory", async () => {
    process.env.CODERM_DATA_DIR = join(dir, "empty");
    const samples = join(dir, "one.jsonl");
    await writeFile(samples, `${JSON.stringify({ task_id: "LiveCodeBench/x", solution: "" })}\n`);
    const { code, stderr } = await run([...releaseV5Since, samples]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("livecodebench/test5.jsonl is not in the data directory");
    expect(stderr).toContain(
      "https://huggingface.co/datasets/livecodebench/code_generation_lite/resolve/main/test5.jsonl",
    );
    // asked for by name, an absent dataset fails `datasets verify`
    expect((await run(["datasets", "verify", "livecodebench"])).code).toBe(1);
  });
});
