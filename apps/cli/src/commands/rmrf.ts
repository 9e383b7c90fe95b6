import { CodermError } from "@coderm/core";
import {
  buildRmrfDataset,
  type RmrfSourceDataset,
  rmrfSourceDatasets,
  writeRmrfDataset,
} from "@coderm/pipeline";
import { readRmrfSamples, rmrfSampleDeltas } from "@coderm/reward-rmrf";
import { type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import { nonNegativeInteger, positiveInteger } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress, type Progress } from "../progress.js";
import { registerRmrfModelCommands } from "./rmrf-model.js";

interface LabelFlags extends ExecutorFlags {
  out: string;
  dataset?: RmrfSourceDataset[];
  seed: number;
  existingTests?: number;
  codetTests?: number;
  groundTruthTests?: number;
  maxMutants?: number;
  mutantTimeLimit?: number;
  problem?: string[];
  toml: boolean;
  json?: boolean;
}

/** Registers `coderm rmrf label|read|train|eval`. */
export function registerRmrfCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("rmrf")
    .description(
      "Run-free test rewards (RM-RF): label tests by execution (coverage and mutants), read RM-RF's samples, train and evaluate predictors.",
    );

  const label = command
    .command("label")
    .description(
      "Label (focal code, candidate test) pairs by execution: the canonical solution is the focal code, a seeded part of its ground-truth tests the existing suite; each candidate test (CodeT's released tests, held-out ground truth) is labeled runs / raises coverage / raises the mutation kill rate. Writes pairs.jsonl, summary.json and RM-RF TOML samples.",
    )
    .requiredOption("--out <dir>", "directory to write the dataset to")
    .addOption(
      new Option("--dataset <name...>", "benchmarks to label (all by default)").choices([
        ...rmrfSourceDatasets,
      ]),
    )
    .option(
      "--seed <n>",
      "seeds the existing suites, sampled tests and splits",
      nonNegativeInteger,
      0,
    )
    .option(
      "--existing-tests <n>",
      "ground-truth tests in each existing suite (default 3; MBPP+ 1)",
      nonNegativeInteger,
    )
    .option(
      "--codet-tests <n>",
      "CodeT tests labeled per HumanEval problem (default 60)",
      nonNegativeInteger,
    )
    .option(
      "--ground-truth-tests <n>",
      "held-out ground-truth tests labeled per focal file (default 25)",
      nonNegativeInteger,
    )
    .option("--max-mutants <n>", "mutants kept per focal file (default 40)", positiveInteger)
    .option(
      "--mutant-time-limit <ms>",
      "time limit in ms of a quick test against a mutant (default 250; a test slower than a tenth of it on the focal code keeps the focal limit)",
      positiveInteger,
    )
    .option("--problem <id...>", "label only these problems (say HumanEval/0 Mbpp/2)")
    .option("--no-toml", "do not write the RM-RF TOML samples")
    .option("--json", "print JSON");
  addExecutorOptions(label).action((flags: LabelFlags) => runLabel(flags, context));

  command
    .command("read")
    .description(
      "Read RM-RF TOML samples (files or directories): counts and label balance by language, and a check that the stored deltas follow from the stored coverage and mutant maps.",
    )
    .argument("<paths...>", "sample files or directories of them")
    .option("--json", "print JSON")
    .action((paths: string[], flags: { json?: boolean }) => runRead(paths, flags, context));

  registerRmrfModelCommands(command, context);
}

