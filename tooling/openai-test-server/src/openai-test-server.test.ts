import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAITestServer, type OpenAITestServer } from "./index.js";

const MODEL = "Qwen/Qwen2.5-Coder-7B-Instruct";

describe("OpenAI test server with the real openai SDK", () => {
  let server: OpenAITestServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = createOpenAITestServer({
      models: [MODEL],
      respond: (request) => {
        if (request.endpoint === "completions")
          return `def f():\n    return ${request.sampleIndex}`;
        const last = request.messages?.at(-1)?.content;
        return `answer ${request.sampleIndex} to ${String(last)}`;
      },
    });
    const { baseURL } = await server.start();
    client = new OpenAI({ baseURL, apiKey: "sk-test-secret", maxRetries: 2 });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    server.reset();
  });

  it("lists the configured models", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual([MODEL]);
  });

  it("answers chat with n=3 samples and whitespace-word usage", async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "add two numbers" },
      ],
      n: 3,
      temperature: 0.8,
      top_p: 0.95,
      seed: 7,
      max_tokens: 100,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(completion.choices.map((c) => c.message.content)).toEqual([
      "answer 0 to add two numbers",
      "answer 1 to add two numbers",
      "answer 2 to add two numbers",
    ]);
    expect(completion.choices.every((c) => c.finish_reason === "stop")).toBe(true);
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 18, total_tokens: 23 });
    expect(server.requests).toHaveLength(1);
    const recorded = server.requests[0]!;
    expect(recorded.method).toBe("POST");
    expect(recorded.path).toBe("/v1/chat/completions");
    expect(recorded.body).toMatchObject({ n: 3, seed: 7, temperature: 0.8, top_p: 0.95 });
    expect(recorded.headers.authorization).toBe("[redacted]");
    expect(JSON.stringify(recorded)).not.toContain("sk-test-secret");
  });

  it("answers completions, applying stop and max_tokens", async () => {
    const completion = await client.completions.create({
      model: MODEL,
      prompt: "def f():",
      n: 2,
      stop: ["\n"],
    });
    expect(completion.object).toBe("text_completion");
    expect(completion.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, "def f():", "stop"],
      [1, "def f():", "stop"],
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });

    const truncated = await client.completions.create({ model: MODEL, prompt: "x", max_tokens: 3 });
    expect(truncated.choices[0]!.text).toBe("def f():\n    return");
    expect(truncated.choices[0]!.finish_reason).toBe("length");
  });

  it("streams chat chunks with a final usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hi there" }],
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ["", ""];
    const finishes: (string | null)[] = [null, null];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.delta.content ?? "";
        if (choice.finish_reason) finishes[choice.index] = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts).toEqual(["answer 0 to hi there", "answer 1 to hi there"]);
    expect(finishes).toEqual(["stop", "stop"]);
    expect(usage).toEqual({ prompt_tokens: 2, completion_tokens: 10, total_tokens: 12 });
  });

  it("streams completions ending in [DONE]", async () => {
    const stream = await client.completions.create({ model: MODEL, prompt: "p", stream: true });
    let text = "";
    for await (const chunk of stream) {
      expect(chunk.object).toBe("text_completion");
      text += chunk.choices[0]?.text ?? "";
    }
    expect(text).toBe("def f():\n    return 0");
    const response = await fetch(`${server.baseURL}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, prompt: "p", stream: true }),
    });
    const raw = await response.text();
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("retries a 429 with Retry-After and then succeeds", async () => {
    server.failNext({ status: 429, retryAfterSeconds: 0.2 }, 2);
    const started = Date.now();
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "q" }],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(completion.choices[0]!.message.content).toBe("answer 0 to q");
    expect(server.requests).toHaveLength(3);
  });

  it("surfaces a 429 as RateLimitError when retries run out", async () => {
    server.failNext({ status: 429, retryAfterSeconds: 0 }, 5);
    const error = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "q" }] }, { maxRetries: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(server.requests).toHaveLength(2);
  });

  it("retries a 500 and then succeeds", async () => {
    server.failNext({ status: 500 });
    const completion = await client.completions.create({ model: MODEL, prompt: "p" });
    expect(completion.choices[0]!.text).toBe("def f():\n    return 0");
    expect(server.requests).toHaveLength(2);
  });

  it("retries a connection dropped before headers", async () => {
    server.failNext({ kind: "drop", when: "before-headers" });
    const completion = await client.completions.create({ model: MODEL, prompt: "p" });
    expect(completion.choices[0]!.text).toBe("def f():\n    return 0");
    expect(server.requests).toHaveLength(2);
  });

  it("surfaces a connection dropped before headers as APIConnectionError without retries", async () => {
    server.failNext({ kind: "drop", when: "before-headers" });
    const error = await client.completions
      .create({ model: MODEL, prompt: "p" }, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it("fails when the connection drops mid-body", async () => {
    server.failNext({ kind: "drop" });
    await expect(
      client.completions.create({ model: MODEL, prompt: "p" }, { maxRetries: 0 }),
    ).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
  });

  it("surfaces an unknown model as NotFoundError with vLLM's message", async () => {
    const error = await client.chat.completions
      .create({ model: "nope", messages: [{ role: "user", content: "q" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as { status?: number }).status).toBe(404);
    expect(server.requests).toHaveLength(1);

    const response = await fetch(`${server.baseURL}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "x", prompt: "p" }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      object: "error",
      message: "The model `x` does not exist.",
      type: "NotFoundError",
      param: null,
      code: 404,
    });
  });

  it("rejects a malformed 200 body", async () => {
    server.failNext({ kind: "malformed" });
    await expect(
      client.completions.create({ model: MODEL, prompt: "p" }, { maxRetries: 0 }),
    ).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
  });

  it("answers slowly and times out the SDK", async () => {
    server.failNext({ kind: "slow", ms: 300 });
    const error = await client.completions
      .create({ model: MODEL, prompt: "p" }, { maxRetries: 0, timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it("validates sampling parameters with 400", async () => {
    const error = await client.completions
      .create({ model: MODEL, prompt: "p", n: 0 }, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("scripted faults and settings", () => {
  it("lets respond return a fault, texts per sample, and adds latency", async () => {
    let calls = 0;
    const server = createOpenAITestServer({
      latencyMs: 50,
      errorShape: "nested",
      respond: () => {
        calls++;
        return calls === 1 ? { status: 503, message: "busy" } : ["first", "second"];
      },
    });
    const { baseURL, close } = await server.start();
    try {
      const client = new OpenAI({ baseURL, apiKey: "k", maxRetries: 1 });
      const started = Date.now();
      const completion = await client.completions.create({
        model: "test-model",
        prompt: "p",
        n: 3,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(completion.choices.map((c) => c.text)).toEqual(["first", "second", "second"]);
      expect(server.requests).toHaveLength(2);

      const response = await fetch(`${baseURL}/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "other", prompt: "p" }),
      });
      expect(await response.json()).toEqual({
        error: {
          message: "The model `other` does not exist.",
          type: "NotFoundError",
          param: null,
          code: 404,
        },
      });
    } finally {
      await close();
    }
  });

  it("reuses keep-alive connections", async () => {
    await using server = createOpenAITestServer();
    await server.start();
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: "k" });
    for (let i = 0; i < 3; i++) {
      await client.completions.create({ model: "test-model", prompt: "p" });
    }
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.headers.connection !== "close")).toBe(true);
  });
});
