import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeLiveCodeBenchFixture } from "@coderm/benchmarks/testing";
import { createOpenAITestServer } from "@coderm/openai-test-server";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecords, runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

const server = createOpenAITestServer({
  models: ["policy", "tester", "base", "contestant"],
  respond: (request) => {
    // A base model continues the prompt; a contestant drafts in a first block, then answers.
    if (request.model === "base") return "    return 1\n\ndef other():\n    pass\n";
    if (request.model === "contestant")
      return "Draft:\n```python\nprint(0)\n```\nFinal:\n```python\nprint(int(input()) * 2)\n```\n";
    // The policy: a python block, except for sample 2, which has no code block at all.
    if (request.model === "policy")
      return request.sampleIndex === 2
        ? "def f():\n    return 2\n"
        : `Here you go:\n\`\`\`python\ndef f():\n    return ${request.sampleIndex}\n\`\`\`\n`;
    // The test writer: a good TestCase class for sample 0, unparseable text for the others.
    return request.sampleIndex === 0
      ? "```python\nimport unittest\n\nclass TestF(unittest.TestCase):\n    def test_a(self):\n        self.assertTrue(True)\n\nif __name__ == '__main__':\n    unittest.main()\n```"
      : "```python\nclass Broken(:\n```";
  },
});
let dir: string;
let baseURL: string;

beforeAll(async () => {
  dir = await useTemporaryCache("coderm-generate-");
  ({ baseURL } = await server.start());
});
afterAll(() => server.close());

describe("coderm generate", () => {
  it("writes the solutions rerank reads, and a rerun makes no request", async () => {
    const out = join(dir, "solutions.jsonl");
    const args = [
      ...["generate", "solutions", "--benchmark", "humaneval", "--limit", "2", "--n", "3"],
      ...["--base-url", baseURL, "--model", "policy", "--out", out, "--json"],
    ];
    const first = await run(args);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({
      completions: 6,
      written: 6,
      from_cache: 0,
      usage: { requests: 2 },
    });
    const written = await readRecords(out);
    expect(written).toHaveLength(6);
    expect(written[0]).toMatchObject({ task_id: "HumanEval/0", extraction: "python-block" });
    // An answer with no code block is kept, marked with the rule that read it, and counted.
    expect(written[2]).toMatchObject({ sample_index: 2, extraction: "raw" });
    expect(report.raw_extractions).toBe(2);
    expect(written.map((line) => line.solution).join("")).toContain("return 2");
    const requests = server.requests.length;
    const second = await run(args);
    expect(JSON.parse(second.stdout)).toMatchObject({ from_cache: 6, usage: { requests: 0 } });
    expect(server.requests.length).toBe(requests);
  });

  it("splits unit tests per TestCase class and keeps unparseable outputs, marked and counted", async () => {
    const out = join(dir, "tests.jsonl");
    const { code, stdout } = await run([
      "generate",
      "tests",
      "--benchmark",
      "humaneval",
      "--limit",
      "1",
      "--n",
      "3",
      "--base-url",
      baseURL,
      "--model",
      "tester",
      "--out",
      out,
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ template: "coderm-8b", written: 1, unparsed: 2 });
    const [test] = await readRecords(out);
    expect(test).toMatchObject({ task_id: "HumanEval/0", kind: "unittest", sample_index: 0 });
    expect(test?.test).toContain("class TestF(unittest.TestCase)");
    expect(test?.test).not.toContain("unittest.main()");
    const unparsed = await readRecords(`${out}.unparsed.jsonl`);
    expect(unparsed.map((line) => line.sample_index).sort()).toEqual([1, 2]);
  });

  it("resumes after being killed midway without asking again for stored completions", async () => {
    const slow = createOpenAITestServer({ models: ["policy"], latencyMs: 150, respond: () => "x" });
    const { baseURL: slowURL } = await slow.start();
    try {
      const out = join(dir, "killed.jsonl");
      const args = [
        fileURLToPath(new URL("../../dist/bin.js", import.meta.url)),
        "generate",
        "solutions",
        "--benchmark",
        "humaneval",
        "--limit",
        "20",
        "--n",
        "2",
        "--concurrency",
        "1",
        "--base-url",
        slowURL,
        "--model",
        "policy",
        "--out",
        out,
      ];
      const child = spawn(process.execPath, args, { env: process.env, stdio: "ignore" });
      while (slow.requests.length < 5) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill("SIGKILL");
      await once(child, "exit");
      const answeredBeforeKill = slow.requests.length - 1; // the last one was cut off
      const before = slow.requests.length;
      const { code, stdout } = await run([...args.slice(1), "--json"]);
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.completions).toBe(40);
      expect(report.from_cache).toBeGreaterThanOrEqual(2 * answeredBeforeKill);
      // no request for a problem whose completions were stored before the kill
      expect(slow.requests.length - before).toBe(20 - report.from_cache / 2);
    } finally {
      await slow.close();
    }
  }, 60_000);

  it("names the server and the model it rejects", async () => {
    const { code, stderr } = await run([
      "generate",
      "solutions",
      "--benchmark",
      "humaneval",
      "--limit",
      "1",
      "--base-url",
      baseURL,
      "--model",
      "missing",
      "--no-cache",
      "--out",
      join(dir, "x.jsonl"),
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/model missing.*404/);
  });

  it("rides out a 429 storm within its retries, and names the status when it outlasts them", async () => {
    const args = (retries: string) => [
      "generate",
      "solutions",
      "--benchmark",
      "humaneval",
      "--limit",
      "2",
      "--n",
      "1",
      "--base-url",
      baseURL,
      "--model",
      "policy",
      "--max-retries",
      retries,
      "--no-cache",
      "--json",
      "--out",
      join(dir, "storm.jsonl"),
    ];
    server.failNext({ status: 429, retryAfterSeconds: 0 }, 4);
    const weathered = await run(args("8"));
    expect(weathered.code).toBe(0);
    expect(JSON.parse(weathered.stdout)).toMatchObject({ completions: 2, written: 2 });

    server.failNext({ status: 429, retryAfterSeconds: 0 }, 100);
    const outlasted = await run(args("1"));
    expect(outlasted.code).toBe(1);
    expect(outlasted.stderr).toMatch(/model policy\) answered 429/);
    server.reset();
  });
});

