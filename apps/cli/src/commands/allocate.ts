import { defaultMargin, defaultStudyBudgets } from "@coderm/allocator";
import { runAllocationStudy } from "@coderm/pipeline";
import { renderStudyMarkdown, renderStudySvg } from "@coderm/report";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CommandContext } from "../context.js";
import { nonNegativeNumber, positiveInteger, positiveNumber } from "../options.js";
import { printJson } from "../output.js";
import {
  addStudyMatrixOptions,
  executeStudyMatrices,
  type StudyMatrixFlags,
  writeStudyFiles,
} from "../study-matrices.js";

interface StudyFlags extends StudyMatrixFlags {
  budgets: (number | "all")[];
  seeds: number;
  folds: number;
  draws: number;
  probeTests: number;
  roundSize: number;
  bandwidth: number;
  margin: number;
  earlyStopping: "exact" | "confident";
  confidence: number;
  seed: string;
}

function budgetList(value: string): (number | "all")[] {
  return value.split(",").map((item) => {
    const trimmed = item.trim();
    if (trimmed === "all") return "all";
    const budget = Number(trimmed);
    if (!(budget > 0) || !Number.isFinite(budget))
      throw new InvalidArgumentError(`"${trimmed}" is not a positive number of tests or "all".`);
    return budget;
  });
}

/** Registers `coderm allocate study`. */
export function registerAllocateCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("allocate")
    .description("Dynamic unit-test scaling: spend a test budget across problems where it pays.");
  const study = command
    .command("study")
    .description(
      "The budget study on a released sample set: best-of-N pass@1 (coderm-vote, codet) against the average tests per problem for equal allocation, greedy on predicted difficulty and greedy on the gold difficulty (means over seeds, 95% intervals), and online early stopping's executions against the full budget. Verdicts come from the executor (and its cache).",
    )
    .option(
      "--budgets <list>",
      "average tests per problem, comma-separated; all = every test",
      budgetList,
      [...defaultStudyBudgets],
    )
    .option("--seeds <n>", "seeds averaged", positiveInteger, 20)
    .option("--folds <n>", "cross-validation folds", positiveInteger, 5)
    .option(
      "--draws <n>",
      "random test orders behind each problem's gain curve",
      positiveInteger,
      16,
    )
    .option(
      "--probe-tests <n>",
      "first-round tests per problem the predictor reads",
      positiveInteger,
      1,
    )
    .option(
      "--bandwidth <p>",
      "kernel bandwidth of the gain curves, in pass rate",
      positiveNumber,
      0.1,
    )
    .option(
      "--margin <p>",
      "how much more pass rate a test must be expected to gain to leave the place equal allocation gave it",
      nonNegativeNumber,
      defaultMargin,
    )
    .option(
      "--round-size <n>",
      "fewest tests per problem per early-stopping round",
      positiveInteger,
      1,
    )
    .addOption(
      new Option(
        "--early-stopping <rule>",
        "exact: drop a candidate once no remaining test can get it picked (the pick is the full budget's); confident: once it falls short at --confidence by its pass rate so far (faster; the pick may differ)",
      )
        .choices(["exact", "confident"])
        .default("exact"),
    )
    .option(
      "--confidence <p>",
      "the confident early-stopping rule's confidence",
      (value: string) => {
        const parsed = Number(value);
        if (!(parsed > 0 && parsed < 1))
          throw new InvalidArgumentError("expected a number between 0 and 1.");
        return parsed;
      },
      0.95,
    )
    .option("--seed <seed>", "seed", "0");
  addStudyMatrixOptions(study).action((flags: StudyFlags) => runStudy(flags, context));
}

async function runStudy(flags: StudyFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const { problems, judging, limits, opened, executeSeconds } = await executeStudyMatrices(
    flags,
    output,
  );
  try {
    const result = await runAllocationStudy(problems, {
      dataset: flags.dataset,
      executor: opened.executor,
      limits,
      judging,
      executeSeconds,
      budgets: flags.budgets,
      seeds: flags.seeds,
      folds: flags.folds,
      draws: flags.draws,
      probeTests: flags.probeTests,
      bandwidth: flags.bandwidth,
      margin: flags.margin,
      seed: flags.seed,
      rule: flags.earlyStopping,
      confidence: flags.confidence,
      roundSize: flags.roundSize,
    });
    if (flags.out !== undefined)
      await writeStudyFiles(flags.out, result, renderStudyMarkdown(result), renderStudySvg(result));
    if (flags.json) printJson(output, result);
    else output.stdout.write(renderStudyMarkdown(result));
  } finally {
    await opened.close();
  }
}
