import { setTimeout as sleep } from "node:timers/promises";
import { CodermError, type Verdict } from "@coderm/core";
import { createMockExecutor, type MockExecutor } from "@coderm/core/testing";
import { assertTest, collect, request } from "@coderm/executor/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueueExecutor } from "./queue-executor.js";
import { queueKeys } from "./queue-keys.js";
import { readQueueStatus } from "./queue-status.js";
import { createQueueWorker, type QueueWorkerEvent } from "./queue-worker.js";
import { startTestRedis, type TestRedis } from "./testing/redis-server.js";
import { spawnTestWorker } from "./testing/test-workers.js";
import { waitUntil } from "./testing/wait-until.js";
import { publishWorker } from "./worker-registry.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

/**
 * An executor that runs nothing: every test passes after `delayMs`, with the executor's
 * fingerprint as the verdict's message, so a test can tell which executor answered.
 */
function stubExecutor(fingerprint: string, delayMs = 0): MockExecutor {
  return createMockExecutor({
    fingerprint,
    judge: async () => {
      await sleep(delayMs);
      return { wallMs: delayMs, message: fingerprint };
    },
  });
}

const stubRequests = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) =>
    request(`${prefix}${index}`, `def f():\n    return ${index}\n`, [
      assertTest("t0", "assert f() >= 0"),
      assertTest("t1", "assert f() < 1000"),
    ]),
  );

