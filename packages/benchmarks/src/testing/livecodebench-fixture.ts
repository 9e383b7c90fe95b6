import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * LiveCodeBench's private test-case encoding (base64 of zlib of a pickled JSON string), written by
 * a real Python process as LiveCodeBench's dataset builders write it.
 */
export function pythonPrivateTests(cases: unknown[]): string {
  const script =
    "import base64, json, pickle, sys, zlib; cases = sys.stdin.read(); " +
    "sys.stdout.write(base64.b64encode(zlib.compress(pickle.dumps(cases))).decode())";
  return execFileSync("python3", ["-c", script], { input: JSON.stringify(cases) }).toString();
}

/** A `code_generation_lite` record in LiveCodeBench's exact shape: an AtCoder stdin problem, with `fields` replaced. */
export function liveCodeBenchRecord(fields: Record<string, string> = {}): Record<string, string> {
  return {
    question_title: "Sum",
    question_content: "Read two numbers and print their sum.",
    platform: "atcoder",
    question_id: "abc300_a",
    contest_id: "abc300",
    contest_date: "2023-04-29T00:00:00",
    starter_code: "",
    difficulty: "easy",
    public_test_cases: JSON.stringify([{ input: "1 2\n", output: "3\n", testtype: "stdin" }]),
    private_test_cases: "[]",
    metadata: "{}",
    ...fields,
  };
}

/**
 * Writes a small LiveCodeBench file at `path` (LiveCodeBench's own files are not reachable where
 * this project is built): an AtCoder stdin problem of 2023 with two private cases (one of floats),
 * a Codeforces stdin problem of 2024-08-15 (medium) with a float private case, and a LeetCode
 * functional problem of 2024-09-02 (`Solution().twoSum`, easy) with a private case.
 */
export async function writeLiveCodeBenchFixture(path: string): Promise<void> {
  const records = [
    liveCodeBenchRecord({
      private_test_cases: pythonPrivateTests([
        { input: "10 20\n", output: "30\n", testtype: "stdin" },
        { input: "0.5 0.25\n", output: "0.75\n", testtype: "stdin" },
      ]),
    }),
    liveCodeBenchRecord({
      question_id: "1234B",
      platform: "codeforces",
      contest_id: "1234",
      contest_date: "2024-08-15T14:35:00",
      difficulty: "medium",
      private_test_cases: pythonPrivateTests([
        { input: "0.5 0.25\n", output: "0.75\n", testtype: "stdin" },
      ]),
    }),
    liveCodeBenchRecord({
      question_id: "two-sum",
      platform: "leetcode",
      contest_date: "2024-09-02T00:00:00",
      starter_code: "class Solution:\n    def twoSum(self, nums, target):\n        ",
      public_test_cases: JSON.stringify([
        { input: "[2, 7, 11]\n9", output: "[0, 1]", testtype: "functional" },
      ]),
      private_test_cases: pythonPrivateTests([
        { input: "[3, 3]\n6", output: "[0, 1]", testtype: "functional" },
      ]),
      metadata: JSON.stringify({ func_name: "twoSum" }),
    }),
  ];
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${records.map((value) => JSON.stringify(value)).join("\n")}\n`);
}
