import { stringifyJson } from "@coderm/core";
import { createProblemLookup, type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRewardServer, type RewardServer } from "./server.js";

requireDataDir();

let opened: OpenedExecutor;
let server: RewardServer;

beforeAll(async () => {
  opened = await openExecutor({ workers: 2, cache: false });
  server = await createRewardServer({
    executor: opened,
    problems: createProblemLookup({ executor: opened.executor }),
    logLevel: "silent",
  });
});
afterAll(async () => {
  await server.close(0);
  await opened.close();
});

const block = (code: string) => `Sure:\n\`\`\`python\n${code}\n\`\`\`\n`;
const doubling = block("def f(x):\n    return 2 * x");

async function reward(items: unknown[], headers: Record<string, string> = {}) {
  const response = await server.app.inject({
    method: "POST",
    url: "/v1/reward",
    payload: { items },
    headers,
  });
  return { statusCode: response.statusCode, body: response.json() };
}

describe("POST /v1/reward", () => {
  it("rewards each response by its tests, with a status that says how the reward came about", async () => {
    const tests = ["assert f(21) == 42", { kind: "call", fn: "f", args: [0], expected: 0 }];
    const { statusCode, body } = await reward([
      { id: "right", response: doubling, tests },
      { id: "wrong", response: block("def f(x):\n    return x + 21"), tests },
      { id: "raises", response: block("def f(x):\n    raise ValueError(x)"), tests },
      { id: "none", response: "I would double it.", tests, penalties: { noCode: -1 } },
      {
        id: "ratio",
        response: block("def f(x):\n    return x + 21"),
        tests,
        shaping: "pass-ratio",
      },
      { id: "rm", response: doubling, tests, mode: "rm" },
    ]);
    expect(statusCode).toBe(200);
    expect(body.results).toMatchObject([
      { id: "right", reward: 1, status: "ok", passed: 2, total: 2 },
      { id: "wrong", reward: 0, status: "ok", passed: 1, total: 2 },
      { id: "raises", reward: 0, status: "error", passed: 0 },
      { id: "none", reward: -1, status: "no_code" },
      { id: "ratio", reward: 0.5, status: "ok" },
      { id: "rm", reward: null, status: "unavailable" },
    ]);
    expect(body.results[5].message).toContain("reward model");
  });

  it("gives 0 to a function that raises where the expected output is empty (veRL PR #7853)", async () => {
    // a wrapper that catches the exception and prints nothing would match an empty expected stdout
    const raising = block("def f(x):\n    raise RuntimeError('no')\nprint(f(input()))");
    const { body } = await reward([
      { response: raising, tests: { inputs: ["1\n"], outputs: [""] } },
      {
        response: block("def f(x):\n    raise RuntimeError('no')"),
        tests: { inputs: [[1]], outputs: [null], fn_name: "f" },
      },
    ]);
    expect(body.results).toMatchObject([
      { reward: 0, status: "error" },
      { reward: 0, status: "error" },
    ]);
  });

  it("judges a known problem by its ground truth: HumanEval+ as EvalPlus does", async () => {
    const sortedNeighbours =
      "from typing import List\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    s = sorted(numbers)\n    return any(b - a <= threshold for a, b in zip(s, s[1:]))";
    const problem = { benchmark: "humaneval+", id: "HumanEval/0" };
    const canonical =
      "from typing import List\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    s = sorted(numbers)\n    return any(b - a < threshold for a, b in zip(s, s[1:]))";
    const { body } = await reward([
      { problem, tests: "ground-truth", response: block(canonical) },
      { problem, tests: "ground-truth", response: block(sortedNeighbours) },
      {
        problem: { benchmark: "humaneval", id: "HumanEval/0" },
        tests: "ground-truth",
        response: block(sortedNeighbours),
      },
    ]);
    expect(body.results.map((result: { reward: number }) => result.reward)).toEqual([1, 0, 1]);
    expect(body.results[0].total).toBeGreaterThan(100);
  });

  it("answers first-k from the first k tests only, and verdicts when asked", async () => {
    const { body } = await reward([
      {
        response: block("def f(x):\n    return 2 * x if x < 5 else 0"),
        tests: ["assert f(1) == 2", "assert f(2) == 4", "assert f(9) == 18"],
        shaping: "first-k",
        k: 2,
        verdicts: true,
      },
    ]);
    expect(body.results[0]).toMatchObject({ reward: 1, passed: 2, total: 2 });
    expect(body.results[0].verdicts.map((verdict: { status: string }) => verdict.status)).toEqual([
      "pass",
      "pass",
    ]);
  });

  it("names the field of a malformed item, an unknown problem, and malformed JSON", async () => {
    const missing = await reward([{ response: doubling }]);
    expect(missing.statusCode).toBe(400);
    expect(missing.body.error.field).toBe("items.0.tests");
    const unknown = await reward([
      {
        response: doubling,
        problem: { benchmark: "humaneval", id: "HumanEval/999" },
        tests: "ground-truth",
      },
    ]);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body.error).toMatchObject({ field: "items[0].problem.id" });
    const callWithoutFunction = await reward([
      { response: doubling, tests: [{ kind: "call", args: [1], expected: 2 }] },
    ]);
    expect(callWithoutFunction.statusCode).toBe(400);
    expect(callWithoutFunction.body.error.field).toBe("items[0].tests[0]");
    const malformed = await server.app.inject({
      method: "POST",
      url: "/v1/reward",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe("bad-request");
  });

  it("stops an all-pass reward at the first failing test: a hanging program costs one time limit", async () => {
    const hangs = block("def f(x):\n    while True:\n        pass");
    const before = opened.stats.executed;
    const { body } = await reward([
      { response: hangs, tests: ["assert f(1) == 2", "assert f(2) == 4", "assert f(3) == 6"] },
    ]);
    // only the first test ran (twice at most: a timeout the machine's load caused runs again);
    // the service's limit is 3 s a test, so all three would take 9 s
    expect(opened.stats.executed - before).toBeLessThan(3);
    expect(body.results[0]).toMatchObject({ reward: 0, status: "timeout", passed: 0, total: 3 });
  });

  it("ends a request at its deadline with timeout, and never hangs", async () => {
    const slow = block("import time\ndef f(x):\n    time.sleep(2)\n    return 2 * x");
    const started = Date.now();
    const { body } = await reward([{ response: slow, tests: ["assert f(1) == 2"] }], {
      "x-deadline-ms": "300",
    });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(body.results[0]).toMatchObject({ reward: null, status: "timeout" });
  });
});

describe("large integers and non-finite floats", () => {
  it("keeps an expected value beyond 2^53 exact, as Python's json reads it", async () => {
    const bigCall = { kind: "call", fn: "f", args: [70], expected: 2n ** 70n };
    const response = await server.app.inject({
      method: "POST",
      url: "/v1/reward",
      headers: { "content-type": "application/json" },
      // written as Python's json writes them: a bare big integer, -Infinity
      payload: stringifyJson({
        items: [
          { response: block("def f(n):\n    return 2 ** n"), tests: [bigCall] },
          { response: block("def f(n):\n    return 2 ** n - 1"), tests: [bigCall] },
          {
            response: block("def f(n):\n    return float('-inf')"),
            tests: [{ kind: "call", fn: "f", args: [0], expected: Number.NEGATIVE_INFINITY }],
          },
        ],
      }),
    });
    expect(response.json()).toMatchObject({
      results: [{ reward: 1 }, { reward: 0 }, { reward: 1 }],
    });
  });
});

describe("POST /v1/execute", () => {
  it("streams the verdict matrix as NDJSON", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/v1/execute",
      payload: {
        candidates: [
          { code: "def f(x):\n    return 2 * x" },
          { id: "b", code: "def f(x):\n    return x" },
        ],
        tests: ["assert f(2) == 4", { kind: "stdio", stdin: "", stdout: "" }],
      },
    });
    expect(response.headers["content-type"]).toContain("application/x-ndjson");
    const lines = response.body
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toEqual({ done: true, verdicts: 4 });
    const cells = lines
      .slice(0, -1)
      .map((line) => `${line.candidate}/${line.test}:${line.status}`)
      .sort();
    expect(cells).toEqual(["0/0:pass", "0/1:pass", "b/0:fail", "b/1:pass"]);
  });
});