async function runLabel(flags: LabelFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const opened = await startExecutor(flags, output);
  let progress: Progress | undefined;
  let phase: string | undefined;
  let lastDone = 0;
  try {
    const dataset = await buildRmrfDataset({
      executor: opened.executor,
      ...(flags.dataset === undefined ? {} : { datasets: flags.dataset }),
      seed: flags.seed,
      ...(flags.existingTests === undefined ? {} : { existingTests: flags.existingTests }),
      ...(flags.codetTests === undefined ? {} : { codetTests: flags.codetTests }),
      ...(flags.groundTruthTests === undefined ? {} : { groundTruthTests: flags.groundTruthTests }),
      ...(flags.maxMutants === undefined ? {} : { maxMutants: flags.maxMutants }),
      ...(flags.mutantTimeLimit === undefined ? {} : { mutantTimeMs: flags.mutantTimeLimit }),
      ...(flags.problem === undefined ? {} : { problemIds: flags.problem }),
      ...(flags.python === undefined ? {} : { python: flags.python }),
      onProgress: (event) => {
        if (event.stage !== "labeling") {
          output.stderr.write(`coderm: ${event.stage}: ${event.message}\n`);
          return;
        }
        if (event.phase !== phase) {
          progress?.finish();
          phase = event.phase;
          lastDone = 0;
          progress = createProgress({
            label: event.phase === "focal" ? "focal runs" : "mutant runs",
            total: event.total,
            stream: output.stderr,
          });
        }
        progress?.setNote(`${event.cached} cached`);
        progress?.advance(event.done - lastDone);
        lastDone = event.done;
      },
    });
    progress?.finish();
    const written = await writeRmrfDataset(dataset, flags.out, { toml: flags.toml });
    const { statistics } = dataset;
    if (flags.json) {
      printJson(output, {
        ...statistics,
        executed: opened.stats.executed,
        cached: opened.stats.cached,
        files: written,
      });
    } else {
      const share = (count: number) =>
        `${count} (${((100 * count) / Math.max(1, statistics.pairs)).toFixed(1)}%)`;
      printTable(
        output,
        ["", "value"],
        [
          ["pairs", statistics.pairs],
          ["problems / focal files", `${statistics.problems} / ${statistics.focalFiles}`],
          ["mutants", statistics.mutants],
          ["runs", share(statistics.positives.runs)],
          ["coverage up", share(statistics.positives.coverageGain)],
          ["mutation up", share(statistics.positives.mutationGain)],
          [
            "train / validation / test",
            `${statistics.bySplit.train} / ${statistics.bySplit.validation} / ${statistics.bySplit.test}`,
          ],
          [
            "by origin",
            Object.entries(statistics.byOrigin)
              .map(([origin, count]) => `${origin} ${count}`)
              .join(", "),
          ],
          [
            "executions (focal + mutants)",
            `${statistics.executions.focal} + ${statistics.executions.mutants}`,
          ],
          ["executed", opened.stats.executed],
          ["from cache", opened.stats.cached],
          ["seconds", statistics.seconds.toFixed(1)],
          ["written", written.pairsFile],
        ],
      );
    }
    context.exitCode = exitCodes.ok;
  } finally {
    progress?.finish();
    await opened.close();
  }
}

async function runRead(paths: string[], flags: { json?: boolean }, context: CommandContext) {
  const { output } = context;
  const { samples, errors } = await readRmrfSamples(paths);
  for (const error of errors) output.stderr.write(`coderm: skipped: ${error.message}\n`);
  if (samples.length === 0)
    throw new CodermError("invalid-input", `no RM-RF samples read from ${paths.join(", ")}`);
  interface Row {
    samples: number;
    repositories: Set<string>;
    runs: number;
    coverageGain: number;
    mutationGain: number;
    deltaMismatches: number;
  }
  const byLanguage = new Map<string, Row>();
  const mismatches: string[] = [];
  for (const sample of samples) {
    const row = byLanguage.get(sample.language) ?? {
      samples: 0,
      repositories: new Set<string>(),
      runs: 0,
      coverageGain: 0,
      mutationGain: 0,
      deltaMismatches: 0,
    };
    row.samples += 1;
    row.repositories.add(sample.repository);
    if (sample.correct) row.runs += 1;
    if (sample.targets.coverage > 0) row.coverageGain += 1;
    if (sample.targets.mutation > 0) row.mutationGain += 1;
    const deltas = rmrfSampleDeltas(sample);
    const close = (a: number, b: number) => Math.abs(a - b) < 5e-5;
    if (
      !close(deltas.coverage, sample.targets.coverage) ||
      !close(deltas.mutation, sample.targets.mutation)
    ) {
      row.deltaMismatches += 1;
      mismatches.push(sample.file);
    }
    byLanguage.set(sample.language, row);
  }
  const rows = [...byLanguage].map(([language, row]) => ({
    language,
    samples: row.samples,
    repositories: row.repositories.size,
    runs: row.runs,
    coverage_up: row.coverageGain,
    mutation_up: row.mutationGain,
    delta_mismatches: row.deltaMismatches,
  }));
  if (flags.json) {
    printJson(output, {
      samples: samples.length,
      skipped: errors.map((error) => ({
        file: error.file,
        field: error.field,
        message: error.message,
      })),
      by_language: rows,
      mismatched_files: mismatches,
    });
  } else {
    printTable(
      output,
      [
        "language",
        "samples",
        "repositories",
        "runs",
        "coverage up",
        "mutation up",
        "delta mismatches",
      ],
      rows.map((row) => [
        row.language,
        row.samples,
        row.repositories,
        row.runs,
        row.coverage_up,
        row.mutation_up,
        row.delta_mismatches,
      ]),
    );
  }
  context.exitCode =
    mismatches.length === 0 && errors.length === 0 ? exitCodes.ok : exitCodes.failure;
}
