import { CodermError } from "@coderm/core";
import type { OpenAITestServer } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { parseRetryAfter, serverMessage } from "./http-client.js";
import { rewardCandidate, startRewardServer, testProblem } from "./reward-server-fixture.js";
import { createServedRewardModel } from "./served-reward-model.js";

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function codermModel(settings: Record<string, unknown> = {}) {
  const started = await startRewardServer({ rewardServer: "coderm-nt" });
  server = started.server;
  return createServedRewardModel({
    baseURL: started.root,
    protocol: "coderm-nt",
    retryBaseDelayMs: 1,
    ...settings,
  });
}

const input = { problem: testProblem, candidates: [rewardCandidate(1.5)] };

async function failure(promise: Promise<unknown>): Promise<CodermError> {
  try {
    await promise;
  } catch (error) {
    if (CodermError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("retries", () => {
  it("retries 503s and succeeds", async () => {
    const model = await codermModel();
    server!.failNext({ status: 503 }, 2);
    expect(await model.score(input)).toEqual([1.5]);
    expect(server!.requests).toHaveLength(3);
  });

  it("waits what Retry-After says on a 429", async () => {
    const model = await codermModel();
    server!.failNext({ status: 429, retryAfterSeconds: 0.3 });
    expect(await model.score(input)).toEqual([1.5]);
    const [first, second] = server!.requests;
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(280);
  });

  it("retries a connection dropped before or during the answer", async () => {
    const model = await codermModel();
    server!.failNext({ kind: "drop", when: "before-headers" });
    server!.failNext({ kind: "drop", when: "mid-body" });
    expect(await model.score(input)).toEqual([1.5]);
    expect(server!.requests).toHaveLength(3);
  });

  it("gives up after `retries` with an unavailable error naming URL, protocol and message", async () => {
    const model = await codermModel({ retries: 2, apiKey: "sk-secret" });
    server!.failNext({ status: 503, message: "model is loading" }, 5);
    const error = await failure(model.score(input));
    expect(error.code).toBe("unavailable");
    expect(error.message).toContain(`POST ${server!.baseURL.replace(/\/v1$/, "")}/predict`);
    expect(error.message).toContain("coderm-nt");
    expect(error.message).toContain("503: model is loading");
    expect(error.message).toContain("after 3 attempts");
    expect(error.message).not.toContain("sk-secret");
    expect(error.details).toMatchObject({ status: 503, protocol: "coderm-nt" });
    expect(server!.requests).toHaveLength(3);
  });

  it("does not retry a 4xx: a rejection with the server's message", async () => {
    const started = await startRewardServer({ rewardServer: "tei" });
    server = started.server;
    const model = createServedRewardModel({ baseURL: started.root, protocol: "coderm-nt" });
    const error = await failure(model.score(input));
    expect(error.code).toBe("rejected");
    expect(error.message).toContain("422: Failed to deserialize the JSON body");
    expect(server!.requests).toHaveLength(1);
  });

  it("times out a slow attempt and retries it", async () => {
    const model = await codermModel({ timeoutMs: 150, retries: 1 });
    server!.failNext({ kind: "slow", ms: 600 });
    expect(await model.score(input)).toEqual([1.5]);
    server!.reset();
    server!.failNext({ kind: "slow", ms: 600 }, 2);
    const error = await failure(model.score({ ...input, candidates: [rewardCandidate(2)] }));
    expect(error.code).toBe("timeout");
  });

  it("reports a 2xx that is not JSON as a parse error, without retrying", async () => {
    const model = await codermModel();
    server!.failNext({ kind: "malformed" });
    const error = await failure(model.score(input));
    expect(error.code).toBe("parse-error");
    expect(server!.requests).toHaveLength(1);
  });

  it("reports an unreachable server as unavailable", async () => {
    const model = await codermModel({ retries: 1 });
    await server!.close();
    const error = await failure(model.score(input));
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/cannot connect: ECONNREFUSED/);
  });

  it("cancels in-flight requests and backoff waits with the model's signal", async () => {
    const controller = new AbortController();
    const model = await codermModel({ signal: controller.signal });
    server!.failNext({ kind: "slow", ms: 2000 });
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(model.score(input));
    expect(error.code).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("reading answers", () => {
  it("reads Retry-After as seconds or as a date", () => {
    expect(parseRetryAfter("1.5")).toBe(1500);
    expect(parseRetryAfter(null)).toBeUndefined();
    const later = parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())!;
    expect(later).toBeGreaterThan(8_000);
    expect(later).toBeLessThanOrEqual(10_000);
  });

  it("finds the message of each server's error shape", () => {
    expect(serverMessage('{"object":"error","message":"flat"}')).toBe("flat");
    expect(serverMessage('{"error":{"message":"nested"}}')).toBe("nested");
    expect(serverMessage('{"error":"tei says","error_type":"Validation"}')).toBe("tei says");
    expect(serverMessage('{"detail":[{"loc":["body","response"],"msg":"Field required"}]}')).toBe(
      "body.response: Field required",
    );
    expect(serverMessage("plain text")).toBe("plain text");
    expect(serverMessage("")).toBe("(empty body)");
  });
});