describe("POST /v1/rerank", () => {
  it("picks the candidate the tests agree on", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/v1/rerank",
      payload: {
        problems: [
          {
            id: "double",
            entryPoint: "f",
            candidates: [
              "def f(x):\n    return x + x",
              "def f(x):\n    return x + 2",
              "def f(x):\n    return 2 * x",
            ],
            tests: ["assert f(3) == 6", "assert f(5) == 10", "assert f(2) == 4"],
          },
        ],
        methods: ["codet", "pass-ratio"],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().problems[0]).toEqual({
      id: "double",
      picks: { codet: [0, 2], "pass-ratio": [0, 2] },
    });
  });
});

describe("service routes", () => {
  it("serves health, readiness, metrics and its OpenAPI document", async () => {
    expect((await server.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await server.app.inject({ url: "/readyz" })).json()).toMatchObject({ status: "ready" });
    const metrics = await server.app.inject({ url: "/metrics" });
    expect(metrics.body).toContain("coderm_requests_total");
    expect(metrics.body).toContain('coderm_reward_items_total{status="ok"}');
    expect(metrics.body).toContain("coderm_queue_depth");
    expect(metrics.body).toMatch(/coderm_verdicts\{status="pass"\} [1-9]/);
    const openapi = (await server.app.inject({ url: "/openapi.json" })).json();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        "/v1/reward",
        "/v1/execute",
        "/v1/rerank",
        "/openrlhf",
        "/slime",
        "/run_code",
        "/execute",
      ]),
    );
    const docs = await server.app.inject({ url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain("swagger");
  });

  it("answers an unknown route with 404 in its error shape", async () => {
    const response = await server.app.inject({ method: "POST", url: "/v2/reward", payload: {} });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not-found");
  });
});
