import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { createSqliteVerdictCache, withDeduplication, withVerdictCache } from "@coderm/executor";
import {
  assertTest,
  collect,
  describeExecutorConformance,
  pythonConformanceFixtures,
  request,
} from "@coderm/executor/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueueExecutor } from "./queue-executor.js";
import { readQueueStatus } from "./queue-status.js";
import { createNetworkNamespace, type NetworkNamespace } from "./testing/network-namespace.js";
import { startTestRedis, type TestRedis } from "./testing/redis-server.js";
import { spawnTestWorker, type TestWorker } from "./testing/test-workers.js";
import { waitUntil } from "./testing/wait-until.js";

// One Redis for the file, reachable from this namespace (127.0.0.1) and from a second network
// namespace over a veth pair, as from another host; two worker processes serve queue `coderm`,
// one of them in that namespace.
let namespace: NetworkNamespace;
let redis: TestRedis;
const workers: TestWorker[] = [];
beforeAll(async () => {
  namespace = createNetworkNamespace();
  redis = await startTestRedis({ bind: [namespace.hostAddress] });
  workers.push(
    ...(await Promise.all([
      spawnTestWorker({ redis: redis.url, heartbeatIntervalMs: 500 }),
      spawnTestWorker({
        redis: `redis://${namespace.hostAddress}:${redis.port}`,
        heartbeatIntervalMs: 500,
        wrapper: namespace.command([]),
      }),
    ])),
  );
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop("SIGTERM")));
  await redis?.stop();
  namespace?.remove();
});

describeExecutorConformance(
  "queue",
  async () => {
    const executor = createQueueExecutor({ redis: { url: redis.url } });
    await executor.fingerprint();
    return executor;
  },
  pythonConformanceFixtures,
);

// every program distinct (its comment), so deduplication leaves each to its own job
const sum = (index: number) => `def f(x):\n    return x + ${index % 3}  # ${index}\n`;
const tests = [assertTest("t0", "assert f(0) == 0"), assertTest("t1", "assert f(1) == 2")];
const batch = (count: number, prefix = "c") =>
  Array.from({ length: count }, (_, index) => request(`${prefix}${index}`, sum(index), tests));

