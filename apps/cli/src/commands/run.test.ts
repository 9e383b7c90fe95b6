import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import type { Problem } from "@coderm/core";
import { createOpenAITestServer, type ScriptRequest } from "@coderm/openai-test-server";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecords, runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

let problems: Problem[];
let dir: string;
let baseURL: string;

/** The problem a request is about: its prompt is in the request's text. */
const problemOf = (request: ScriptRequest): Problem => {
  const text = JSON.stringify(request.messages ?? request.prompt);
  const found = problems.find((problem) =>
    text.includes(JSON.stringify(problem.prompt).slice(1, -1)),
  );
  if (found === undefined) throw new Error("no problem matches the request");
  return found;
};

// The policy answers the reference solution for even samples and a wrong one for odd samples.
// The test writer's sample 0 is a TestCase that runs the problem's own check (a faithful test),
// sample 1 a test every program passes, sample 2 text with no TestCase in it.
const script = (request: ScriptRequest): string => {
  const problem = problemOf(request);
  if (request.model === "policy") {
    return request.sampleIndex % 2 === 0
      ? `Sure:\n\`\`\`python\n${problem.canonicalSolution}\n\`\`\`\n`
      : `\`\`\`python\ndef ${problem.entryPoint}(*args):\n    return "wrong"\n\`\`\``;
  }
  const check = problem.tests?.[0];
  if (request.sampleIndex === 0 && check !== undefined && "code" in check)
    return `\`\`\`python\nimport unittest\n\n${check.code}\n\nclass TestIt(unittest.TestCase):\n    def test_check(self):\n        check(${problem.entryPoint})\n\nif __name__ == "__main__":\n    unittest.main()\n\`\`\``;
  if (request.sampleIndex === 1)
    return "```python\nimport unittest\n\nclass TestNothing(unittest.TestCase):\n    def test_true(self):\n        self.assertTrue(True)\n```";
  return "I cannot write tests for this.";
};

const server = createOpenAITestServer({ models: ["policy", "tester"], respond: script });

/** `coderm run` on HumanEval against a server: `n` solutions and `nTests` test outputs a problem. */
const runArgs = (baseURL: string, n: number, nTests: number, ...extra: string[]) => [
  "run",
  "--benchmark",
  "humaneval",
  "--base-url",
  baseURL,
  "--model",
  "policy",
  "--test-model",
  "tester",
  "--n",
  String(n),
  "--n-tests",
  String(nTests),
  "--workers",
  "2",
  "--json",
  ...extra,
];

beforeAll(async () => {
  problems = await loadProblems("humaneval");
  dir = await useTemporaryCache("coderm-run-");
  ({ baseURL } = await server.start());
});
afterAll(() => server.close());

