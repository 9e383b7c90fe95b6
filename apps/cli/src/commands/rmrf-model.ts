import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CodermError, type TestScorer } from "@coderm/core";
import { createOpenAIGenerator } from "@coderm/generators";
import {
  createEmbeddedTestScorer,
  createServedTestScorer,
  evaluateTestScores,
  loadEmbeddedPredictor,
  readRmrfSamples,
  readTrainingPairs,
  rmrfRow,
  scoreRows,
  type TestScoreReport,
  type TestScoreThreshold,
  type TestScoreTruth,
  type TrainingRow,
  testScoreTargets,
  thresholdsFor,
  trainEmbeddedModel,
  writeEmbeddedModel,
} from "@coderm/reward-rmrf";
import { type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { requireInputFile } from "../input-files.js";
import { nonNegativeInteger, positiveInteger } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress } from "../progress.js";

// RM-RF's fine-tuned 7B model, mean F1 over the three targets (its paper).
const paperMeanF1 = 0.69;

interface TrainFlags {
  pairs?: string;
  rmrf?: string;
  rmrfRepositories: string;
  out: string;
  seed: number;
  trees?: number;
  maxDepth?: number;
  json?: boolean;
}

interface EvalFlags {
  pairs?: string;
  split: "train" | "validation" | "test";
  rmrf?: string;
  rmrfRepositories: string;
  scorer: "embedded" | "served";
  model?: string;
  baseUrl?: string;
  servedModel?: string;
  json?: boolean;
}

/** Registers `coderm rmrf train` and `coderm rmrf eval` under `rmrf`. */
export function registerRmrfModelCommands(command: Command, context: CommandContext): void {
  command
    .command("train")
    .description(
      "Train the embedded run-free predictor (random forests over tree-sitter features, calibrated, nested) on labeled pairs (their train split; the validation split calibrates) and/or RM-RF samples, and write its model file.",
    )
    .option("--pairs <file>", "pairs.jsonl that `coderm rmrf label` wrote")
    .option("--rmrf <dir>", "RM-RF TOML samples to train on as well")
    .option(
      "--rmrf-repositories <names>",
      "with --rmrf: all, or a comma-separated list of repositories (owner/name) whose samples train (the others stay unseen)",
      "all",
    )
    .requiredOption("--out <file>", "the model file to write")
    .option("--seed <n>", "seeds calibration splits and forests", nonNegativeInteger, 1)
    .option("--trees <n>", "trees per forest (default 100)", positiveInteger)
    .option("--max-depth <n>", "depth limit of a tree (default 8)", positiveInteger)
    .option("--json", "print JSON")
    .action((flags: TrainFlags) => runTrain(flags, context));

  command
    .command("eval")
    .description(
      "Evaluate a run-free predictor on labeled pairs (one split) or RM-RF samples: F1, precision, recall, AUROC and Spearman per target, macro-F1, against the always-yes floor and RM-RF's 0.69, and the time per prediction.",
    )
    .option("--pairs <file>", "pairs.jsonl that `coderm rmrf label` wrote")
    .addOption(
      new Option("--split <name>", "with --pairs: the split to evaluate")
        .choices(["train", "validation", "test"])
        .default("test"),
    )
    .option("--rmrf <dir>", "RM-RF TOML samples to evaluate on")
    .option(
      "--rmrf-repositories <names>",
      "with --rmrf: all, or a comma-separated list of repositories (owner/name) to evaluate on",
      "all",
    )
    .addOption(
      new Option(
        "--scorer <name>",
        "embedded (this package's CPU model) or served (an OpenAI-compatible server, zero-shot)",
      )
        .choices(["embedded", "served"])
        .default("embedded"),
    )
    .option(
      "--model <file>",
      "embedded: a model file (default: the shipped model); served: see --served-model",
    )
    .option(
      "--base-url <url>",
      "served: the server's OpenAI-compatible base URL (say http://127.0.0.1:8000/v1)",
    )
    .option("--served-model <name>", "served: the model name the server serves")
    .option("--json", "print JSON")
    .action((flags: EvalFlags) => runEvaluate(flags, context));
}

