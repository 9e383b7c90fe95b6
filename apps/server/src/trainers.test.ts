import { type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRewardServer, type RewardServer } from "./server.js";

let opened: OpenedExecutor;
let server: RewardServer;

beforeAll(async () => {
  opened = await openExecutor({ workers: 2, cache: false });
  server = await createRewardServer({ executor: opened, logLevel: "silent" });
});
afterAll(async () => {
  await server.close(0);
  await opened.close();
});

const post = async (url: string, payload: unknown) => {
  const response = await server.app.inject({ method: "POST", url, payload: payload as object });
  return { statusCode: response.statusCode, body: response.json(), headers: response.headers };
};

const right = "```python\ndef f(x):\n    return 2 * x\n```";
const wrong = "```python\ndef f(x):\n    return x\n```";
const label = JSON.stringify(["assert f(21) == 42"]);

describe("OpenRLHF's remote reward model", () => {
  it("takes query, prompts and labels exactly as OpenRLHF sends them", async () => {
    const prompt = "<|user|>Write f that doubles x.<|assistant|>";
    const { statusCode, body } = await post("/openrlhf", {
      query: [prompt + right, prompt + wrong, prompt + right],
      prompts: [prompt, prompt, prompt],
      labels: [label, label, JSON.stringify({ inputs: ["21\n"], outputs: ["42\n"] })],
    });
    expect(statusCode).toBe(200);
    expect(body).toEqual({
      rewards: [1, 0, 0],
      scores: [1, 0, 0],
      extra_logs: {
        pass_ratio: [1, 0, 0],
        no_code: [0, 0, 0],
        timeout: [0, 0, 0],
        error: [0, 0, 0],
      },
    });
  });

  it("answers empty lists with empty lists", async () => {
    const { statusCode, body } = await post("/openrlhf", { query: [], prompts: [], labels: [] });
    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ rewards: [], scores: [] });
  });

  it("answers 503 rather than a number for an item it could not judge", async () => {
    const { statusCode, body, headers } = await post("/openrlhf", {
      query: [right],
      prompts: [""],
      labels: [JSON.stringify({ tests: ["assert f(1) == 2"], mode: "rm" })],
    });
    expect(statusCode).toBe(503);
    expect(headers["retry-after"]).toBe("1");
    expect(body.error.code).toBe("unavailable");
  });

  it("names the label that holds no tests", async () => {
    const { statusCode, body } = await post("/openrlhf", {
      query: [right],
      prompts: [""],
      labels: ["double it"],
    });
    expect(statusCode).toBe(400);
    expect(body.error.field).toBe("labels[0]");
  });
});

describe("slime's remote reward model", () => {
  it("answers a JSON number, or an object for --reward-key", async () => {
    expect((await post("/slime", { prompt: "p", response: right, label })).body).toBe(1);
    expect((await post("/slime", { prompt: "p", response: wrong, label })).body).toBe(0);
    const object = await post("/slime?format=object", { prompt: "p", response: right, label });
    expect(object.body).toEqual({ reward: 1, status: "ok", passed: 1, total: 1 });
  });
});

describe("CodeRM-NT's /execute", () => {
  it("gives 1 only when the tests hold, and 0 to an early sys.exit(0)", async () => {
    const code = "assert f(21) == 42";
    expect((await post("/execute", { question: "q", response: right, code })).body).toEqual({
      rewards: 1,
    });
    const exits = "```python\nimport sys\nsys.exit(0)\ndef f(x):\n    return x\n```";
    expect((await post("/execute", { question: "q", response: exits, code })).body).toEqual({
      rewards: 0,
    });
  });
});

describe("SandboxFusion's /run_code", () => {
  it("runs a script with stdin and answers in SandboxFusion's shape", async () => {
    const { body } = await post("/run_code", {
      code: "print(2 * int(input()))",
      language: "python",
      stdin: "21\n",
      run_timeout: 5,
      compile_timeout: 5,
      memory_limit_MB: 512,
      files: {},
      fetch_files: [],
    });
    expect(body).toMatchObject({
      status: "Success",
      compile_result: null,
      run_result: { status: "Finished", return_code: 0, stdout: "42\n", stderr: "" },
    });
    expect(body.run_result.execution_time).toBeGreaterThan(0);
  });

  it("reports exceptions, exit codes and timeouts as SandboxFusion does", async () => {
    const raised = await post("/run_code", { code: "raise ValueError('bad')", language: "python" });
    expect(raised.body).toMatchObject({
      status: "Failed",
      run_result: { status: "Finished", return_code: 1 },
    });
    expect(raised.body.run_result.stderr).toContain("ValueError");
    const exited = await post("/run_code", { code: "import sys\nsys.exit(3)", language: "python" });
    expect(exited.body.run_result).toMatchObject({ status: "Finished", return_code: 3 });
    const slow = await post("/run_code", {
      code: "while True:\n    pass",
      language: "python",
      run_timeout: 0.5,
    });
    expect(slow.body).toMatchObject({
      status: "Failed",
      run_result: { status: "TimeLimitExceeded" },
    });
  });

  it("refuses other languages and files with a SandboxError", async () => {
    expect((await post("/run_code", { code: "int main(){}", language: "cpp" })).body).toMatchObject(
      {
        status: "SandboxError",
      },
    );
    const files = await post("/run_code", {
      code: "print(1)",
      language: "python",
      files: { "a.txt": "eA==" },
    });
    expect(files.body.status).toBe("SandboxError");
  });
});
