import { afterEach, describe, expect, it } from "vitest";
import {
  createOpenAITestServer,
  type OpenAITestServer,
  type OpenAITestServerSettings,
  parseChatMl,
  type RewardScriptRequest,
} from "./index.js";

const MODEL = "Rishubi/CodeRM-NT";
const system = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";
const chatMl = (question: string, response: string) =>
  `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n${response}<|im_end|>\n`;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

let server: OpenAITestServer | undefined;
let root = "";
let seen: RewardScriptRequest[] = [];

/** A server whose reward is the response's length in characters minus 10. */
async function start(settings: OpenAITestServerSettings = {}) {
  seen = [];
  server = createOpenAITestServer({
    models: [MODEL],
    reward: (request) => {
      seen.push(request);
      return (request.response ?? "").length - 10;
    },
    ...settings,
  });
  const { port } = await server.start();
  root = `http://127.0.0.1:${port}`;
  return server;
}

async function post(path: string, body: unknown) {
  const response = await fetch(root + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the tests read many servers' answer shapes
  return { status: response.status, text, json: json as any };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("parseChatMl", () => {
  it("reads the user and assistant turns of Qwen2.5's template and nothing else", () => {
    expect(parseChatMl(chatMl("q\nline", "r"))).toEqual({ question: "q\nline", response: "r" });
    expect(parseChatMl("<|im_start|>user\nq<|im_end|>\n")).toBeNull();
  });
});

describe("vLLM /classify", () => {
  const messages = [
    { role: "user", content: "add" },
    { role: "assistant", content: "def add(a, b): return a + b" },
  ];

  it("answers the chat form with the raw logit when use_activation is false", async () => {
    await start();
    const { status, json } = await post("/classify", {
      model: MODEL,
      messages,
      use_activation: false,
      truncate_prompt_tokens: 2048,
    });
    expect(status).toBe(200);
    expect(json.object).toBe("list");
    expect(json.data).toEqual([{ index: 0, label: "LABEL_0", probs: [17], num_classes: 1 }]);
    expect(json.usage.completion_tokens).toBe(0);
    expect(seen[0]).toMatchObject({ endpoint: "vllm-classify", question: "add", truncate: 2048 });
    expect(server!.requests[0]!.body).toMatchObject({ use_activation: false });
  });

  it("applies the sigmoid when no activation field is sent", async () => {
    await start();
    const { json } = await post("/classify", { model: MODEL, messages });
    expect(json.data[0].probs[0]).toBeCloseTo(sigmoid(17), 10);
  });

  it("scores every string of the completion form, reading ChatML texts", async () => {
    await start();
    const { json } = await post("/classify", {
      input: [chatMl("q", "12345678901"), "plain text"],
      use_activation: false,
    });
    expect(json.data.map((d: { probs: number[] }) => d.probs[0])).toEqual([1, -10]);
    expect(seen.map((s) => [s.index, s.question])).toEqual([
      [0, "q"],
      [1, null],
    ]);
  });

  it("reads the activation fields of the version it plays, ignoring the others", async () => {
    await start({ vllmVersion: "0.10.2" });
    expect(await (await fetch(`${root}/version`)).json()).toEqual({ version: "0.10.2" });
    const ignored = await post("/classify", { messages, use_activation: false });
    expect(ignored.status).toBe(200);
    expect(ignored.json.data[0].probs[0]).toBeCloseTo(sigmoid(17), 10);
    const read = await post("/classify", { messages, activation: false });
    expect(read.json.data[0].probs[0]).toBe(17);
    await server!.close();
    await start({ vllmVersion: "0.9.2" });
    const none = await post("/classify", { messages, activation: false });
    expect(none.json.data[0].probs[0]).toBeCloseTo(sigmoid(17), 10);
  });

  it("rejects a body without input or messages, a bad truncation and an unknown model", async () => {
    await start();
    const missing = await post("/classify", { model: MODEL });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ object: "error", code: 400, type: "BadRequestError" });
    expect(missing.json.message).toMatch(/messages: Field required/);
    const truncation = await post("/classify", { messages, truncate_prompt_tokens: -2 });
    expect(truncation.status).toBe(400);
    expect(truncation.json.message).toMatch(/truncate_prompt_tokens/);
    const model = await post("/classify", { model: "other", messages });
    expect(model.status).toBe(404);
    expect(seen).toHaveLength(0);
  });

  it("nests its errors under the nested error shape", async () => {
    await start({ errorShape: "nested" });
    const { status, json } = await post("/classify", {});
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/Field required/);
  });
});

describe("vLLM /pooling", () => {
  for (const [shape, expected] of [
    ["scalar", 3],
    ["list", [3]],
    ["nested", [[3]]],
  ] as const) {
    it(`answers each item's data as the ${shape} shape`, async () => {
      await start({ poolingOutput: shape, reward: () => 3 });
      const { status, json } = await post("/pooling", {
        model: MODEL,
        messages: [{ role: "user", content: "q" }],
        use_activation: false,
      });
      expect(status).toBe(200);
      expect(json.data).toEqual([{ index: 0, object: "pooling", data: expected }]);
    });
  }
});

