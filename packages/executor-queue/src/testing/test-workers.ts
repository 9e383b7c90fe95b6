/**
 * Queue worker processes for the tests and the benchmark: `spawnTestWorker` starts this file as a
 * process (from source, see `source-hooks.ts`), which runs a queue worker over the local Python
 * executor composed as the pipeline composes it for `coderm worker` (deduplicated, no cache) and
 * prints one JSON line per event on stdout, `{"type":"ready","id":...}` first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Executor } from "@coderm/core";
import { withDeduplication } from "@coderm/executor";
import { createLocalExecutor } from "@coderm/executor-python";
import { createQueueWorker, type QueueWorkerEvent } from "../queue-worker.js";

/** Options of {@link spawnTestWorker}. */
export interface TestWorkerOptions {
  redis: string;
  queue?: string;
  concurrency?: number;
  /** Harness processes of its local executor (1 by default). */
  harnessProcesses?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** Appended to the executor's fingerprint: a worker of another version. */
  fingerprintSuffix?: string;
  /** Runs the process through this command line first (`ip netns exec NAME`). */
  wrapper?: readonly string[];
}

/** A running worker process. */
export interface TestWorker {
  process: ChildProcess;
  /** Its registry id, once it is ready. */
  id: string;
  /** Every event it printed so far. */
  events: (QueueWorkerEvent | { type: string; [key: string]: unknown })[];
  /** What it wrote on stderr so far. */
  stderr(): string;
  /** Sends a signal and waits for the exit: its code, or the signal that killed it. */
  stop(signal: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

const self = fileURLToPath(import.meta.url);
const hooks = fileURLToPath(new URL("./source-hooks.ts", import.meta.url));

/** Starts a worker process and waits until it serves the queue. */
export async function spawnTestWorker(options: TestWorkerOptions): Promise<TestWorker> {
  const args = [
    "--conditions=@coderm/source",
    "--import",
    hooks,
    self,
    "--redis",
    options.redis,
    ...flag("queue", options.queue),
    ...flag("concurrency", options.concurrency),
    ...flag("harness-processes", options.harnessProcesses),
    ...flag("lock-duration", options.lockDurationMs),
    ...flag("stalled-interval", options.stalledIntervalMs),
    ...flag("heartbeat", options.heartbeatIntervalMs),
    ...flag("fingerprint-suffix", options.fingerprintSuffix),
  ];
  const argv = [...(options.wrapper ?? []), process.execPath, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  const events: TestWorker["events"] = [];
  let stderr = "";
  let buffered = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const event = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        events.push(event);
        if (event.type === "ready") resolve(event.id);
        newline = buffered.indexOf("\n");
      }
    });
    child.once("exit", (code, signal) =>
      reject(
        new Error(`worker process exited (${code ?? signal}) before it was ready:\n${stderr}`),
      ),
    );
  });
  const id = await ready;
  return {
    process: child,
    id,
    events,
    stderr: () => stderr,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.kill(signal);
        await exited;
      }
      return child.exitCode ?? child.signalCode;
    },
  };
}

function flag(name: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [`--${name}`, String(value)];
}

/** The worker process itself. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      concurrency: { type: "string" },
      "harness-processes": { type: "string", default: "1" },
      "lock-duration": { type: "string" },
      "stalled-interval": { type: "string" },
      heartbeat: { type: "string" },
      "fingerprint-suffix": { type: "string" },
    },
  });
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const print = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const local = withDeduplication(
    createLocalExecutor({
      workers: Number(values["harness-processes"]),
      sandbox: "process",
    }),
  );
  const suffix = values["fingerprint-suffix"];
  const executor: Executor =
    suffix === undefined
      ? local
      : { ...local, fingerprint: async () => `${await local.fingerprint()}${suffix}` };
  const worker = createQueueWorker({
    redis: { url: values.redis! },
    ...(values.queue === undefined ? {} : { queue: values.queue }),
    executor,
    executorName: "local",
    concurrency: number(values.concurrency) ?? 2,
    ...(values["lock-duration"] === undefined
      ? {}
      : { lockDurationMs: number(values["lock-duration"])! }),
    ...(values["stalled-interval"] === undefined
      ? {}
      : { stalledIntervalMs: number(values["stalled-interval"])! }),
    ...(values.heartbeat === undefined ? {} : { heartbeatIntervalMs: number(values.heartbeat)! }),
    onEvent: print,
  });
  await worker.start();
  // handlers first: a signal sent as soon as "ready" is read must find them
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  print({ type: "ready", id: worker.id });
  const signal = await stopped;
  print({ type: "draining", signal });
  await worker.close();
  await local.close();
  print({ type: "stopped", record: worker.record });
}

if (import.meta.main) await main();