describe("coderm generate: the benchmarks' own prompt conventions", () => {
  it("puts MBPP as CodeT does with --prompt-style codet, and builds CodeT's candidates", async () => {
    const out = join(dir, "mbpp-codet.jsonl");
    const { code, stdout } = await run([
      ...["generate", "solutions", "--benchmark", "mbpp", "--prompt-style", "codet"],
      ...["--template", "completion", "--limit", "1", "--n", "1"],
      ...["--base-url", baseURL, "--model", "base", "--out", out, "--json"],
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ completions: 1, written: 1 });
    const prompt =
      "def similar_elements(test_tup1, test_tup2):\n    '''\n    Write a function to find the shared elements from the given two lists.\n    '''\n";
    const request = server.requests.at(-1)!.body as { prompt: string; stop: string[] };
    expect(request.prompt).toBe(prompt);
    expect(request.stop).toContain("\ndef");
    const [written] = await readRecords(out);
    // the test server ignores stop sequences; the extraction cuts at the first one as CodeT does
    expect(written).toMatchObject({
      solution: `${prompt}    return 1\n`,
      extraction: "codet-solution",
    });
  });

  it("asks LiveCodeBench's problems in its own prompt and reads the answer's last block", async () => {
    const saved = process.env.CODERM_DATA_DIR;
    const dataDir = join(dir, "lcb-data");
    await writeLiveCodeBenchFixture(join(dataDir, "livecodebench", "test5.jsonl"));
    process.env.CODERM_DATA_DIR = dataDir;
    try {
      const out = join(dir, "lcb.jsonl");
      const { code, stderr } = await run([
        ...["generate", "solutions", "--benchmark", "livecodebench", "--release", "v5"],
        ...["--since", "2024-08-01", "--n", "1"],
        ...["--base-url", baseURL, "--model", "contestant", "--out", out],
      ]);
      expect(stderr).not.toMatch(/error/i);
      expect(code).toBe(0);
      const written = await readRecords(out);
      expect(written.length).toBeGreaterThan(0);
      for (const record of written)
        expect(record).toMatchObject({
          solution: "print(int(input()) * 2)",
          extraction: "livecodebench-code",
        });
      const body = server.requests.at(-1)!.body as {
        messages: { role: string; content: string }[];
      };
      expect(body.messages[0]!.content).toMatch(/^You are an expert Python programmer/);
      expect(body.messages[1]!.content).toMatch(/^### Question:\n/);
      expect(body.messages[1]!.content).toMatch(
        /### Answer: \(use the provided format with backticks\)\n\n$/,
      );
    } finally {
      process.env.CODERM_DATA_DIR = saved;
    }
  });
});
