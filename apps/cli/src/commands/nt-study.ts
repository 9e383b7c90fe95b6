import { createRewardMethod, requireTestBasedReward } from "@coderm/pipeline";
import { renderHybridStudyMarkdown, renderHybridStudySvg } from "@coderm/report";
import { hybridStudy } from "@coderm/reward-nt";
import { type Command, InvalidArgumentError } from "commander";
import type { CommandContext } from "../context.js";
import { positiveInteger } from "../options.js";
import { printJson } from "../output.js";
import {
  addStudyMatrixOptions,
  executeStudyMatrices,
  type StudyMatrixFlags,
  writeStudyFiles,
} from "../study-matrices.js";

interface StudyFlags extends StudyMatrixFlags {
  aurocs: number[];
  keeps: number[];
  seeds: number;
  tests: string;
  seed: string;
}

function numberList(check: (value: number) => boolean, what: string) {
  return (value: string): number[] =>
    value.split(",").map((item) => {
      const parsed = Number(item.trim());
      if (!check(parsed)) throw new InvalidArgumentError(`"${item.trim()}" is not ${what}.`);
      return parsed;
    });
}

/** Registers `coderm nt study` under the `nt` command. */
export function registerNtStudyCommand(nt: Command, context: CommandContext): void {
  const study = nt
    .command("study")
    .description(
      "How good a reward model must be before pruning pays: hybrid reranking (keep the top programs by a reward model, run tests only on those) with SIMULATED reward models at AUROC levels, on a released sample set: pass@1 against executions saved. Needs no weights.",
    )
    .option(
      "--aurocs <list>",
      "the simulated reward models' AUROC levels",
      numberList((value) => value >= 0.5 && value < 1, "an AUROC in [0.5, 1)"),
      [0.6, 0.7, 0.8, 0.9, 0.95],
    )
    .option(
      "--keeps <list>",
      "distinct programs kept per problem before testing",
      numberList((value) => Number.isInteger(value) && value > 0, "a positive integer"),
      [1, 2, 3, 5, 10, 20],
    )
    .option("--seeds <n>", "noise draws per AUROC level", positiveInteger, 10)
    .option("--tests <method>", "the test-based method that ranks the kept programs", "codet")
    .option("--seed <seed>", "seed", "0");
  addStudyMatrixOptions(study).action((flags: StudyFlags) => runStudy(flags, context));
}

async function runStudy(flags: StudyFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const tests = requireTestBasedReward(
    createRewardMethod(flags.tests, { seed: flags.seed }),
    "testMethod",
  );
  const { problems, opened } = await executeStudyMatrices(flags, output);
  try {
    const result = await hybridStudy(problems, {
      tests,
      dataset: flags.dataset,
      aurocs: flags.aurocs,
      keeps: flags.keeps,
      seeds: flags.seeds,
      seed: flags.seed,
    });
    if (flags.out !== undefined)
      await writeStudyFiles(
        flags.out,
        result,
        renderHybridStudyMarkdown(result),
        renderHybridStudySvg(result),
      );
    if (flags.json) printJson(output, result);
    else output.stdout.write(renderHybridStudyMarkdown(result));
  } finally {
    await opened.close();
  }
}
