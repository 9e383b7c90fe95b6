import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import {
  createNetworkNamespace,
  type NetworkNamespace,
  startTestRedis,
  type TestRedis,
} from "@coderm/executor-queue/testing";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** A `coderm worker --json` process. */
interface WorkerProcess {
  child: ChildProcess;
  id: string;
  events: Record<string, unknown>[];
  stderr(): string;
}

/** Starts `coderm worker` (in a network namespace with `wrapper`) and waits until it serves. */
async function startWorker(
  redis: string,
  flags: string[] = [],
  wrapper: readonly string[] = [],
): Promise<WorkerProcess> {
  const argv = [
    ...wrapper,
    process.execPath,
    bin,
    "worker",
    "--redis",
    redis,
    "--workers",
    "1",
    // a worker that dies gives its jobs back within seconds
    "--lock-duration",
    "2000",
    "--stalled-interval",
    "500",
    "--heartbeat",
    "300",
    "--json",
    ...flags,
  ];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: Record<string, unknown>[] = [];
  let stderr = "";
  let pending = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const id = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        const event = JSON.parse(pending.slice(0, end)) as Record<string, unknown>;
        pending = pending.slice(end + 1);
        events.push(event);
        if (event.type === "ready") resolve(event.id as string);
      }
    });
    child.once("exit", (code) => reject(new Error(`coderm worker exited (${code}):\n${stderr}`)));
  });
  return { child, id, events, stderr: () => stderr };
}

async function stop(worker: WorkerProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null)
    return worker.child.exitCode;
  const exited = once(worker.child, "exit");
  worker.child.kill(signal);
  return (await exited)[0] as number | null;
}

// A few problems of CodeT's set with one test of each test sample: seconds, not minutes.
const rerank = ["rerank", "--limit", "3", "--limit-tests-per-sample", "1", "--no-cache", "--json"];
/** One problem through the queue (`--redis` to add). */
const rerankOne = [
  "rerank",
  "--limit",
  "1",
  "--limit-tests-per-sample",
  "1",
  "--no-cache",
  "--json",
  "--executor",
  "queue",
];

interface RerankReport {
  methods: Record<string, Record<string, number>>;
  executions: { unique: number; by_verdict: Record<string, number> };
}

/**
 * What a queued run must reproduce of the local run's executions: every pair once, and the same
 * passes. A pair that runs close to CodeT's 0.1 s limit may end as a timeout in one run and as an
 * error or a failure in the next on a loaded machine, so the statuses that are not a pass are
 * compared together (the figures read only pass or not).
 */
function executionCounts(report: RerankReport) {
  const byVerdict = report.executions.by_verdict;
  const pairs = Object.values(byVerdict).reduce((sum, count) => sum + count, 0);
  return { unique: report.executions.unique, pairs, pass: byVerdict.pass };
}

let namespace: NetworkNamespace;
let redis: TestRedis;
let remote: string;
let local: RerankReport;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  await useTemporaryCache("coderm-worker-");
  namespace = createNetworkNamespace();
  redis = await startTestRedis({ bind: [namespace.hostAddress] });
  remote = `redis://${namespace.hostAddress}:${redis.port}`;
  // one worker here, one in its own network namespace reaching Redis over a veth link
  workers.push(
    ...(await Promise.all([
      startWorker(redis.url),
      startWorker(remote, [], namespace.command([])),
    ])),
  );
  const reference = await run(rerank);
  expect(reference.code, reference.stderr).toBe(0);
  local = JSON.parse(reference.stdout);
}, 180_000);
afterAll(async () => {
  await Promise.all(workers.map((worker) => stop(worker, "SIGKILL")));
  await redis?.stop();
  namespace?.remove();
});

