import { availableParallelism } from "node:os";
import { CodermError } from "@coderm/core";
import {
  createQueueWorker,
  type QueueStatus,
  type QueueWorkerEvent,
  readQueueStatus,
  redisLabel,
} from "@coderm/executor-queue";
import { executorNames } from "@coderm/pipeline";
import { type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import {
  addExecutorOptions,
  addQueueOptions,
  type ExecutorFlags,
  redisOfFlags,
  startSandboxedExecutor,
} from "../executor-options.js";
import { positiveInteger } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";

interface WorkerFlags extends ExecutorFlags {
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalled?: number;
  heartbeat?: number;
  json?: boolean;
}

interface StatusFlags {
  redis?: string;
  redisTls?: boolean;
  redisCa?: string;
  queue?: string;
  json?: boolean;
}

/** Registers `coderm worker` and `coderm worker status`. */
export function registerWorkerCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("worker")
    .description(
      "Serve a queue: take execution jobs that `--executor queue` runs send through Redis (BullMQ), run them on a backend of this machine, and send the verdicts back; any number of workers on any hosts serve one queue. Jobs of another harness, backend or sandbox level than this worker's (its executor fingerprint) are refused. The local backend runs at the bwrap level unless --sandbox says otherwise. SIGTERM or SIGINT drains: running jobs finish, no new ones start. The worker keeps no verdict cache (its coordinators do).",
    )
    .addOption(
      new Option(
        "--concurrency <n>",
        "jobs (candidates) run at once (default: twice the harness processes)",
      ).argParser(positiveInteger),
    )
    .option(
      "--lock-duration <ms>",
      "how long a job stays this worker's without a renewal (renewed every half of it); the job of a worker that died goes to another one after about this long",
      positiveInteger,
      30_000,
    )
    .option(
      "--stalled-interval <ms>",
      "how often this worker looks for jobs of workers that died",
      positiveInteger,
      30_000,
    )
    .option(
      "--max-stalled <n>",
      "times a job may lose its worker and be retried before it fails",
      positiveInteger,
      2,
    )
    .option(
      "--heartbeat <ms>",
      "how often the worker renews its entry in the queue's registry",
      positiveInteger,
      5000,
    )
    .option("--json", "print events as JSON lines on stdout (else as text on stderr)");
  addExecutorOptions(command).action((flags: WorkerFlags) => runWorker(flags, context));

  const status = command
    .command("status")
    .description(
      "Print a queue's jobs (waiting, active, delayed, failed, completed) and its live workers: what each runs and has done.",
    )
    .option("--json", "print JSON");
  addQueueOptions(status).action(async (_flags: StatusFlags, statusCommand: Command) => {
    // `worker` has the same flags: commander reads them there, wherever they stand
    const flags = statusCommand.optsWithGlobals<StatusFlags>();
    const state = await readQueueStatus({
      redis: requireRedis(flags),
      ...(flags.queue === undefined ? {} : { queue: flags.queue }),
    });
    if (flags.json) printJson(context.output, state);
    else printStatus(context, state);
  });
}

function requireRedis(flags: ExecutorFlags | StatusFlags) {
  const redis = redisOfFlags(flags as ExecutorFlags);
  if (redis === undefined)
    throw new CodermError(
      "invalid-input",
      "a queue needs its Redis: give --redis URL (or CODERM_REDIS_URL)",
      { field: "redis" },
    );
  return redis;
}

async function runWorker(flags: WorkerFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  if (flags.executor === "queue")
    throw new CodermError(
      "invalid-input",
      `--executor queue: a worker runs jobs on a backend of its machine (${executorNames.filter((name) => name !== "queue").join(", ")}), not through another queue`,
    );
  const redis = requireRedis(flags);
  const print = (event: Record<string, unknown>) => {
    if (flags.json) output.stdout.write(`${JSON.stringify(event)}\n`);
  };
  const say = (line: string) => {
    if (!flags.json) output.stderr.write(`coderm: ${line}\n`);
  };
  // the coordinator caches verdicts; a worker answers from its backend only
  const opened = await startSandboxedExecutor({ ...flags, cache: false }, "serve a queue");
  const concurrency = flags.concurrency ?? 2 * (flags.workers ?? availableParallelism());
  const worker = createQueueWorker({
    redis,
    ...(flags.queue === undefined ? {} : { queue: flags.queue }),
    executor: opened.executor,
    executorName: flags.executor,
    concurrency,
    lockDurationMs: flags.lockDuration!,
    stalledIntervalMs: flags.stalledInterval!,
    maxStalledCount: flags.maxStalled!,
    heartbeatIntervalMs: flags.heartbeat!,
    onEvent: (event: QueueWorkerEvent) => {
      print(event);
      if (event.type === "stalled")
        say(`job ${event.jobId} lost its worker: it goes back to the queue`);
      else if (event.type === "failed") say(`job ${event.jobId} failed: ${event.message}`);
      else say(event.message);
    },
  });
  try {
    await worker.start();
  } catch (error) {
    await worker.close({ force: true }).catch(() => {});
    await opened.close();
    throw error;
  }
  // handlers first: a signal sent as soon as the worker says it is ready must find them
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const { record } = worker;
  print({ type: "ready", ...record });
  say(
    `worker ${record.id} serving queue "${flags.queue ?? "coderm"}" at ${redisLabel(redis)}: ${flags.executor} (${opened.confinement.join(", ") || "no sandbox"}), ${concurrency} jobs at once`,
  );
  const signal = await stopped;
  const draining = worker.record.active;
  print({ type: "draining", signal, active: draining });
  say(`${signal}: draining (${draining} job(s) running; again to abandon them to other workers)`);
  // a second signal abandons the running jobs: their locks expire and other workers retry them
  const abandon = () => {
    say(`abandoning ${worker.record.active} job(s) to other workers`);
    process.exit(exitCodes.interrupted);
  };
  process.once("SIGTERM", abandon);
  process.once("SIGINT", abandon);
  await worker.close();
  await opened.close();
  process.off("SIGTERM", abandon);
  process.off("SIGINT", abandon);
  const done = worker.record;
  print({ type: "stopped", ...done });
  say(
    `worker ${done.id} stopped: ${done.completed} job(s) completed, ${done.failed} failed, ${done.refused} refused`,
  );
}

function printStatus(context: CommandContext, status: QueueStatus): void {
  const { output } = context;
  output.stdout.write(`queue "${status.queue}" at ${status.redis}\n`);
  printTable(output, ["jobs", "count"], Object.entries(status.jobs));
  output.stdout.write("\n");
  if (status.workers.length === 0) {
    output.stdout.write("no live worker\n");
    return;
  }
  printTable(
    output,
    [
      "worker",
      "executor",
      "concurrency",
      "active",
      "completed",
      "failed",
      "refused",
      "started",
      "version",
    ],
    status.workers.map((worker) => [
      `${worker.id}${worker.draining ? " (draining)" : ""}`,
      worker.executor,
      worker.concurrency,
      worker.active,
      worker.completed,
      worker.failed,
      worker.refused,
      worker.startedAt,
      worker.fingerprint === status.fleetFingerprint
        ? "fleet's"
        : `other (refuses the fleet's jobs): ${worker.fingerprint}`,
    ]),
  );
  if (status.fleetFingerprint !== undefined)
    output.stdout.write(`\nfleet's executor fingerprint: ${status.fleetFingerprint}\n`);
}