describe("queue executor", () => {
  it("runs jobs on both workers, the one in its own network namespace too", async () => {
    const executor = createQueueExecutor({ redis: { url: redis.url } });
    try {
      const verdicts = await collect(executor, batch(60, "spread"));
      expect(verdicts.size).toBe(120);
      for (let index = 0; index < 60; index++) {
        expect(verdicts.get(`spread${index}/t0`)?.status).toBe(index % 3 === 0 ? "pass" : "fail");
        expect(verdicts.get(`spread${index}/t1`)?.status).toBe(index % 3 === 1 ? "pass" : "fail");
      }
      const status = await executor.status();
      expect(status.workers.map((worker) => worker.id).sort()).toEqual(
        workers.map((worker) => worker.id).sort(),
      );
      // both took jobs: the namespace's worker reached Redis over its link
      for (const worker of status.workers) expect(worker.completed, worker.id).toBeGreaterThan(0);
      expect(new Set(status.workers.map((worker) => worker.fingerprint)).size).toBe(1);
      expect(status.fleetFingerprint).toBe(await executor.fingerprint());
    } finally {
      await executor.close();
    }
  });

  it("answers a rerun from the verdict cache without submitting a job", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-queue-cache-"));
    const events = new Redis(redis.port, "127.0.0.1");
    const added = async () =>
      (await events.xrange("bull:coderm:events", "-", "+")).filter(([, fields]) =>
        fields.includes("added"),
      ).length;
    try {
      const open = () =>
        withVerdictCache(withDeduplication(createQueueExecutor({ redis: { url: redis.url } })), {
          cache: createSqliteVerdictCache({ path: join(dir, "verdicts.sqlite") }),
        });
      const cold = open();
      const before = await added();
      const first = await collect(cold, batch(12, "cached"));
      expect(cold.stats.executed).toBe(24);
      await cold.close();
      const submitted = (await added()) - before;
      expect(submitted).toBe(12);
      const warm = open();
      const second = await collect(warm, batch(12, "cached"));
      expect(warm.stats).toMatchObject({ executed: 0, cached: 24 });
      expect(await added()).toBe(before + submitted);
      await warm.close();
      for (const [key, verdict] of first) expect(second.get(key)?.status, key).toBe(verdict.status);
    } finally {
      events.disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("answers a rerun from the verdict cache with Redis gone, by the fleet version it remembers", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-queue-offline-"));
    const own = await startTestRedis();
    const worker = await spawnTestWorker({ redis: own.url });
    const open = () =>
      withVerdictCache(
        withDeduplication(
          createQueueExecutor({
            redis: { url: own.url, connectTimeoutMs: 2000 },
            fleetFile: join(dir, "fleets.json"),
          }),
        ),
        { cache: createSqliteVerdictCache({ path: join(dir, "verdicts.sqlite") }) },
      );
    try {
      const online = open();
      const first = await collect(online, batch(6, "offline"));
      const fingerprint = await online.fingerprint();
      await online.close();
      await worker.stop("SIGTERM");
      await own.stop();
      const offline = open();
      expect(await offline.fingerprint()).toBe(fingerprint);
      const second = await collect(offline, batch(6, "offline"));
      expect(offline.stats).toMatchObject({ executed: 0, cached: 12 });
      for (const [key, verdict] of first) expect(second.get(key)?.status, key).toBe(verdict.status);
      // a pair the cache lacks needs Redis, and says so
      const uncached = request("uncached", "def f(x):\n    return x  # not cached\n", tests);
      const error = await collect(offline, [uncached]).catch((caught: unknown) => caught);
      expect(CodermError.isInstance(error) && error.field).toBe("redis");
      await offline.close();
      // without the file, Redis out of reach is an error at once
      const forgetful = createQueueExecutor({ redis: { url: own.url, connectTimeoutMs: 2000 } });
      const unreachable = await forgetful.fingerprint().catch((caught: unknown) => caught);
      expect(CodermError.isInstance(unreachable) && unreachable.field).toBe("redis");
      await forgetful.close();
    } finally {
      await worker.stop("SIGKILL");
      await own.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("removes the queued jobs of a cancelled call", async () => {
    // a queue whose fleet is known but has no live worker: jobs wait until cancelled
    const idle = await spawnTestWorker({
      redis: redis.url,
      queue: "idle",
      heartbeatIntervalMs: 200,
    });
    expect(await idle.stop("SIGTERM"), idle.stderr()).toBe(0);
    const executor = createQueueExecutor({ redis: { url: redis.url }, queue: "idle" });
    const waiting = async () =>
      (await readQueueStatus({ redis: { url: redis.url }, queue: "idle" })).jobs.waiting;
    try {
      const controller = new AbortController();
      const run = collect(executor, batch(20, "cancelled")).catch((error: unknown) => error);
      const stream = executor.execute(batch(20, "aborted"), { signal: controller.signal });
      const consumed = (async () => {
        for await (const _ of stream) {
          // nothing arrives: no worker
        }
      })().catch((error: unknown) => error);
      await waitUntil(async () => (await waiting()) === 40);
      controller.abort();
      const error = await consumed;
      expect(CodermError.isInstance(error) && error.code).toBe("cancelled");
      await waitUntil(async () => (await waiting()) === 20);
      await executor.close();
      // closing stops the other call too, and its jobs leave the queue
      expect(CodermError.isInstance(await run)).toBe(true);
      expect(await waiting()).toBe(0);
    } finally {
      await executor.close();
    }
  });

  it("names the redis field when Redis cannot be reached, without the password", async () => {
    const executor = createQueueExecutor({
      redis: { url: "redis://:hunter2@127.0.0.1:1", connectTimeoutMs: 2000 },
    });
    const error = await executor.fingerprint().catch((caught: unknown) => caught);
    expect(CodermError.isInstance(error)).toBe(true);
    expect((error as CodermError).field).toBe("redis");
    expect((error as CodermError).message).toContain("cannot reach Redis at redis://127.0.0.1:1");
    expect((error as CodermError).message).not.toContain("hunter2");
    await executor.close();
    expect(() => createQueueExecutor({ redis: { url: "http://127.0.0.1" } })).toThrow(
      /not a Redis URL/,
    );
    expect(() => createQueueExecutor({ redis: { url: redis.url }, queue: "a:b" })).toThrow(
      /not a queue name/,
    );
  });
});