async function rmrfRows(directory: string, repositories: string, context: CommandContext) {
  const { samples, errors } = await readRmrfSamples([directory]);
  for (const error of errors) context.output.stderr.write(`coderm: skipped: ${error.message}\n`);
  // a repository is named by its address or its owner/name
  const wanted = repositories === "all" ? undefined : repositories.split(",").filter(Boolean);
  return samples
    .filter(
      (sample) =>
        wanted === undefined ||
        wanted.some((name) => sample.repository === name || sample.repository.endsWith(`/${name}`)),
    )
    .map(rmrfRow);
}

async function runTrain(flags: TrainFlags, context: CommandContext): Promise<void> {
  if (flags.pairs === undefined && flags.rmrf === undefined)
    throw new CodermError(
      "invalid-input",
      "give --pairs, --rmrf or both: there is nothing to train on",
    );
  if (flags.pairs !== undefined) requireInputFile("--pairs", flags.pairs);
  const training: TrainingRow[] = [];
  let calibration: TrainingRow[] = [];
  const described: string[] = [];
  if (flags.pairs !== undefined) {
    const pairs = await readTrainingPairs(flags.pairs);
    training.push(...pairs.train);
    calibration = pairs.validation;
    described.push(
      `labeled pairs (${pairs.train.length} train, ${pairs.validation.length} validation for calibration)`,
    );
  }
  if (flags.rmrf !== undefined) {
    const rows = await rmrfRows(flags.rmrf, flags.rmrfRepositories, context);
    training.push(...rows);
    described.push(
      `RM-RF samples (${rows.length} rows of ${new Set(rows.map((row) => row.repository)).size} repositories)`,
    );
  }
  const started = performance.now();
  const model = await trainEmbeddedModel(training, {
    seed: flags.seed,
    ...(flags.trees === undefined ? {} : { trees: flags.trees }),
    ...(flags.maxDepth === undefined ? {} : { maxDepth: flags.maxDepth }),
    ...(calibration.length > 0 ? { calibrationRows: calibration } : {}),
    description: described.join(" + "),
  });
  await writeEmbeddedModel(flags.out, model);
  const report = {
    model: flags.out,
    bytes: (await stat(flags.out)).size,
    seconds: (performance.now() - started) / 1000,
    trained_on: model.trainedOn,
    thresholds: model.thresholds,
  };
  if (flags.json) printJson(context.output, report);
  else
    printTable(
      context.output,
      ["", "value"],
      [
        ["model", report.model],
        ["trained on", model.trainedOn.description ?? described.join(" + ")],
        ["KiB", (report.bytes / 1024).toFixed(0)],
        ["seconds", report.seconds.toFixed(1)],
        ["thresholds", JSON.stringify(model.thresholds)],
      ],
    );
  context.exitCode = exitCodes.ok;
}

