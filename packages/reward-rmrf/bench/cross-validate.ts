/**
 * The embedded RM-RF model's cross-validated quality on RM-RF's dev samples: leave-one-
 * repository-out (every sample scored by a model that never saw its repository), per language:
 * F1 of each target against the always-yes floor, macro F1, AUROC and Spearman's rho of the
 * probability and the delta, and the mean AUROC within held-out groups (pooled AUROC mixes the
 * folds' base rates: a group rich in positives leaves its fold's model a lower one). With `--pairs`, every fold's model also trains on the labeled
 * dataset's train split and calibrates on its validation split; `--pairs-only` scores RM-RF with
 * one model trained on the pairs alone. `--group focal-file` holds out focal files instead of
 * repositories (Java's samples all come from one repository). Prints a table; asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/reward-rmrf cross-validate \
 *     [-- --pairs /tmp/rmrf-label/pairs.jsonl --seed 1]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { TestScore } from "@coderm/core";
import {
  auroc,
  crossValidateEmbeddedModel,
  evaluateTestScores,
  loadEmbeddedPredictor,
  type RmrfRow,
  readRmrfSamples,
  readTrainingPairs,
  rmrfRow,
  type TestScoreThreshold,
  thresholdsFor,
  trainEmbeddedModel,
} from "@coderm/reward-rmrf";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    pairs: { type: "string" },
    "pairs-only": { type: "boolean", default: false },
    group: { type: "string", default: "repository" },
    seed: { type: "string", default: "1" },
    trees: { type: "string", default: "100" },
    "max-depth": { type: "string", default: "6" },
    "min-leaf-rows": { type: "string", default: "20" },
    calibration: { type: "string", default: "platt" },
  },
});
const dataDirectory = process.env.CODERM_DATA_DIR;
if (dataDirectory === undefined) throw new Error("set CODERM_DATA_DIR to the offline data");
const { samples } = await readRmrfSamples([join(dataDirectory, "rm-rf/validation-dev")]);
const rows: RmrfRow[] = samples
  .map(rmrfRow)
  .map((row) =>
    values.group === "focal-file" ? { ...row, group: `${row.repository}:${row.focalPath}` } : row,
  );
const settings = {
  seed: Number(values.seed),
  trees: Number(values.trees),
  maxDepth: Number(values["max-depth"]),
  minLeafRows: Number(values["min-leaf-rows"]),
  calibration: values.calibration === "isotonic" ? ("isotonic" as const) : ("platt" as const),
};
const pairs = values.pairs === undefined ? undefined : await readTrainingPairs(values.pairs);

const started = performance.now();
let predictions: TestScore[];
let thresholds: TestScoreThreshold[];
let how: string;
if (pairs !== undefined && values["pairs-only"]) {
  const model = await trainEmbeddedModel(pairs.train, {
    ...settings,
    calibrationRows: pairs.validation,
  });
  const predictor = await loadEmbeddedPredictor(model);
  const scored = rows.map((row) =>
    model.languages.includes(row.language) ? predictor.scoreTexts([row])[0]! : undefined,
  );
  const kept = rows.flatMap((row, index) => (scored[index] === undefined ? [] : [row]));
  rows.splice(0, rows.length, ...kept);
  predictions = scored.filter((score) => score !== undefined);
  thresholds = rows.map((row) => thresholdsFor(model, row.language));
  how = `one model trained on ${pairs.train.length} labeled pairs (calibrated on ${pairs.validation.length}), RM-RF unseen`;
} else {
  const result = await crossValidateEmbeddedModel(rows, {
    ...settings,
    folds: Number.MAX_SAFE_INTEGER,
    ...(pairs === undefined ? {} : { extraRows: pairs.train, calibrationRows: pairs.validation }),
  });
  predictions = result.predictions;
  thresholds = result.thresholds;
  how = `leave-one-${values.group === "focal-file" ? "focal-file" : "repository"}-out over ${new Set(rows.map((row) => row.group)).size} groups${pairs === undefined ? "" : ` + ${pairs.train.length} labeled pairs in every fold`}`;
}

const format = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "  -  " : value.toFixed(2).padStart(5);
console.log(
  `embedded RM-RF model, ${how} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
console.log(
  "language    n | F1 runs (floor) | F1 cov (floor) | F1 mut (floor) | macro (floor) | AUROC runs cov mut | within-group AUROC | rho cov mut",
);
// pooled AUROC across held-out groups mixes each fold's base rate; within a group it does not
const withinGroups = (indexes: number[], target: "runs" | "coverageGain" | "mutationGain") => {
  const values: number[] = [];
  for (const group of new Set(indexes.map((index) => rows[index]!.group))) {
    const members = indexes.filter((index) => rows[index]!.group === group);
    const value = auroc(
      members.map((index) => predictions[index]![target]),
      members.map((index) => rows[index]!.truth[target]),
    );
    if (!Number.isNaN(value)) values.push(value);
  }
  return values.length === 0
    ? Number.NaN
    : values.reduce((sum, value) => sum + value, 0) / values.length;
};
for (const language of ["python", "java", "go", "all"]) {
  const indexes = rows.flatMap((row, index) =>
    language === "all" || row.language === language ? [index] : [],
  );
  if (indexes.length === 0) continue;
  const report = evaluateTestScores(
    indexes.map((index) => predictions[index]!),
    indexes.map((index) => rows[index]!.truth),
    indexes.map((index) => thresholds[index]!),
  );
  const { runs, coverageGain, mutationGain } = report.targets;
  console.log(
    `${language.padEnd(8)} ${String(indexes.length).padStart(4)} | ${format(runs.f1)} (${format(runs.floor.f1)}) | ${format(coverageGain.f1)} (${format(coverageGain.floor.f1)}) | ${format(mutationGain.f1)} (${format(mutationGain.floor.f1)}) | ${format(report.macroF1)} (${format(report.floorMacroF1)}) | ${format(runs.auroc)} ${format(coverageGain.auroc)} ${format(mutationGain.auroc)} | ${format(withinGroups(indexes, "runs"))} ${format(withinGroups(indexes, "coverageGain"))} ${format(withinGroups(indexes, "mutationGain"))} | ${format(coverageGain.spearman)} ${format(mutationGain.spearman)}`,
  );
}
