import {
  createLocalExecutor,
  type LocalExecutor,
  type SandboxLevel,
  sandboxLevels,
} from "@coderm/executor";
import { type Command, Option } from "commander";
import { positiveInteger } from "./options.js";

/** The executor flags every executing command shares. */
export interface ExecutorFlags {
  sandbox: SandboxLevel;
  workers?: number;
  cache: boolean;
  python?: string;
}

/** Adds `--sandbox`, `--workers`, `--no-cache` and `--python` to a command. */
export function addExecutorOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--sandbox <level>",
        "isolation of candidate code: process (rlimits) or bwrap (namespaces: no network, no host files)",
      )
        .choices([...sandboxLevels])
        .default("process"),
    )
    .option("--workers <n>", "worker processes (default: one per core)", positiveInteger)
    .option("--no-cache", "ignore and do not write the verdict cache")
    .option("--python <command>", "Python interpreter (default: CODERM_PYTHON, else python3)");
}

/** Creates the local executor the flags describe and starts its workers. */
export async function startExecutor(flags: ExecutorFlags): Promise<LocalExecutor> {
  const executor = createLocalExecutor({
    sandbox: flags.sandbox,
    ...(flags.workers === undefined ? {} : { workers: flags.workers }),
    ...(flags.cache ? {} : { cache: false as const }),
    ...(flags.python === undefined ? {} : { python: flags.python }),
  });
  await executor.start();
  return executor;
}