describe("SGLang", () => {
  it("answers /classify with a list of embeddings for a list of texts", async () => {
    await start();
    const { status, json } = await post("/classify", {
      model: MODEL,
      text: [chatMl("q", "abcdefghijkl"), chatMl("q", "a")],
    });
    expect(status).toBe(200);
    expect(json.map((item: { embedding: number[] }) => item.embedding)).toEqual([[2], [-9]]);
    expect(json[0].meta_info).toHaveProperty("prompt_tokens");
    expect(seen.map((s) => s.endpoint)).toEqual(["sglang-classify", "sglang-classify"]);
  });

  it("answers /classify with one object for one text", async () => {
    await start();
    const { json } = await post("/classify", { text: chatMl("q", "a") });
    expect(json.embedding).toEqual([-9]);
  });

  it("rejects /classify without text as SGLang does", async () => {
    await start({ rewardServer: "sglang" });
    const { status, json } = await post("/classify", {
      model: MODEL,
      messages: [{ role: "user", content: "q" }],
    });
    expect(status).toBe(400);
    expect(json).toEqual({ error: { message: "Either text or input_ids should be provided." } });
  });

  it("answers /v1/embeddings in OpenAI's shape and rejects a missing input", async () => {
    await start();
    const { json } = await post("/v1/embeddings", {
      model: MODEL,
      input: [chatMl("q", "abcdefghijk"), chatMl("q", "")],
    });
    expect(json.object).toBe("list");
    expect(json.data).toEqual([
      { embedding: [1], index: 0, object: "embedding" },
      { embedding: [-10], index: 1, object: "embedding" },
    ]);
    const missing = await post("/v1/embeddings", { model: MODEL });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/input/);
  });
});

describe("text-embeddings-inference /predict", () => {
  it("answers one input with one prediction list, sigmoid unless raw_scores", async () => {
    await start();
    const raw = await post("/predict", { inputs: chatMl("q", "a"), raw_scores: true });
    expect(raw.json).toEqual([{ score: -9, label: "LABEL_0" }]);
    const squashed = await post("/predict", { inputs: chatMl("q", "a") });
    expect(squashed.json[0].score).toBeCloseTo(sigmoid(-9), 10);
  });

  it("answers a batch with a list per input and passes the truncate flag", async () => {
    await start();
    const { json } = await post("/predict", {
      inputs: [[chatMl("q", "a")], [chatMl("q", "abcdefghijk")]],
      raw_scores: true,
      truncate: true,
    });
    expect(json).toEqual([[{ score: -9, label: "LABEL_0" }], [{ score: 1, label: "LABEL_0" }]]);
    expect(seen.map((s) => s.truncate)).toEqual([true, true]);
  });

  it("rejects malformed bodies with axum's 422 and big batches with TEI's 413", async () => {
    await start({ teiMaxClientBatchSize: 2 });
    const missing = await post("/predict", { raw_scores: true });
    expect(missing.status).toBe(422);
    expect(missing.text).toMatch(/missing field `inputs`/);
    const triple = await post("/predict", { inputs: ["a", "b", "c"] });
    expect(triple.status).toBe(422);
    expect(triple.text).toMatch(/invalid length 3/);
    const big = await post("/predict", { inputs: [["a"], ["b"], ["c"]] });
    expect(big.status).toBe(413);
    expect(big.json).toEqual({
      error: "batch size 3 > maximum allowed batch size 2",
      error_type: "Validation",
    });
    expect(seen).toHaveLength(0);
  });
});

describe("the CodeRM-NT server /predict", () => {
  it("scores the text after the last </think> and clips to [-4, 4]", async () => {
    await start();
    const { status, json } = await post("/predict", {
      question: "q",
      response: "<think>long</think>mid</think>abcdefghijklmnopqrstuvwxyz",
    });
    expect(status).toBe(200);
    expect(json).toEqual({ rewards: 4 });
    expect(seen[0]).toMatchObject({
      endpoint: "coderm-nt-predict",
      question: "q",
      response: "abcdefghijklmnopqrstuvwxyz",
    });
  });

  it("answers FastAPI's 422 for a missing field", async () => {
    await start({ rewardServer: "coderm-nt" });
    const { status, json } = await post("/predict", { question: "q", inputs: "x" });
    expect(status).toBe(422);
    expect(json.detail).toEqual([
      expect.objectContaining({ type: "missing", loc: ["body", "response"] }),
    ]);
  });
});

describe("one server kind at a time", () => {
  it("as TEI: other kinds' routes are 404 and a CodeRM-NT body misses `inputs`", async () => {
    await start({ rewardServer: "tei" });
    expect((await post("/classify", { messages: [] })).status).toBe(404);
    expect((await fetch(`${root}/version`)).status).toBe(404);
    const predict = await post("/predict", { question: "q", response: "r" });
    expect(predict.status).toBe(422);
    expect(predict.text).toMatch(/missing field `inputs`/);
  });

  it("as vLLM: /predict and /v1/embeddings are 404; chat routes still answer", async () => {
    await start({ rewardServer: "vllm" });
    expect((await post("/predict", { inputs: "x" })).status).toBe(404);
    expect((await post("/v1/embeddings", { input: "x" })).status).toBe(404);
    const chat = await post("/v1/chat/completions", {
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(chat.status).toBe(200);
  });

  it("answers 405 to a wrong method on a reward route", async () => {
    await start();
    expect((await fetch(`${root}/classify`)).status).toBe(405);
  });
});

describe("faults on reward routes", () => {
  it("applies queued faults and the script's faults, recording every request", async () => {
    await start({
      reward: (request) => (request.question === "busy" ? { status: 503, message: "loading" } : 1),
    });
    server!.failNext({ status: 429, retryAfterSeconds: 2 });
    const limited = await fetch(`${root}/predict`, {
      method: "POST",
      body: JSON.stringify({ question: "q", response: "r" }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    const busy = await post("/predict", { question: "busy", response: "r" });
    expect(busy.status).toBe(503);
    expect(busy.json.message).toBe("loading");
    expect((await post("/predict", { question: "q", response: "r" })).json).toEqual({ rewards: 1 });
    expect(server!.requests.map((r) => r.path)).toEqual(["/predict", "/predict", "/predict"]);
  });
});
