import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  defaultMargin,
  defaultStudyBudgets,
  renderStudyMarkdown,
  renderStudySvg,
} from "@coderm/allocator";
import { executeProblems, loadRerankInputs, runAllocationStudy } from "@coderm/pipeline";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CommandContext } from "../context.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import {
  memoryLimitMb,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  timeLimitMs,
} from "../options.js";
import { printJson } from "../output.js";
import { createProgress } from "../progress.js";

interface StudyFlags extends ExecutorFlags {
  dataset: string;
  limit?: number;
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
  timeLimit: number;
  memoryLimit: number;
  out?: string;
  json?: boolean;
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
    .option("--dataset <name>", "a released sample set", "codet-humaneval-codegen16b")
    .option("--limit <n>", "only the first N problems", positiveInteger)
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
    .option("--seed <seed>", "seed", "0")
    .option("--time-limit <ms>", "time limit of a test (CodeT's 100)", timeLimitMs, 100)
    .option("--memory-limit <mb>", "memory limit of a candidate in MiB", memoryLimitMb, 1024)
    .option("--out <dir>", "write study.json, study.md and study.svg")
    .option("--json", "print JSON");
  addExecutorOptions(study).action((flags: StudyFlags) => runStudy(flags, context));
}

async function runStudy(flags: StudyFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const { input, judging } = await loadRerankInputs({
    dataset: flags.dataset,
    testsPerSample: 5,
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
  });
  const limits = { timeMs: flags.timeLimit, memoryMb: flags.memoryLimit, outputBytes: 1024 };
  const opened = await startExecutor(flags);
  try {
    const started = performance.now();
    const progress = createProgress({ label: "executing", stream: output.stderr });
    const problems = await executeProblems(input, {
      executor: opened.executor,
      limits,
      groundTruthLimits: limits,
      judging,
      onProgress: (event) => {
        if ("total" in event) progress.setTotal(event.total);
        else progress.advance();
      },
    });
    progress.finish();
    const result = await runAllocationStudy(problems, {
      dataset: flags.dataset,
      executor: opened.executor,
      limits,
      judging,
      executeSeconds: (performance.now() - started) / 1000,
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
    if (flags.out !== undefined) {
      await mkdir(flags.out, { recursive: true });
      await writeFile(join(flags.out, "study.json"), `${JSON.stringify(result, null, 2)}\n`);
      await writeFile(join(flags.out, "study.md"), renderStudyMarkdown(result));
      await writeFile(join(flags.out, "study.svg"), renderStudySvg(result));
    }
    if (flags.json) printJson(output, result);
    else output.stdout.write(renderStudyMarkdown(result));
  } finally {
    await opened.close();
  }
}
