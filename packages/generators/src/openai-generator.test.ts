import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Completion, GenerationJob } from "@coderm/core";
import { CodermError } from "@coderm/core";
import { createOpenAITestServer } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteGenerationCache } from "./generation-cache.js";
import { createOpenAIGenerator } from "./openai-generator.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(settings: Parameters<typeof createOpenAITestServer>[0] = {}) {
  const server = createOpenAITestServer({
    models: ["policy"],
    respond: (request) =>
      `${request.endpoint}:${request.messages?.at(-1)?.content ?? request.prompt}:${request.sampleIndex}`,
    ...settings,
  });
  const { baseURL } = await server.start();
  servers.push(server);
  return { server, baseURL };
}

async function collect(iterable: AsyncIterable<Completion>): Promise<Completion[]> {
  const out: Completion[] = [];
  for await (const completion of iterable) out.push(completion);
  return out.sort((a, b) => a.jobId.localeCompare(b.jobId) || a.index - b.index);
}

const chat = (id: string, n: number): GenerationJob => ({
  id,
  template: "instruct",
  messages: [{ role: "user", content: id }],
  n,
});

describe("OpenAI generator", () => {
  it("samples n chat completions per job in one request each, and accounts usage", async () => {
    const { server, baseURL } = await serve();
    const generator = createOpenAIGenerator({ model: "policy", baseURL, cache: false });
    const out = await collect(generator.generate([chat("a", 3), chat("b", 2)]));
    expect(out.map((c) => `${c.jobId}${c.index}:${c.text}`)).toEqual([
      "a0:chat:a:0",
      "a1:chat:a:1",
      "a2:chat:a:2",
      "b0:chat:b:0",
      "b1:chat:b:1",
    ]);
    expect(server.requests.map((request) => (request.body as { n: number }).n).sort()).toEqual([
      2, 3,
    ]);
    expect(generator.usage.requests).toBe(2);
    expect(generator.usage.completionTokens).toBeGreaterThan(0);
  });

  it("keeps requesting while the caller is busy with what it already has", async () => {
    const { server, baseURL } = await serve();
    const generator = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: false,
      concurrency: 1,
    });
    const jobs = ["a", "b", "c", "d"].map((id) => chat(id, 1));
    const seen: string[] = [];
    for await (const completion of generator.generate(jobs)) {
      seen.push(completion.jobId);
      if (seen.length === 1) {
        // The caller dwells on its first completion; the other jobs go out meanwhile, one at a time.
        const deadline = Date.now() + 5000;
        while (server.requests.length < 4 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 10));
        expect(server.requests).toHaveLength(4);
      }
    }
    expect(seen.sort()).toEqual(["a", "b", "c", "d"]);
  });

  it("drops a failed job when told to, and ends the stream when not", async () => {
    const { baseURL } = await serve({
      respond: (request) =>
        request.messages?.at(-1)?.content === "bad" ? { status: 400, message: "too long" } : "ok",
    });
    const generator = createOpenAIGenerator({ model: "policy", baseURL, cache: false });
    const dropped: string[] = [];
    const out = await collect(
      generator.generate([chat("a", 1), chat("bad", 1), chat("c", 1)], {
        onJobError: (job, error) => {
          dropped.push(`${job.id}: ${(error as Error).message}`);
          return true;
        },
      }),
    );
    expect(out.map((completion) => completion.jobId)).toEqual(["a", "c"]);
    expect(dropped).toEqual([expect.stringMatching(/^bad: .*400.*too long/)]);
    await expect(
      collect(generator.generate([chat("bad", 1)], { onJobError: () => false })),
    ).rejects.toThrow(/400/);
  });

  it("uses plain completions for prompts, with the sampling parameters", async () => {
    const { server, baseURL } = await serve();
    const generator = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: false,
      sampling: { temperature: 0.8, topP: 0.95, maxTokens: 300, stop: ["\ndef"], seed: 7 },
    });
    const out = await collect(
      generator.generate([{ id: "p", template: "completion", prompt: "def f():", n: 2 }]),
    );
    expect(out.map((c) => c.text)).toEqual(["completions:def f()::0", "completions:def f()::1"]);
    expect(server.requests[0]!.path).toBe("/v1/completions");
    expect(server.requests[0]!.body).toMatchObject({
      temperature: 0.8,
      top_p: 0.95,
      max_tokens: 300,
      stop: ["\ndef"],
      seed: 7,
      n: 2,
    });
  });

  it("asks again when a server returns fewer choices than n", async () => {
    // A server that ignores n (as some do): one choice whatever n was asked.
    const base = createOpenAITestServer({ models: ["policy"], respond: () => "one" });
    const { baseURL: single } = await base.start();
    servers.push(base);
    const generator = createOpenAIGenerator({
      model: "policy",
      baseURL: single,
      cache: false,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const body = (await response.json()) as { choices: unknown[] };
        body.choices = body.choices.slice(0, 1);
        return new Response(JSON.stringify(body), {
          status: response.status,
          headers: response.headers,
        });
      },
    });
    const out = await collect(generator.generate([chat("a", 3)]));
    expect(out.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(base.requests.map((request) => (request.body as { n: number }).n)).toEqual([3, 2, 1]);
  });

  it("retries 429 (honouring Retry-After) and 500s, and counts only served requests", async () => {
    const { server, baseURL } = await serve();
    server.failNext({ status: 429, retryAfterSeconds: 0.1 }, 2);
    server.failNext({ status: 500 }, 1);
    const generator = createOpenAIGenerator({ model: "policy", baseURL, cache: false });
    const out = await collect(generator.generate([chat("a", 1)]));
    expect(out).toHaveLength(1);
    expect(server.requests).toHaveLength(4);
    expect(generator.usage.requests).toBe(1);
  });

  it("stores every completion, so a rerun or a resumed run requests only what is missing", async () => {
    const { server, baseURL } = await serve();
    const path = join(await mkdtemp(join(tmpdir(), "coderm-gen-")), "generations.sqlite");
    const first = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: createSqliteGenerationCache({ path }),
    });
    await collect(first.generate([chat("a", 2)]));
    await first.close();
    expect(server.requests).toHaveLength(1);
    const second = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: createSqliteGenerationCache({ path }),
    });
    const out = await collect(second.generate([chat("a", 4), chat("b", 1)]));
    await second.close();
    expect(out.filter((c) => c.cached).map((c) => `${c.jobId}${c.index}`)).toEqual(["a0", "a1"]);
    // one request for a's samples 2-3 (n=2), one for b
    expect(
      server.requests
        .slice(1)
        .map((request) => (request.body as { n: number }).n)
        .sort(),
    ).toEqual([1, 2]);
    const third = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: createSqliteGenerationCache({ path }),
    });
    await collect(third.generate([chat("a", 4), chat("b", 1)]));
    await third.close();
    expect(server.requests).toHaveLength(3);
    expect(third.usage.cached).toBe(5);
  });

  it("names the server and model when the model is unknown, and never the key", async () => {
    const { baseURL } = await serve();
    const generator = createOpenAIGenerator({
      model: "nope",
      baseURL,
      apiKey: "sk-secret-123",
      cache: false,
    });
    const error = await collect(generator.generate([chat("a", 1)])).catch(
      (caught: unknown) => caught,
    );
    expect(CodermError.isInstance(error) && error.code).toBe("rejected");
    expect(String((error as Error).message)).toMatch(/model nope.*404/);
    expect(String((error as Error).message)).not.toContain("sk-secret");
  });

  it("says which server cannot be reached", async () => {
    const generator = createOpenAIGenerator({
      model: "policy",
      baseURL: "http://127.0.0.1:9/v1",
      cache: false,
      maxRetries: 0,
    });
    await expect(collect(generator.generate([chat("a", 1)]))).rejects.toThrow(
      /cannot reach http:\/\/127\.0\.0\.1:9\/v1 \(model policy\)/,
    );
  });

  it("stops at the request budget", async () => {
    const { baseURL } = await serve();
    const generator = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: false,
      requestBudget: 2,
      concurrency: 1,
    });
    const error = await collect(
      generator.generate([chat("a", 1), chat("b", 1), chat("c", 1)]),
    ).catch((caught: unknown) => caught);
    expect(CodermError.isInstance(error) && error.code).toBe("budget-exhausted");
    expect(generator.usage.requests).toBe(2);
  });

  it("reports a response that is not JSON", async () => {
    const { server, baseURL } = await serve();
    server.failNext({ kind: "malformed" }, 1);
    const generator = createOpenAIGenerator({
      model: "policy",
      baseURL,
      cache: false,
      maxRetries: 0,
    });
    await expect(collect(generator.generate([chat("a", 1)]))).rejects.toThrow();
  });
});
