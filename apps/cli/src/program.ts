import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerAllocateCommand } from "./commands/allocate.js";
import { registerDatasetsCommand } from "./commands/datasets.js";
import { registerEvalCommand } from "./commands/eval.js";
import { registerExperimentsCommand } from "./commands/experiments.js";
import { registerGenerateCommand } from "./commands/generate.js";
import { registerNtCommand } from "./commands/nt.js";
import { registerRerankCommand } from "./commands/rerank.js";
import { registerRmrfCommand } from "./commands/rmrf.js";
import { registerRunCommand } from "./commands/run.js";
import { registerSandboxCommand } from "./commands/sandbox.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { addConfigOption, applyConfigFile, configFilePath } from "./config-file.js";
import type { CommandContext } from "./context.js";
import { exitCodes, type Output, processOutput, reportError } from "./output.js";

/** Builds the `coderm` command with every subcommand. */
export function createProgram(context: CommandContext): Command {
  const { output } = context;
  const program = new Command("coderm")
    .description("Code reward modeling: pick the right program among many LLM-written ones.")
    .version(packageJson.version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      "\nExit codes: 0 done; 1 the work failed (executor, server, download, dataset check); 2 bad input\n(a flag, the settings file, or a line of an input file, named in the message); 130 interrupted.",
    )
    .configureOutput({
      writeOut: (text) => output.stdout.write(text),
      writeErr: (text) => output.stderr.write(text),
    });
  registerAllocateCommand(program, context);
  registerDatasetsCommand(program, context);
  registerEvalCommand(program, context);
  registerExperimentsCommand(program, context);
  registerGenerateCommand(program, context);
  registerNtCommand(program, context);
  registerRerankCommand(program, context);
  registerRmrfCommand(program, context);
  registerRunCommand(program, context);
  registerSandboxCommand(program, context);
  registerServeCommand(program, context);
  registerWorkerCommand(program, context);
  addConfigOption(program);
  exitOverrideEverywhere(program);
  return program;
}

/**
 * Runs the command line and resolves to the exit code: 0 on success, 1 when the work failed, 2 on
 * bad input (a flag, the settings file, or a line of an input file). Errors are printed as one line naming the file, line, field or item at fault.
 * Settings come from flags, then their environment variables, then the settings file (see
 * {@link applyConfigFile}), then defaults.
 */
export async function runCli(
  argv: readonly string[],
  output: Output = processOutput,
): Promise<number> {
  const context: CommandContext = { output, exitCode: exitCodes.ok };
  try {
    const program = createProgram(context);
    const configFile = configFilePath(argv);
    if (configFile !== undefined) applyConfigFile(program, configFile);
    await program.parseAsync(argv, { from: "user" });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError)
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    return reportError(output, error);
  }
}

function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const child of command.commands) exitOverrideEverywhere(child);
}
