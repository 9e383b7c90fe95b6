/**
 * The entry of the executor's worker threads: one warm isolate each (see `isolate-runner.ts`),
 * jobs from the main thread run one at a time, verdicts posted back as they finish. Its relative
 * imports name `.ts` files, so that Node runs it from source (type stripping) as well as bundled.
 */
import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { harnessVersion, IsolateRunner } from "./isolate-runner.ts";
import type { FromWorker, ToWorker, WorkerJob } from "./worker-protocol.ts";

const port = parentPort!;
const { watchdogGraceMs } = workerData as { watchdogGraceMs: number };
const runner = new IsolateRunner(watchdogGraceMs);
const queue: WorkerJob[] = [];
let current: WorkerJob | undefined;
let cancelled = new Set<number>();

const post = (message: FromWorker) => port.postMessage(message);

async function drain(): Promise<void> {
  while (current === undefined && queue.length > 0) {
    const job = queue.shift()!;
    if (cancelled.delete(job.id)) {
      post({ type: "done", job: job.id });
      continue;
    }
    current = job;
    try {
      await runner.run(job, post);
    } catch {
      // The main thread answers the tests left without a verdict.
    } finally {
      current = undefined;
      cancelled.delete(job.id);
      post({ type: "done", job: job.id });
    }
  }
}

port.on("message", (message: ToWorker) => {
  if (message.type === "job") {
    queue.push(message);
    void drain();
  } else if (message.type === "cancel") {
    if (current?.id === message.id) runner.cancel();
    else if (queue.some((job) => job.id === message.id)) cancelled.add(message.id);
    if (cancelled.size > 10_000) cancelled = new Set();
  }
});

const require = createRequire(import.meta.url);
post({
  type: "ready",
  versions: {
    isolatedVm: (require("isolated-vm/package.json") as { version: string }).version,
    v8: process.versions.v8,
    node: process.version,
    harness: harnessVersion,
  },
});
