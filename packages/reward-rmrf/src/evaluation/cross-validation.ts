import { createRandom, type TestScore } from "@coderm/core";
import { createFeatureExtractor } from "../predictors/features.js";
import {
  type FeatureRow,
  predictFeatureRows,
  type TrainEmbeddedModelOptions,
  type TrainingRow,
  thresholdsFor,
  trainEmbeddedModelOnFeatures,
} from "../predictors/train.js";
import type { TestScoreTarget } from "./metrics.js";

/** Options of {@link crossValidateEmbeddedModel}. */
export interface CrossValidationOptions extends Omit<TrainEmbeddedModelOptions, "extractor"> {
  /** Folds; whole groups go to one fold (as many folds as groups: leave-one-group-out). */
  folds: number;
  /** Rows every fold's model also trains on, never scored (say, another dataset's train split). */
  extraRows?: readonly TrainingRow[];
}

/** Out-of-fold predictions: each row scored by the model trained without its group. */
export interface CrossValidationResult {
  predictions: TestScore[];
  /** The decision thresholds of the model that scored each row, for the row's language. */
  thresholds: Record<TestScoreTarget, number>[];
  /** Each row's fold. */
  folds: number[];
}

/**
 * Grouped cross-validation of the embedded model: groups (repositories, problems) are shuffled
 * with the seed and dealt to folds, so no row is scored by a model that saw its group. Rows of
 * a group never split between training and testing.
 */
export async function crossValidateEmbeddedModel(
  rows: readonly TrainingRow[],
  options: CrossValidationOptions,
): Promise<CrossValidationResult> {
  const extractor = await createFeatureExtractor();
  const toFeatures = (row: TrainingRow): FeatureRow => ({
    language: row.language,
    features: extractor.extract(row),
    labels: row.labels,
    group: row.group,
  });
  const featureRows = rows.map(toFeatures);
  const extraRows = (options.extraRows ?? []).map(toFeatures);
  const calibrationFeatureRows = options.calibrationRows?.map(toFeatures);
  const groups = createRandom(options.seed)
    .fork("folds")
    .shuffle([...new Set(rows.map((row) => row.group))].sort());
  const foldOf = new Map(groups.map((group, index) => [group, index % options.folds]));
  const folds = rows.map((row) => foldOf.get(row.group)!);
  const predictions = new Array<TestScore>(rows.length);
  const thresholds = new Array<Record<TestScoreTarget, number>>(rows.length);
  for (let fold = 0; fold < Math.min(options.folds, groups.length); fold++) {
    const held = featureRows.flatMap((_, index) => (folds[index] === fold ? [index] : []));
    const model = trainEmbeddedModelOnFeatures(
      [...extraRows, ...featureRows.filter((_, index) => folds[index] !== fold)],
      { ...options, calibrationFeatureRows, seed: `${options.seed}:${fold}` },
    );
    const scores = predictFeatureRows(
      model,
      held.map((index) => featureRows[index]!),
    );
    held.forEach((index, position) => {
      predictions[index] = scores[position]!;
      thresholds[index] = thresholdsFor(model, featureRows[index]!.language);
    });
  }
  return { predictions, thresholds, folds };
}