async function runEvaluate(flags: EvalFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  if (flags.pairs === undefined && flags.rmrf === undefined)
    throw new CodermError(
      "invalid-input",
      "give --pairs or --rmrf: there is nothing to evaluate on",
    );
  if (flags.pairs !== undefined) requireInputFile("--pairs", flags.pairs);
  const rows: (TrainingRow & { truth: TestScoreTruth })[] = [];
  let executionSecondsPerTest: number | undefined;
  if (flags.pairs !== undefined) {
    const pairs = await readTrainingPairs(flags.pairs);
    rows.push(
      ...pairs[flags.split].map((pair) => ({
        ...pair,
        truth: {
          ...pair.labels,
          ...(pair.deltas === undefined
            ? {}
            : { coverageDelta: pair.deltas.coverage, mutationDelta: pair.deltas.mutation }),
        },
      })),
    );
    executionSecondsPerTest = await labelingSecondsPerPair(flags.pairs);
  }
  if (flags.rmrf !== undefined)
    rows.push(...(await rmrfRows(flags.rmrf, flags.rmrfRepositories, context)));
  if (rows.length === 0) throw new CodermError("invalid-input", "no rows to evaluate");

  let scorer: TestScorer;
  let close = async () => {};
  let threshold: TestScoreThreshold | TestScoreThreshold[] = 0.5;
  if (flags.scorer === "served") {
    if (flags.baseUrl === undefined || flags.servedModel === undefined)
      throw new CodermError(
        "invalid-input",
        "--scorer served needs --base-url and --served-model",
        {
          field: "base-url",
        },
      );
    const generator = createOpenAIGenerator({ model: flags.servedModel, baseURL: flags.baseUrl });
    close = () => generator.close();
    scorer = createServedTestScorer({ generator });
  } else {
    const predictor = await loadEmbeddedPredictor(flags.model);
    scorer = createEmbeddedTestScorer({ model: predictor.model });
    // the model's own decision thresholds, per language
    threshold = rows.map((row) => thresholdsFor(predictor.model, row.language));
  }
  const progress = createProgress({ label: "scoring", total: rows.length, stream: output.stderr });
  let done = 0;
  const { predictions, seconds } = await scoreRows(scorer, rows, (count) => {
    progress.advance(count - done);
    done = count;
  }).finally(async () => {
    progress.finish();
    await close();
  });
  const byLanguage = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const list = byLanguage.get(row.language) ?? [];
    list.push(index);
    byLanguage.set(row.language, list);
  });
  const evaluate = (indices: number[]): TestScoreReport =>
    evaluateTestScores(
      indices.map((index) => predictions[index]!),
      indices.map((index) => rows[index]!.truth),
      Array.isArray(threshold) ? indices.map((index) => threshold[index]!) : threshold,
    );
  const all = rows.map((_, index) => index);
  const reports: Record<string, TestScoreReport> = { all: evaluate(all) };
  if (byLanguage.size > 1)
    for (const [language, indices] of byLanguage) reports[language] = evaluate(indices);
  const perTestMs = (seconds * 1000) / rows.length;
  if (flags.json) {
    printJson(output, {
      scorer: scorer.name,
      rows: rows.length,
      reports,
      paper_mean_f1: paperMeanF1,
      latency: {
        ms_per_test: perTestMs,
        ...(executionSecondsPerTest === undefined
          ? {}
          : { execution_ms_per_test: executionSecondsPerTest * 1000 }),
      },
    });
  } else {
    for (const [name, report] of Object.entries(reports)) {
      output.stdout.write(`${name} (${report.count} rows)\n`);
      printTable(
        output,
        ["target", "F1", "floor F1", "precision", "recall", "AUROC", "Spearman", "positives"],
        testScoreTargets.map((target) => {
          const row = report.targets[target];
          return [
            target,
            row.f1.toFixed(3),
            row.floor.f1.toFixed(3),
            row.precision.toFixed(3),
            row.recall.toFixed(3),
            Number.isNaN(row.auroc) ? "-" : row.auroc.toFixed(3),
            row.spearman === undefined || Number.isNaN(row.spearman)
              ? "-"
              : row.spearman.toFixed(3),
            `${row.positives}/${row.count}`,
          ];
        }),
      );
      output.stdout.write(
        `macro-F1 ${report.macroF1.toFixed(3)} (always-yes floor ${report.floorMacroF1.toFixed(3)}, RM-RF's fine-tuned 7B ${paperMeanF1})\n\n`,
      );
    }
    output.stdout.write(
      `${perTestMs.toFixed(3)} ms a test to predict${
        executionSecondsPerTest === undefined
          ? ""
          : `; ${(executionSecondsPerTest * 1000).toFixed(1)} ms a test to label by execution (coverage and mutants)`
      }\n`,
    );
  }
  context.exitCode = exitCodes.ok;
}

// The labeling's seconds per pair, from the summary.json written beside pairs.jsonl.
async function labelingSecondsPerPair(pairsFile: string): Promise<number | undefined> {
  try {
    const summary = JSON.parse(await readFile(join(dirname(pairsFile), "summary.json"), "utf8"));
    return typeof summary.seconds === "number" && summary.pairs > 0
      ? summary.seconds / summary.pairs
      : undefined;
  } catch {
    return undefined;
  }
}