describe("coderm worker", () => {
  it("names the flag at fault", async () => {
    const missing = await run(["worker"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("a queue needs its Redis");
    expect(missing.stderr).toContain("(--redis)");
    const nested = await run(["worker", "--executor", "queue", "--redis", redis.url]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain("--executor queue: a worker runs jobs on a backend");
    const coordinator = await run([...rerank, "--executor", "queue"]);
    expect(coordinator.code).toBe(2);
    expect(coordinator.stderr).toContain("(--redis)");
    const sandbox = await run([
      ...rerank,
      "--executor",
      "queue",
      "--redis",
      redis.url,
      "--sandbox",
      "bwrap",
    ]);
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toContain("at its workers' sandbox level");
    const unreachable = await run([
      "worker",
      "status",
      "--redis",
      "redis://:secret-word@127.0.0.1:1",
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach Redis at redis://127.0.0.1:1");
    expect(unreachable.stderr).not.toContain("secret-word");
  });

  it("reranks CodeT's set through two workers with the local executor's figures", async () => {
    const queued = await run([...rerank, "--executor", "queue", "--redis", redis.url]);
    expect(queued.code, queued.stderr).toBe(0);
    const report = JSON.parse(queued.stdout) as RerankReport;
    expect(report.methods).toEqual(local.methods);
    expect(executionCounts(report)).toEqual(executionCounts(local));
    const status = await run(["worker", "status", "--redis", redis.url, "--json"]);
    const state = JSON.parse(status.stdout);
    expect(state.workers.map((worker: { id: string }) => worker.id).sort()).toEqual(
      workers.map((worker) => worker.id).sort(),
    );
    // both served, the one in the namespace over its link
    for (const worker of state.workers) expect(worker.completed, worker.id).toBeGreaterThan(0);
    expect(state.jobs).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    const text = await run(["worker", "status", "--redis", redis.url]);
    expect(text.stdout).toContain(`queue "coderm" at ${redis.url}`);
    expect(text.stdout).toMatch(/waiting\s+0/);
    expect(text.stdout).toContain("fleet's executor fingerprint: ");
  });

  it("completes with the same figures when a worker is killed mid-run, counting no verdict twice", async () => {
    const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
    const queued = run([...rerank, "--executor", "queue", "--redis", redis.url]);
    let finished = false;
    void queued.then(() => {
      finished = true;
    });
    // kill the worker here with SIGKILL once it has jobs in hand: it has run some, and jobs still
    // wait, so both its slots are busy (its own `active` count is up to a heartbeat old)
    for (;;) {
      expect(finished, "the run ended before the worker could be killed").toBe(false);
      const state = JSON.parse(
        (await run(["worker", "status", "--redis", redis.url, "--json"])).stdout,
      );
      const mine = state.workers.find((worker: { id: string }) => worker.id === victim.id);
      if (mine.active > 0 && mine.completed > 20 && state.jobs.waiting > 20) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await stop(victim, "SIGKILL")).toBe(null);
    const { code, stdout, stderr } = await queued;
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as RerankReport;
    expect(report.methods).toEqual(local.methods);
    // a pair counted twice would show here: every verdict of the retried jobs once
    expect(executionCounts(report)).toEqual(executionCounts(local));
    expect(survivor.events.some((event) => event.type === "stalled")).toBe(true);
  });

  it("says when a run's jobs wait with no live worker, and when one serves again", async () => {
    const queue = ["--queue", "lonely"];
    process.env.CODERM_QUEUE_WATCH_MS = "300";
    // a worker that served the queue once: the fleet's version is known, then no one serves
    const first = await startWorker(redis.url, queue);
    expect(await stop(first, "SIGTERM")).toBe(0);
    const queued = run([...rerankOne, "--redis", redis.url, ...queue]).finally(() => {
      delete process.env.CODERM_QUEUE_WATCH_MS;
    });
    const status = async () =>
      JSON.parse(
        (await run(["worker", "status", "--redis", redis.url, ...queue, "--json"])).stdout,
      );
    while ((await status()).jobs.waiting === 0)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // the run reads the queue every 0.3 s: several reads see the jobs waiting
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // one job at a time: the run goes on for seconds, which reads see the worker serve
    const second = await startWorker(redis.url, [...queue, "--concurrency", "1"]);
    workers.push(second);
    const { code, stderr } = await queued;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /coderm: warning: no live worker serves queue "lonely" at redis:\/\/127\.0\.0\.1:\d+: \d+ job\(s\) wait until one starts/,
    );
    expect(stderr).toContain('coderm: queue "lonely": 1 worker(s) serving');
    expect(await stop(second, "SIGTERM")).toBe(0);
  });

  it("refuses jobs of another sandbox level with a clear error, and drains on SIGTERM", async () => {
    const survivor = workers[1]!;
    const other = await startWorker(redis.url, ["--sandbox", "process"]);
    workers.push(other);
    // one worker at each level: the newest wins the tie, so the bwrap one refuses
    const queued = await run([...rerankOne, "--redis", redis.url]);
    expect(queued.code, queued.stderr).toBe(0);
    const refusals = survivor.events.filter((event) => event.type === "refused");
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]!.message).toMatch(
      /refuses job .*: the job asks for queue protocol 1, executor fingerprint ".*sandbox process; .*"; this worker runs queue protocol 1, executor fingerprint ".*sandbox bwrap; .*" \(the job goes back to the queue/,
    );
    const text = await run(["worker", "status", "--redis", redis.url]);
    expect(text.stdout).toContain("other (refuses the fleet's jobs)");
    expect(await stop(other, "SIGTERM")).toBe(0);
    expect(other.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(["ready", "draining", "stopped"]),
    );
    expect(other.events.at(-1)).toMatchObject({ type: "stopped", draining: true, failed: 0 });
  });
});
