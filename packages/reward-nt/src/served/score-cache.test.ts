import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenAITestServer } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import {
  rewardCandidate,
  routes,
  startRewardServer,
  testProblem,
} from "./reward-server-fixture.js";
import { createMemoryRewardScoreCache, rewardScoreKey } from "./score-cache.js";
import { createServedRewardModel } from "./served-reward-model.js";
import { createSqliteRewardScoreCache } from "./sqlite-score-cache.js";

let server: OpenAITestServer | undefined;
const directories: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

const candidates = [rewardCandidate(1), rewardCandidate(-2.5, "return b + a")];
const input = { problem: testProblem, candidates };

describe("the memory cache", () => {
  it("keeps the newest entries up to its limit", () => {
    const cache = createMemoryRewardScoreCache({ maxEntries: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 3);
    cache.set("c", 4);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([3, undefined, 4]);
  });

  it("answers a rerun without asking the server, vLLM's version check included", async () => {
    const started = await startRewardServer({ rewardServer: "vllm" });
    server = started.server;
    const cache = createMemoryRewardScoreCache();
    const settings = { baseURL: started.root, protocol: "vllm-classify" as const, cache };
    expect(await createServedRewardModel(settings).score(input)).toEqual([1, -2.5]);
    expect(routes(server)).toEqual(["GET /version", "POST /classify", "POST /classify"]);
    server.reset();
    expect(await createServedRewardModel(settings).score(input)).toEqual([1, -2.5]);
    expect(server.requests).toHaveLength(0);
  });

  it("keeps raw rewards, so another clip range reuses them", async () => {
    const started = await startRewardServer({ rewardServer: "tei" });
    server = started.server;
    const cache = createMemoryRewardScoreCache();
    const base = { baseURL: started.root, protocol: "tei" as const, cache };
    await createServedRewardModel(base).score(input);
    server.reset();
    expect(await createServedRewardModel({ ...base, clip: [-1, 1] }).score(input)).toEqual([1, -1]);
    expect(server.requests).toHaveLength(0);
  });

  it("asks again when the model, the protocol or a scoring setting differs", async () => {
    const started = await startRewardServer();
    server = started.server;
    const cache = createMemoryRewardScoreCache();
    const base = { baseURL: started.root, protocol: "tei" as const, cache };
    await createServedRewardModel(base).score(input);
    const variants = [
      { ...base, model: "other/model" },
      { ...base, protocol: "sglang-classify" as const },
      { ...base, maxInputTokens: 512 },
      { ...base, extraBody: { priority: 2 } },
    ];
    for (const settings of variants) {
      server.reset();
      await createServedRewardModel(settings).score(input);
      expect(server.requests.length).toBeGreaterThan(0);
    }
  });

  it("keys by every part", () => {
    const key = rewardScoreKey({ protocol: "tei", model: "m", item: { text: "x" } });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(rewardScoreKey({ protocol: "tei", model: "m", item: { text: "y" } })).not.toBe(key);
    expect(rewardScoreKey({ protocol: "tei", model: "n", item: { text: "x" } })).not.toBe(key);
  });
});

describe("the SQLite cache", () => {
  it("keeps rewards across processes' opens, so a rerun needs no server", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nt-cache-"));
    directories.push(directory);
    const path = join(directory, "rewards.sqlite");
    const started = await startRewardServer({ rewardServer: "coderm-nt" });
    server = started.server;
    const first = createSqliteRewardScoreCache({ path });
    const settings = { baseURL: started.root, protocol: "coderm-nt" as const };
    expect(await createServedRewardModel({ ...settings, cache: first }).score(input)).toEqual([
      1, -2.5,
    ]);
    first.close();
    await server.close();
    const second = createSqliteRewardScoreCache({ path });
    const model = createServedRewardModel({ ...settings, cache: second, retries: 0 });
    expect(await model.score(input)).toEqual([1, -2.5]);
    await expect(
      model.score({ problem: testProblem, candidates: [rewardCandidate(3)] }),
    ).rejects.toMatchObject({ code: "unavailable" });
    second.close();
  });

  it("refuses a reward that is not finite", () => {
    const directory = mkdtempSync(join(tmpdir(), "nt-cache-"));
    directories.push(directory);
    const cache = createSqliteRewardScoreCache({ path: join(directory, "r.sqlite") });
    expect(() => cache.set("k", Number.NaN)).toThrow(/finite/);
    cache.set("k", -0.25);
    expect(cache.get("k")).toBe(-0.25);
    expect(cache.get("missing")).toBeUndefined();
    cache.close();
  });
});
