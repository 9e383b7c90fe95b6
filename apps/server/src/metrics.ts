import type { OpenedExecutor } from "@coderm/pipeline";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The service's Prometheus metrics. */
export interface ServiceMetrics {
  registry: Registry;
  /** Records one answered request. */
  request(route: string, statusCode: number, seconds: number): void;
  /** Records the outcome of one rewarded item. */
  item(status: string): void;
}

/**
 * Creates the metrics: requests by route and status code, request latency by route, reward items
 * by status, and, read when scraped, the execution queue's depth and the executor stack's
 * executions, cache hits and verdicts by status; with the queue executor, its BullMQ queue's jobs
 * by state and its live workers.
 */
export function createServiceMetrics(
  executor: OpenedExecutor,
  queueDepth: () => number,
): ServiceMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: "coderm_requests_total",
    help: "HTTP requests answered, by route and status code",
    labelNames: ["route", "code"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "coderm_request_seconds",
    help: "Time to answer a request, by route",
    labelNames: ["route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const items = new Counter({
    name: "coderm_reward_items_total",
    help: "Reward items answered, by status",
    labelNames: ["status"],
    registers: [registry],
  });
  new Gauge({
    name: "coderm_verdicts",
    help: "Verdicts delivered by the executor stack since the service started, by status",
    labelNames: ["status"],
    registers: [registry],
    collect() {
      for (const [status, count] of Object.entries(executor.stats.byStatus))
        this.set({ status }, count);
    },
  });
  new Gauge({
    name: "coderm_queue_depth",
    help: "Executions queued or running",
    registers: [registry],
    collect() {
      this.set(queueDepth());
    },
  });
  new Gauge({
    name: "coderm_executions",
    help: "Tests executed by the backend since the service started",
    registers: [registry],
    collect() {
      this.set(executor.stats.executed);
    },
  });
  new Gauge({
    name: "coderm_cache_hits",
    help: "Verdicts served from the verdict cache since the service started",
    registers: [registry],
    collect() {
      this.set(executor.stats.cached);
    },
  });
  const queueStatus = executor.queueStatus;
  if (queueStatus !== undefined) registerQueueMetrics(registry, queueStatus);
  return {
    registry,
    request(route, statusCode, seconds) {
      requests.inc({ route, code: String(statusCode) });
      latency.observe({ route }, seconds);
    },
    item: (status) => items.inc({ status }),
  };
}

type QueueStatus = Awaited<ReturnType<NonNullable<OpenedExecutor["queueStatus"]>>>;

/**
 * The queue executor's gauges, read from Redis when scraped (once per scrape for both): jobs by
 * state, and live workers. While Redis cannot be reached they are left out of the scrape.
 */
function registerQueueMetrics(registry: Registry, read: () => Promise<QueueStatus>): void {
  let latest: { at: number; status: Promise<QueueStatus | undefined> } | undefined;
  const status = () => {
    if (latest === undefined || performance.now() - latest.at > 1000)
      latest = { at: performance.now(), status: read().catch(() => undefined) };
    return latest.status;
  };
  new Gauge({
    name: "coderm_executor_queue_jobs",
    help: "Jobs of the queue executor's BullMQ queue, by state (waiting, active, delayed, prioritized, failed, completed)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const current = await status();
      this.reset();
      if (current !== undefined)
        for (const [state, count] of Object.entries(current.jobs)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: "coderm_executor_queue_workers",
    help: "Live coderm workers of the queue executor's queue, and those of them that run the fleet's version",
    labelNames: ["version"],
    registers: [registry],
    async collect() {
      const current = await status();
      this.reset();
      if (current === undefined) return;
      const fleet = current.workers.filter(
        (worker) => worker.fingerprint === current.fleetFingerprint,
      ).length;
      this.set({ version: "fleet" }, fleet);
      this.set({ version: "other" }, current.workers.length - fleet);
    },
  });
}
