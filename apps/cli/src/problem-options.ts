import { type MbppPromptStyle, mbppPromptStyles } from "@coderm/benchmarks";
import type { ProblemSelection } from "@coderm/pipeline";
import { type Command, Option } from "commander";

/** The flags of {@link addProblemSelectionOptions}. */
export interface ProblemSelectionFlags {
  release?: string;
  since?: string;
  until?: string;
  promptStyle?: MbppPromptStyle;
}

/**
 * Adds the options that choose which of a benchmark's problems a command takes and how they are
 * put: LiveCodeBench's `--release`, `--since`, `--until`, and MBPP's `--prompt-style`.
 */
export function addProblemSelectionOptions(command: Command): Command {
  return command
    .option(
      "--release <tag>",
      "livecodebench: its version tag (release_v1 … release_v6, release_latest, v5, v4_v6, ...; default release_latest)",
    )
    .option(
      "--since <date>",
      "livecodebench: problems from this contest date on (YYYY-MM-DD), e.g. after a model's cutoff",
    )
    .option("--until <date>", "livecodebench: problems up to this contest date (YYYY-MM-DD)")
    .addOption(
      new Option(
        "--prompt-style <style>",
        "mbpp, mbpp-full: how a problem is put to a model: evalplus (a docstring with the description and first test; default) or codet (the reference's signature with the description)",
      ).choices(mbppPromptStyles),
    );
}

/** The problem selection the flags of {@link addProblemSelectionOptions} ask for. */
export function problemSelection(flags: ProblemSelectionFlags): ProblemSelection {
  return {
    ...(flags.release === undefined ? {} : { release: flags.release }),
    ...(flags.since === undefined && flags.until === undefined
      ? {}
      : {
          window: {
            ...(flags.since === undefined ? {} : { since: flags.since }),
            ...(flags.until === undefined ? {} : { until: flags.until }),
          },
        }),
    ...(flags.promptStyle === undefined ? {} : { promptStyle: flags.promptStyle }),
  };
}
