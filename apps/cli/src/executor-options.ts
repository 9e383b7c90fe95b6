import { type SandboxLevel, sandboxLevels } from "@coderm/core";
import { executorNames, type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { type Command, Option } from "commander";
import { positiveInteger } from "./options.js";

/** The executor flags every executing command shares. */
export interface ExecutorFlags {
  executor: string;
  sandbox: SandboxLevel;
  workers?: number;
  cache: boolean;
  python?: string;
  dockerHost?: string[];
  image?: string;
}

/**
 * Adds `--executor`, `--sandbox`, `--workers`, `--no-cache`, `--python`, `--docker-host` and
 * `--image` to a command.
 */
export function addExecutorOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--executor <backend>",
        "where candidates run: local (this machine's processes) or docker (containers)",
      )
        .choices([...executorNames])
        .default("local"),
    )
    .addOption(
      new Option(
        "--sandbox <level>",
        "isolation of local candidate code: process (rlimits, Landlock, seccomp) or bwrap (also namespaces)",
      )
        .choices(sandboxLevels.filter((level) => level !== "docker"))
        .default("process"),
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
    .option(
      "--docker-host <url>",
      "with --executor docker: a daemon (unix://, tcp://, ssh://); repeat for several (default: DOCKER_HOST, else the local socket)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--image <tag>",
      "with --executor docker: the sandbox image (default: the one `coderm sandbox build` makes)",
    );
}

/** Opens the executor the flags describe (cached and deduplicated) and starts it. */
export function startExecutor(flags: ExecutorFlags): Promise<OpenedExecutor> {
  return openExecutor({
    executor: flags.executor,
    sandbox: flags.sandbox,
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    ...(flags.cache ? {} : { cache: false as const }),
    ...(flags.python === undefined ? {} : { python: flags.python }),
    ...(flags.dockerHost === undefined ? {} : { dockerHosts: flags.dockerHost }),
    ...(flags.image === undefined ? {} : { image: flags.image }),
  });
}
