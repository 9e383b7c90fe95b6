import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRewardServer } from "./server.js";
import type { RewardServerSettings } from "./settings.js";
import { readTokens } from "./tokens.js";

let opened: OpenedExecutor;
beforeAll(async () => {
  opened = await openExecutor({ workers: 2, cache: false });
});
afterAll(() => opened.close());

const tokenA = "a".repeat(32);
const tokenB = "b".repeat(32);
const item = {
  response: "```python\ndef f(x):\n    return 2 * x\n```",
  tests: ["assert f(2) == 4"],
};
const slowItem = {
  response: "```python\nimport time\ndef f(x):\n    time.sleep(1)\n    return 2 * x\n```",
  tests: ["assert f(2) == 4"],
};

async function serverWith(settings: Partial<RewardServerSettings> = {}) {
  return createRewardServer({ executor: opened, logLevel: "silent", ...settings });
}

describe("bearer tokens and quotas", () => {
  it("answers 401 without a token, 403 with an unknown one, and serves a known one", async () => {
    const server = await serverWith({ tokens: [{ token: tokenA, name: "trainer" }] });
    try {
      const send = (headers: Record<string, string>) =>
        server.app.inject({
          method: "POST",
          url: "/v1/reward",
          payload: { items: [item] },
          headers,
        });
      const missing = await send({});
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error.code).toBe("unauthenticated");
      expect((await send({ authorization: `Bearer ${tokenB}` })).statusCode).toBe(403);
      const served = await send({ authorization: `Bearer ${tokenA}` });
      expect(served.statusCode).toBe(200);
      expect(served.json().results[0].reward).toBe(1);
      // health stays open to probes
      expect((await server.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    } finally {
      await server.close(0);
    }
  });

  it("holds each token to its concurrency and rate with 429 and Retry-After", async () => {
    const server = await serverWith({
      tokens: [
        { token: tokenA, name: "one-at-a-time", concurrency: 1 },
        { token: tokenB, name: "slow-rate", ratePerSecond: 1 },
      ],
    });
    try {
      const send = (token: string, items: unknown[]) =>
        server.app.inject({
          method: "POST",
          url: "/v1/reward",
          payload: { items },
          headers: { authorization: `Bearer ${token}` },
        });
      const [first, second] = await Promise.all([send(tokenA, [slowItem]), send(tokenA, [item])]);
      expect([first.statusCode, second.statusCode].sort()).toEqual([200, 429]);
      const refused = first.statusCode === 429 ? first : second;
      expect(refused.headers["retry-after"]).toBe("1");
      // the slot is free again once the first request ended
      expect((await send(tokenA, [item])).statusCode).toBe(200);
      expect((await send(tokenB, [item])).statusCode).toBe(200);
      const limited = await send(tokenB, [item]);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe("rate-limited");
    } finally {
      await server.close(0);
    }
  });

  it("without tokens, refuses to listen beyond loopback", async () => {
    const server = await serverWith();
    try {
      await expect(server.listen({ host: "0.0.0.0", port: 0 })).rejects.toThrow(/loopback only/);
    } finally {
      await server.close(0);
    }
  });

  it("reads tokens from a file and the environment, naming the line of a bad one", async () => {
    const directory = await mkdtemp(join(tmpdir(), "coderm-tokens-"));
    const file = join(directory, "tokens");
    await writeFile(file, `# trainers\ngrpo:${tokenA}\n${tokenB}\n`);
    const tokens = await readTokens({
      file,
      environment: { name: "CODERM_SERVE_TOKENS", value: `ci:${"c".repeat(20)}` },
    });
    expect(tokens.map((token) => token.name)).toEqual(["grpo", "token-3", "ci"]);
    await writeFile(file, "short\n");
    await expect(readTokens({ file })).rejects.toMatchObject({ file, line: 1 });
    const json = join(directory, "tokens.json");
    await writeFile(json, JSON.stringify([{ token: tokenA, name: "a", concurrency: 0 }]));
    await expect(readTokens({ file: json })).rejects.toMatchObject({ field: "0.concurrency" });
  });
});

describe("bounded work", () => {
  it("answers 413 to a body or a batch too large", async () => {
    const server = await serverWith({ maxBodyBytes: 1024, maxBatchItems: 2 });
    try {
      const big = await server.app.inject({
        method: "POST",
        url: "/v1/reward",
        payload: { items: [{ ...item, response: "x".repeat(4096) }] },
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe("too-large");
      const many = await server.app.inject({
        method: "POST",
        url: "/v1/reward",
        payload: { items: [item, item, item] },
      });
      expect(many.statusCode).toBe(413);
      expect(many.json().error.field).toBe("items");
    } finally {
      await server.close(0);
    }
  });

  it("answers 429 with Retry-After when its execution queue is full", async () => {
    const server = await serverWith({ maxQueueDepth: 1 });
    try {
      const busy = server.app.inject({
        method: "POST",
        url: "/v1/reward",
        payload: { items: [slowItem] },
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await server.app.inject({
        method: "POST",
        url: "/v1/reward",
        payload: { items: [item] },
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["retry-after"]).toBe("1");
      expect((await busy).statusCode).toBe(200);
    } finally {
      await server.close(0);
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes the requests in flight, then stops listening", async () => {
    const server = await serverWith();
    const address = await server.listen({ host: "127.0.0.1", port: 0 });
    const inFlight = fetch(`${address}/v1/reward`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [slowItem] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closeStarted = Date.now();
    const closing = server.close(10_000);
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { results: { reward: number }[] }).results[0]!.reward).toBe(1);
    await closing;
    // it closed once the request was answered, not when the grace period ran out
    expect(Date.now() - closeStarted).toBeLessThan(5000);
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
  });
});
