import { readFileSync } from "node:fs";
import { CodermError, type SandboxLevel, sandboxLevels } from "@coderm/core";
import type { RedisSettings } from "@coderm/executor-queue";
import { executorNames, type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { type Command, Option } from "commander";
import { nonNegativeInteger, positiveInteger } from "./options.js";
import type { Output } from "./output.js";
import { watchQueue } from "./queue-watch.js";

/** The executor flags every executing command shares. */
export interface ExecutorFlags {
  executor: string;
  /** Given only when set (flag, environment or settings file); each backend has its default. */
  sandbox?: SandboxLevel;
  workers?: number;
  cache: boolean;
  python?: string;
  hostLimits?: "required" | "best-effort";
  cpuSlots?: number;
  dockerHost?: string[];
  image?: string;
  redis?: string;
  redisTls?: boolean;
  redisCa?: string;
  queue?: string;
}

/**
 * Adds `--executor`, `--sandbox`, `--workers`, `--no-cache`, `--python`, `--host-limits`,
 * `--cpu-slots`, `--docker-host`, `--image`, `--redis`, `--redis-tls`, `--redis-ca` and `--queue`
 * to a command.
 */
export function addExecutorOptions(command: Command): Command {
  command
    .addOption(
      new Option(
        "--executor <backend>",
        "where candidates run: local (this machine's processes), docker (containers), isolated-vm (JavaScript and TypeScript only) or queue (coderm worker processes on any hosts, through Redis: --redis)",
      )
        .choices([...executorNames])
        .default("local"),
    )
    .addOption(
      new Option(
        "--sandbox <level>",
        "isolation of candidate code: with --executor local, process (rlimits, Landlock, seccomp) or bwrap (also namespaces; the default of serve, worker and nt mcts; the other commands default to process); with --executor docker, docker (its only level); with --executor queue, none here (set it on the workers)",
      ).choices([...sandboxLevels]),
    )
    .option(
      "--workers <n>",
      "harness processes (default: one per core of each machine)",
      positiveInteger,
    )
    .option(
      "--no-cache",
      "ignore and do not write the caches (verdicts, and completions where the command generates)",
    )
    .option("--python <command>", "Python interpreter (default: CODERM_PYTHON, else python3)")
    .addOption(
      new Option(
        "--host-limits <mode>",
        "with --executor local: required (the default) refuses to start where a cgroup (memory, pids) and a sized tmpfs per harness process cannot be applied (needs root or a delegated cgroup); best-effort applies what the machine allows",
      ).choices(["required", "best-effort"]),
    )
    .option(
      "--cpu-slots <n>",
      "with --executor local: requests running at once on this machine, over every coderm run of this user (default: one per core), so that runs side by side share the cores and time limits keep their meaning; 0 turns the sharing off",
      nonNegativeInteger,
    )
    .option(
      "--docker-host <url>",
      "with --executor docker: a daemon (unix://, tcp://, ssh://); repeat for several (default: DOCKER_HOST, else the local socket)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--image <tag>",
      "with --executor docker: the sandbox image (default: the one `coderm sandbox build` makes)",
    );
  return addQueueOptions(command);
}

/**
 * Adds `--redis`, `--redis-tls`, `--redis-ca` and `--queue`: where the queue of `--executor queue`
 * and `coderm worker` is.
 */
export function addQueueOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--redis <url>",
        "the queue's Redis (--executor queue, coderm worker): redis://[user@]host[:port][/db], or rediss:// for TLS; the password in the URL or in CODERM_REDIS_PASSWORD",
      ).env("CODERM_REDIS_URL"),
    )
    .option("--redis-tls", "speak TLS to the queue's Redis (as a rediss:// URL does)")
    .option(
      "--redis-ca <file>",
      "the PEM file of the certificate authority of the queue's Redis's TLS certificate (default: the system's)",
    )
    .option(
      "--queue <name>",
      "the queue's name (--executor queue, coderm worker; default: coderm)",
    );
}