describe("queue worker", () => {
  it("retries the job of a frozen worker elsewhere and counts its verdicts once when it wakes", async () => {
    const queue = "frozen";
    // short locks, so the job of a worker that stops answering moves on within seconds
    const options = {
      redis: redis.url,
      queue,
      concurrency: 2,
      lockDurationMs: 1500,
      stalledIntervalMs: 500,
      heartbeatIntervalMs: 200,
    };
    const [first, second] = await Promise.all([spawnTestWorker(options), spawnTestWorker(options)]);
    const executor = createQueueExecutor({ redis: { url: redis.url }, queue });
    try {
      // 16 distinct candidates, each 3 tests of 0.15 s: about 0.45 s a job
      const requests = Array.from({ length: 16 }, (_, index) =>
        request(
          `slow${index}`,
          `import time\ndef f(x):\n    time.sleep(0.15)\n    return x + ${index % 2}\n`,
          [0, 1, 2].map((value) => assertTest(`t${value}`, `assert f(${value}) == ${value}`)),
          { timeMs: 3000 },
        ),
      );
      const counts = new Map<string, number>();
      const verdicts = new Map<string, Verdict>();
      const running = (async () => {
        for await (const verdict of executor.execute(requests)) {
          const key = `${verdict.candidateId}/${verdict.testId}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          verdicts.set(key, verdict);
        }
      })();
      // freeze the first worker in the middle of a job, past its lock, then let it finish
      await waitUntil(async () => {
        const status = await readQueueStatus({ redis: { url: redis.url }, queue });
        return (status.workers.find((worker) => worker.id === first.id)?.active ?? 0) > 0;
      });
      first.process.kill("SIGSTOP");
      await waitUntil(async () => second.events.some((event) => event.type === "stalled"));
      first.process.kill("SIGCONT");
      await running;
      expect(verdicts.size).toBe(48);
      for (const [key, count] of counts) expect(count, key).toBe(1);
      for (let index = 0; index < 16; index++)
        for (const value of [0, 1, 2])
          expect(verdicts.get(`slow${index}/t${value}`)?.status).toBe(
            index % 2 === 0 ? "pass" : "fail",
          );
    } finally {
      await executor.close();
      await Promise.all([first.stop("SIGTERM"), second.stop("SIGTERM")]);
    }
  });

  it("refuses a job of another version, which another worker then runs", async () => {
    const queue = "mixed";
    const events: QueueWorkerEvent[] = [];
    // the stale worker starts first and is idle; the fleet's own is busy (one job at a time)
    const stale = createQueueWorker({
      redis: { url: redis.url },
      queue,
      executor: stubExecutor("harness 8"),
      concurrency: 4,
      refusalDelayMs: 300,
      onEvent: (event) => events.push(event),
    });
    await stale.start();
    await sleep(20);
    const current = createQueueWorker({
      redis: { url: redis.url },
      queue,
      executor: stubExecutor("harness 9", 20),
      concurrency: 1,
    });
    await current.start();
    const executor = createQueueExecutor({ redis: { url: redis.url }, queue });
    try {
      // one worker of each version: the one that started last wins the tie
      expect(await executor.fingerprint()).toBe("harness 9");
      const verdicts = await collect(executor, stubRequests(20, "mixed"));
      expect(verdicts.size).toBe(40);
      for (const verdict of verdicts.values()) expect(verdict.message).toBe("harness 9");
      expect(stale.record.refused).toBeGreaterThan(0);
      expect(stale.record.completed).toBe(0);
      // it gave the jobs back and kept away a while, quietly
      expect(events.filter((event) => event.type === "error")).toEqual([]);
      const refusal = events.find((event) => event.type === "refused");
      expect(refusal?.type === "refused" && refusal.message).toMatch(
        /refuses job .*: the job asks for queue protocol 1, executor fingerprint "harness 9"; this worker runs queue protocol 1, executor fingerprint "harness 8" \(the job goes back to the queue/,
      );
    } finally {
      await executor.close();
      await current.close();
      await stale.close();
    }
  });

  it("fails a job no live worker can run, with an error naming both versions", async () => {
    const queue = "upgraded";
    const old = createQueueWorker({
      redis: { url: redis.url },
      queue,
      executor: stubExecutor("harness 9"),
    });
    await old.start();
    const executor = createQueueExecutor({ redis: { url: redis.url }, queue });
    try {
      expect(await executor.fingerprint()).toBe("harness 9");
      // the fleet is replaced while the coordinator still asks for the old version
      await old.close();
      const replacement = createQueueWorker({
        redis: { url: redis.url },
        queue,
        executor: stubExecutor("harness 10"),
      });
      await replacement.start();
      const error = await collect(executor, stubRequests(3, "old")).catch(
        (caught: unknown) => caught,
      );
      await replacement.close();
      expect(CodermError.isInstance(error)).toBe(true);
      expect((error as CodermError).code).toBe("unavailable");
      expect((error as CodermError).message).toMatch(
        /no live worker of queue "upgraded" runs the version job .* asks for \(queue protocol 1, executor fingerprint "harness 9"\); worker .* runs queue protocol 1, executor fingerprint "harness 10"/,
      );
      expect(replacement.record.completed).toBe(0);
      // a new call asks for the fleet's version again
      expect(await executor.fingerprint()).toBe("harness 10");
    } finally {
      await executor.close();
    }
  });

  it("refuses to send jobs to workers of another job format", async () => {
    const client = new Redis(redis.port, "127.0.0.1");
    await publishWorker(
      client,
      queueKeys("bull", "future"),
      {
        id: "w-future",
        host: "elsewhere",
        pid: 1,
        executor: "local",
        concurrency: 1,
        protocol: 99,
        fingerprint: "harness 12",
        startedAt: new Date().toISOString(),
        active: 0,
        completed: 0,
        failed: 0,
        refused: 0,
        draining: false,
      },
      60_000,
    );
    client.disconnect();
    const executor = createQueueExecutor({ redis: { url: redis.url }, queue: "future" });
    const error = await executor.fingerprint().catch((caught: unknown) => caught);
    await executor.close();
    expect((error as CodermError).message).toContain(
      'the workers of queue "future" at redis://127.0.0.1:',
    );
    expect((error as CodermError).message).toContain(
      "speak queue protocol 99, this coordinator speaks 1",
    );
  });

  it("drains on close: running jobs finish, queued ones wait for another worker", async () => {
    const queue = "drained";
    const slow = stubExecutor("harness 9", 300);
    const first = createQueueWorker({
      redis: { url: redis.url },
      queue,
      executor: slow,
      concurrency: 2,
    });
    await first.start();
    const executor = createQueueExecutor({ redis: { url: redis.url }, queue });
    try {
      const verdicts = collect(executor, stubRequests(8, "drain"));
      await waitUntil(async () => slow.requests.length === 2);
      await first.close();
      expect(first.record).toMatchObject({ completed: 2, active: 0, draining: true });
      const status = await readQueueStatus({ redis: { url: redis.url }, queue });
      expect(status.workers).toEqual([]);
      expect(status.jobs).toMatchObject({ waiting: 6, active: 0 });
      const second = createQueueWorker({
        redis: { url: redis.url },
        queue,
        executor: stubExecutor("harness 9"),
      });
      await second.start();
      expect((await verdicts).size).toBe(16);
      expect(second.record.completed).toBe(6);
      await second.close();
    } finally {
      await executor.close();
    }
  });
});