describe("coderm run", () => {
  it("generates, executes, reranks and scores all of HumanEval, writing files rerank reads", async () => {
    const out = join(dir, "full");
    const args = runArgs(baseURL, 4, 3, "--methods", "codet,coderm-vote,random");
    const { code, stdout } = await run([...args, "--out", out]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.inputs).toEqual({ problems: 164, candidates: 164 * 4, tests: 164 * 2 });
    expect(report.generation.solutions).toMatchObject({
      model: "policy",
      template: "instruct",
      completions: 164 * 4,
      from_cache: 0,
      unparsed: 0,
      usage: { requests: 164 },
    });
    expect(report.generation.tests).toMatchObject({
      model: "tester",
      template: "coderm-8b",
      completions: 164 * 3,
      written: 164 * 2,
      unparsed: 164,
    });
    // Every unparsed output is a counted, marked item naming its problem and sample.
    expect(report.errors.count).toBe(164);
    expect(report.errors.items[0]).toMatchObject({
      item: expect.stringMatching(/^HumanEval\/\d+#2$/),
      message: "test output yielded no test: SyntaxError: invalid syntax (line 1)",
    });
    // Half the samples are right; the faithful test finds them.
    expect(report.methods.random["pass@1"]).toBeCloseTo(50, 6);
    expect(report.methods.codet["pass@1"]).toBeGreaterThan(95);
    expect(report.methods["coderm-vote"]["pass@1"]).toBeGreaterThan(95);
    expect(report.timing.first_verdict_s).toBeLessThanOrEqual(report.timing.generate_s);

    const solutions = await readRecords(join(out, "solutions.jsonl"));
    expect(solutions).toHaveLength(164 * 4);
    expect(await readRecords(join(out, "tests.jsonl"))).toHaveLength(164 * 2);
    expect(await readRecords(join(out, "tests.unparsed.jsonl"))).toHaveLength(164);
    expect(await readRecords(join(out, "selected.jsonl"))).toHaveLength(164 * 3);

    // `coderm rerank` reads the files and agrees to the last digit.
    const again = await run([
      "rerank",
      "--benchmark",
      "humaneval",
      "--candidates",
      join(out, "solutions.jsonl"),
      "--tests",
      join(out, "tests.jsonl"),
      "--methods",
      "codet,coderm-vote,random",
      "--workers",
      "2",
      "--json",
    ]);
    expect(again.code).toBe(0);
    const reranked = JSON.parse(again.stdout);
    expect(reranked.methods).toEqual(report.methods);
    expect(reranked.test_quality).toEqual(report.test_quality);
    const shape = (value: unknown): unknown =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shape(item)]))
        : typeof value;
    const { generation, ...rest } = report;
    expect(generation).toBeDefined();
    expect(Object.keys(rest).sort()).toEqual(Object.keys(reranked).sort());
    expect(shape(rest.methods)).toEqual(shape(reranked.methods));

    // A rerun is free: every completion from the cache, every verdict from the verdict cache.
    const requests = server.requests.length;
    const rerun = await run(args);
    const second = JSON.parse(rerun.stdout);
    expect(server.requests.length).toBe(requests);
    expect(second.generation.solutions.from_cache).toBe(164 * 4);
    expect(second.executions.unique).toBe(0);
    expect(second.methods).toEqual(report.methods);

    // Without the generation cache every completion is asked for again; verdicts stay cached.
    const fresh = JSON.parse((await run([...args, "--no-generation-cache"])).stdout);
    expect(server.requests.length).toBeGreaterThan(requests);
    expect(fresh.generation.solutions.from_cache).toBe(0);
    expect(fresh.generation.tests.from_cache).toBe(0);
    expect(fresh.executions.unique).toBe(0);
    expect(fresh.methods).toEqual(report.methods);
  }, 240_000);

  it("starts executing problems while later ones are still generating", async () => {
    const slow = createOpenAITestServer({
      models: ["policy", "tester"],
      respond: async (request) => {
        // The last problem's solutions take a second and a half.
        if (request.model === "policy" && problemOf(request).id === "HumanEval/9")
          await new Promise((resolve) => setTimeout(resolve, 1500));
        return script(request);
      },
    });
    const { baseURL: slowURL } = await slow.start();
    try {
      const { code, stdout } = await run(runArgs(slowURL, 2, 2, "--limit", "10", "--no-cache"));
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.inputs.problems).toBe(10);
      expect(report.timing.generate_s).toBeGreaterThan(1.4);
      expect(report.timing.first_verdict_s).toBeLessThan(report.timing.generate_s - 0.5);
    } finally {
      await slow.close();
    }
  }, 60_000);

  it("goes on past a problem the server rejects, naming it, and scores the rest", async () => {
    const picky = createOpenAITestServer({
      models: ["policy", "tester"],
      respond: (request) =>
        request.model === "policy" && problemOf(request).id === "HumanEval/2"
          ? { status: 400, message: "This model's maximum context length is 4096 tokens" }
          : script(request),
    });
    const { baseURL: pickyURL } = await picky.start();
    try {
      const { code, stdout } = await run(runArgs(pickyURL, 2, 2, "--limit", "4", "--no-cache"));
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.generation.solutions.failed).toBe(1);
      expect(report.errors.items).toContainEqual({
        item: "HumanEval/2",
        message: expect.stringContaining("solutions generation failed:"),
      });
      expect(
        report.errors.items.find((item: { item: string }) => item.item === "HumanEval/2").message,
      ).toContain("maximum context length");
      // The rejected problem has no candidates; the other three are scored.
      expect(report.inputs.candidates).toBe(3 * 2);
    } finally {
      await picky.close();
    }
  }, 60_000);

  it("names the server it cannot reach", async () => {
    const down = createOpenAITestServer({ models: ["policy"] });
    const { baseURL: downURL } = await down.start();
    await down.close();
    const { code, stderr } = await run([
      "run",
      "--benchmark",
      "humaneval",
      "--limit",
      "1",
      "--base-url",
      downURL,
      "--model",
      "policy",
      "--n",
      "1",
      "--n-tests",
      "1",
      "--max-retries",
      "1",
      "--no-cache",
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot reach ${downURL}`);
  }, 60_000);

  it("refuses a solution template for tests, naming the flag", async () => {
    const { code, stderr } = await run([
      "run",
      "--benchmark",
      "humaneval",
      "--model",
      "policy",
      "--test-template",
      "instruct",
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/template "instruct" makes solutions, not tests/);
  });
});