/**
 * The Redis settings the flags describe (`--redis`, `--redis-tls`, `--redis-ca`, and the password
 * from CODERM_REDIS_PASSWORD, which never appears in a command line or a message), or undefined
 * without `--redis`.
 */
export function redisOfFlags(flags: ExecutorFlags): RedisSettings | undefined {
  if (flags.redis === undefined) return undefined;
  let ca: string | undefined;
  if (flags.redisCa !== undefined)
    try {
      ca = readFileSync(flags.redisCa, "utf8");
    } catch (error) {
      throw new CodermError(
        "invalid-input",
        `--redis-ca: cannot read ${flags.redisCa} (${(error as Error).message})`,
        { cause: error },
      );
    }
  const password = process.env.CODERM_REDIS_PASSWORD;
  return {
    url: flags.redis,
    ...(password === undefined || password === "" ? {} : { password }),
    ...(ca === undefined ? (flags.redisTls ? { tls: true } : {}) : { tls: { ca } }),
  };
}

/**
 * Opens the executor the flags describe (cached and deduplicated) and starts it. A `--sandbox`
 * level the `--executor` does not offer (by its capabilities) is an error naming both flags.
 * With `output`, a run through the queue says there when its jobs wait for want of workers (see
 * {@link watchQueue}) until the executor closes.
 */
export async function startExecutor(
  flags: ExecutorFlags,
  output?: Output,
): Promise<OpenedExecutor> {
  let opened: OpenedExecutor;
  try {
    opened = await openExecutorOfFlags(flags);
  } catch (error) {
    const levels = CodermError.isInstance(error) ? error.details?.sandboxLevels : undefined;
    if (CodermError.isInstance(error) && error.field === "sandbox" && Array.isArray(levels))
      throw new CodermError(
        "invalid-input",
        `--sandbox ${flags.sandbox} cannot be used with --executor ${flags.executor}: its sandbox levels are ${levels.join(", ")}`,
        { cause: error },
      );
    throw error;
  }
  if (output === undefined || opened.queueStatus === undefined) return opened;
  const stopWatching = watchQueue(opened, output.stderr);
  const close = opened.close;
  opened.close = () => {
    stopWatching();
    return close();
  };
  return opened;
}

function openExecutorOfFlags(flags: ExecutorFlags): Promise<OpenedExecutor> {
  return openExecutor({
    executor: flags.executor,
    ...(flags.sandbox === undefined ? {} : { sandbox: flags.sandbox }),
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    ...(flags.cache ? {} : { cache: false as const }),
    ...(flags.python === undefined ? {} : { python: flags.python }),
    ...(flags.hostLimits === undefined ? {} : { hostLimits: flags.hostLimits }),
    ...(flags.cpuSlots === undefined ? {} : { cpuSlots: flags.cpuSlots }),
    ...(flags.dockerHost === undefined ? {} : { dockerHosts: flags.dockerHost }),
    ...(flags.image === undefined ? {} : { image: flags.image }),
    ...(flags.redis === undefined ? {} : { redis: redisOfFlags(flags) }),
    ...(flags.queue === undefined ? {} : { queue: flags.queue }),
  });
}

/**
 * Opens the executor for model-written or others' code: the flags' sandbox, else `bwrap` for the
 * local backend, refusing to fall back to the weaker `process` level unless it is asked for by
 * name (the error says so, with what `purpose` the programs run for).
 */
export async function startSandboxedExecutor(
  flags: ExecutorFlags,
  purpose: string,
): Promise<OpenedExecutor> {
  if (flags.sandbox !== undefined || flags.executor !== "local") return startExecutor(flags);
  try {
    return await startExecutor({ ...flags, sandbox: "bwrap" });
  } catch (error) {
    throw new CodermError(
      "unavailable",
      `the bwrap sandbox cannot start here (${error instanceof Error ? error.message : String(error)}); pass --sandbox process to ${purpose} with process-level isolation (rlimits, Landlock, seccomp) instead`,
      { field: "sandbox", cause: error },
    );
  }
}
