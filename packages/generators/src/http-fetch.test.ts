import { createOpenAITestServer, testTls } from "@coderm/openai-test-server";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpFetch } from "./http-fetch.js";

const server = createOpenAITestServer({
  models: ["policy"],
  respond: (request) => `answer ${request.sampleIndex} to ${request.messages?.at(-1)?.content}`,
});
let client: OpenAI;
let baseURL: string;

beforeAll(async () => {
  ({ baseURL } = await server.start());
  client = new OpenAI({ baseURL, apiKey: "k", fetch: createHttpFetch(), maxRetries: 0 });
});
afterAll(() => server.close());

describe("createHttpFetch", () => {
  it("carries the SDK's requests and whole responses, headers included", async () => {
    const response = await client.chat.completions.create({
      model: "policy",
      n: 2,
      messages: [{ role: "user", content: "q" }],
    });
    expect(response.choices.map((choice) => choice.message.content)).toEqual([
      "answer 0 to q",
      "answer 1 to q",
    ]);
    const sent = server.requests.at(-1)!;
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.headers.authorization).toBe("[redacted]");
  });

  it("streams server-sent events as they come", async () => {
    const stream = await client.chat.completions.create({
      model: "policy",
      stream: true,
      messages: [{ role: "user", content: "s" }],
    });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toBe("answer 0 to s");
  });

  it("turns error statuses into the SDK's errors, and aborts on the signal", async () => {
    server.failNext({ status: 429, retryAfterSeconds: 1 });
    await expect(
      client.chat.completions.create({
        model: "policy",
        messages: [{ role: "user", content: "e" }],
      }),
    ).rejects.toMatchObject({ status: 429 });
    server.failNext({ kind: "slow", ms: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      client.chat.completions.create(
        { model: "policy", messages: [{ role: "user", content: "a" }] },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it("refuses protocols other than http and https", async () => {
    await expect(createHttpFetch()("ftp://example.invalid/x")).rejects.toThrow(
      "unsupported protocol ftp:",
    );
  });
});

describe("createHttpFetch over https", () => {
  const secure = createOpenAITestServer({
    models: ["policy"],
    respond: () => "over tls",
    tls: testTls,
  });
  let secureURL: string;
  beforeAll(async () => {
    ({ baseURL: secureURL } = await secure.start());
  });
  afterAll(() => secure.close());

  it("carries whole and streamed responses when the server's authority is trusted", async () => {
    expect(secureURL).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const trusting = new OpenAI({
      baseURL: secureURL,
      apiKey: "k",
      fetch: createHttpFetch({ ca: testTls.cert }),
      maxRetries: 0,
    });
    const whole = await trusting.chat.completions.create({
      model: "policy",
      messages: [{ role: "user", content: "q" }],
    });
    expect(whole.choices[0]?.message.content).toBe("over tls");
    const stream = await trusting.chat.completions.create({
      model: "policy",
      stream: true,
      messages: [{ role: "user", content: "s" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toBe("over tls");
    expect(secure.requests).toHaveLength(2);
  });

  it("refuses a certificate nothing vouches for", async () => {
    const strict = new OpenAI({
      baseURL: secureURL,
      apiKey: "k",
      fetch: createHttpFetch(),
      maxRetries: 0,
    });
    const error = await strict.chat.completions
      .create({ model: "policy", messages: [{ role: "user", content: "q" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe(
      "DEPTH_ZERO_SELF_SIGNED_CERT",
    );
  });
});
