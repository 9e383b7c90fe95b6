import { CodermError } from "@coderm/core";
import { createProblemLookup } from "@coderm/pipeline";
import { createRewardServer, isLoopback, readTokens, serverDefaults } from "@coderm/server";
import { type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import {
  addExecutorOptions,
  type ExecutorFlags,
  startSandboxedExecutor,
} from "../executor-options.js";
import { memoryLimitMb, nonNegativeInteger, positiveInteger, timeLimitMs } from "../options.js";
import {
  addRewardModelOptions,
  openRewardModel,
  type RewardModelFlags,
} from "../reward-model-options.js";

interface ServeFlags extends ExecutorFlags, RewardModelFlags {
  host: string;
  port: number;
  tokensFile?: string;
  timeLimit: number;
  memoryLimit: number;
  deadline: number;
  maxBodyBytes: number;
  maxBatchItems: number;
  maxQueueDepth: number;
  batchWait: number;
  batchSize: number;
  grace: number;
  logLevel: string;
}

/** Registers `coderm serve`. */
export function registerServeCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("serve")
    .description(
      "Serve rewards over HTTP for RL trainers and tools: /v1/reward, /v1/execute, /v1/rerank, and the shapes OpenRLHF (/openrlhf), slime (/slime), veRL's sandbox_fusion (/run_code) and CodeRM-NT (/execute; /predict with --reward-url) already send. Docs at /docs, OpenAPI at /openapi.json, Prometheus at /metrics. Without tokens it serves this machine only.",
    )
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free one)", nonNegativeInteger, 8000)
    .addOption(
      new Option(
        "--tokens-file <file>",
        "bearer tokens: a JSON list of {token, name, concurrency?, ratePerSecond?}, or one name:token a line (also CODERM_SERVE_TOKENS)",
      ),
    )
    .option(
      "--time-limit <ms>",
      "time limit of an inline test",
      timeLimitMs,
      serverDefaults.limits.timeMs,
    )
    .option(
      "--memory-limit <mb>",
      "memory limit of a candidate with inline tests, in MiB",
      memoryLimitMb,
      serverDefaults.limits.memoryMb,
    )
    .option(
      "--deadline <ms>",
      "longest a request may take; a client's X-Deadline-Ms may shorten it",
      positiveInteger,
      serverDefaults.deadlineMs,
    )
    .option(
      "--max-body-bytes <n>",
      "largest request body (413 past it)",
      positiveInteger,
      serverDefaults.maxBodyBytes,
    )
    .option(
      "--max-batch-items <n>",
      "most items in one request (413 past it)",
      positiveInteger,
      serverDefaults.maxBatchItems,
    )
    .option(
      "--max-queue-depth <n>",
      "most executions queued or running (429 with Retry-After past it)",
      positiveInteger,
      serverDefaults.maxQueueDepth,
    )
    .option(
      "--batch-wait <ms>",
      "how long a request waits for others to share an executor batch",
      nonNegativeInteger,
      5,
    )
    .option("--batch-size <n>", "most requests in one executor batch", positiveInteger, 256)
    .option(
      "--grace <ms>",
      "on SIGTERM or SIGINT, how long requests in flight may take to finish",
      nonNegativeInteger,
      30_000,
    )
    .addOption(
      new Option("--log-level <level>", "JSON log level on stderr")
        .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        .default("info"),
    );
  addRewardModelOptions(
    addExecutorOptions(command),
    "the hybrid mode: the tests' reward plus this times the model's",
  ).action((flags: ServeFlags) => runServe(flags, context));
}

async function runServe(flags: ServeFlags, context: CommandContext): Promise<void> {
  const tokens = await readTokens({
    ...(flags.tokensFile === undefined ? {} : { file: flags.tokensFile }),
    environment: { name: "CODERM_SERVE_TOKENS", value: process.env.CODERM_SERVE_TOKENS },
  });
  if (tokens.length === 0 && !isLoopback(flags.host) && flags.host !== "localhost")
    throw new CodermError(
      "invalid-input",
      `without tokens the service listens on loopback only, not on ${flags.host}: give --tokens-file or CODERM_SERVE_TOKENS to serve other machines`,
      { field: "host" },
    );
  const rewardModel = openRewardModel(flags);
  const opened = await startSandboxedExecutor(flags, "serve");
  const server = await createRewardServer({
    executor: opened,
    ...(rewardModel === undefined ? {} : { rewardModel, hybridWeight: flags.rewardWeight }),
    problems: createProblemLookup({ executor: opened.executor }),
    limits: { timeMs: flags.timeLimit, memoryMb: flags.memoryLimit, outputBytes: 4096 },
    ...(tokens.length === 0 ? {} : { tokens }),
    deadlineMs: flags.deadline,
    maxBodyBytes: flags.maxBodyBytes,
    maxBatchItems: flags.maxBatchItems,
    maxQueueDepth: flags.maxQueueDepth,
    batching: { maxWaitMs: flags.batchWait, maxBatchSize: flags.batchSize },
    logLevel: flags.logLevel as "info",
  }).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  let address: string;
  try {
    address = await server.listen({ host: flags.host, port: flags.port });
  } catch (error) {
    await server.close(0);
    await opened.close();
    throw error;
  }
  // handlers first: a signal sent as soon as the service says it serves must find them
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const isolation =
    opened.confinement.join(", ") ||
    (flags.executor === "queue" ? "candidates on the queue's workers" : flags.executor);
  context.output.stderr.write(
    `coderm: serving on ${address} (${isolation}; ${tokens.length === 0 ? "loopback callers only" : `${tokens.length} token(s)`}); docs at ${address}/docs\n`,
  );
  const signal = await stopped;
  context.output.stderr.write(
    `coderm: ${signal}: finishing requests in flight (at most ${flags.grace} ms)\n`,
  );
  await server.close(flags.grace);
  await opened.close();
}
