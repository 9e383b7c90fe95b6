import type { CodermError } from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import { assertTest, collect, request } from "@coderm/executor/testing";
import { describe, expect, it } from "vitest";
import { createQueueExecutor } from "./queue-executor.js";
import { readQueueStatus } from "./queue-status.js";
import { createQueueWorker } from "./queue-worker.js";
import { connectRedis, disconnectRedis, redisLabel } from "./redis-connection.js";
import { startTestRedis } from "./testing/redis-server.js";

const passing = createMockExecutor({ fingerprint: "stub 1" });

describe("Redis connections", () => {
  it("label an address without its credentials", () => {
    expect(redisLabel({ url: "redis://user:secret@cache.internal:6380/2" })).toBe(
      "redis://cache.internal:6380/2",
    );
    expect(redisLabel({ url: "rediss://:secret@[::1]" })).toBe("rediss://[::1]:6379");
    expect(redisLabel({ url: "redis://127.0.0.1", tls: true })).toBe("rediss://127.0.0.1:6379");
    for (const url of ["http://host", "redis://", "redis://host/x", "not a url"])
      expect(() => redisLabel({ url }), url).toThrow(/not a Redis URL/);
  });

  it("authenticate with a password from the URL or the settings, and never print it", async () => {
    const redis = await startTestRedis({ password: "s3cret-pass" });
    try {
      const refused = await connectRedis({ url: redis.url }, "test").catch(
        (error: unknown) => error as CodermError,
      );
      expect(refused).toMatchObject({ code: "unavailable", field: "redis" });
      expect((refused as CodermError).message).toMatch(
        /^field "redis": cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: NOAUTH/,
      );
      const wrong = await connectRedis(
        { url: redis.url.replace("://", "://:wrong-pass@") },
        "test",
      ).catch((error: unknown) => error as CodermError);
      expect((wrong as CodermError).message).toContain("WRONGPASS");
      expect((wrong as CodermError).message).not.toContain("wrong-pass");
      for (const settings of [
        { url: redis.url.replace("://", "://:s3cret-pass@") },
        { url: redis.url, password: "s3cret-pass" },
      ]) {
        const client = await connectRedis(settings, "test");
        expect(await client.ping()).toBe("PONG");
        await disconnectRedis(client);
        const status = await readQueueStatus({ redis: settings });
        expect(status.redis).toBe(redis.url);
        expect(JSON.stringify(status)).not.toContain("s3cret");
      }
    } finally {
      await redis.stop();
    }
  });

  it("speak TLS to a server whose certificate authority is given, end to end", async () => {
    const redis = await startTestRedis({ tls: true, password: "tls-pass" });
    const settings = { url: redis.url, password: "tls-pass", tls: { ca: redis.ca! } };
    try {
      const untrusted = await connectRedis(
        { url: redis.url, password: "tls-pass", connectTimeoutMs: 3000 },
        "test",
      ).catch((error: unknown) => error as CodermError);
      expect((untrusted as CodermError).message).toMatch(/cannot reach Redis at rediss:\/\//);
      const worker = createQueueWorker({ redis: settings, executor: passing, concurrency: 2 });
      await worker.start();
      const executor = createQueueExecutor({ redis: settings });
      const verdicts = await collect(executor, [
        request("tls", "def f():\n    return 1\n", [assertTest("t", "assert f() == 1")]),
      ]);
      expect(verdicts.get("tls/t")?.status).toBe("pass");
      expect((await executor.status()).redis).toBe(redis.url);
      await executor.close();
      await worker.close();
    } finally {
      await redis.stop();
    }
  });
});
