import { createQueueWorker } from "@coderm/executor-queue";
import { startTestRedis } from "@coderm/executor-queue/testing";
import { openExecutor } from "@coderm/pipeline";
import { describe, expect, it } from "vitest";
import { createRewardServer } from "./server.js";

describe("/metrics with the queue executor", () => {
  it("reports the queue's jobs and workers, and leaves them out while Redis is gone", async () => {
    const redis = await startTestRedis();
    // a worker of this process, over the local executor as `coderm worker` opens it
    const backend = await openExecutor({ workers: 1, sandbox: "process", cache: false });
    const worker = createQueueWorker({
      redis: { url: redis.url },
      executor: backend.executor,
      executorName: "local",
      concurrency: 2,
    });
    await worker.start();
    const opened = await openExecutor({
      executor: "queue",
      redis: { url: redis.url },
      cache: false,
    });
    const server = await createRewardServer({ executor: opened, logLevel: "silent" });
    try {
      const answer = await server.app.inject({
        method: "POST",
        url: "/v1/reward",
        payload: {
          items: [
            {
              response: "```python\ndef f(x):\n    return 2 * x\n```",
              tests: ["assert f(2) == 4", "assert f(3) == 6"],
            },
          ],
        },
      });
      expect(answer.json().results[0]).toMatchObject({ status: "ok", reward: 1 });
      const metrics = (await server.app.inject({ url: "/metrics" })).body;
      expect(metrics).toContain('coderm_executor_queue_jobs{state="waiting"} 0');
      expect(metrics).toContain('coderm_executor_queue_jobs{state="failed"} 0');
      expect(metrics).toContain('coderm_executor_queue_workers{version="fleet"} 1');
      expect(metrics).toContain('coderm_executor_queue_workers{version="other"} 0');
      expect(worker.record.completed).toBeGreaterThan(0);
      await worker.close();
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const without = await server.app.inject({ url: "/metrics" });
      expect(without.statusCode).toBe(200);
      expect(without.body).toContain("coderm_requests_total");
      expect(without.body).not.toContain("coderm_executor_queue_jobs{");
    } finally {
      await server.close(0);
      await opened.close();
      await backend.close();
      await redis.stop();
    }
  });
});
