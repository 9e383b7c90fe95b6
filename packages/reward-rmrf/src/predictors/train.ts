import { CodermError, createRandom, type Random, type TestScore } from "@coderm/core";
import { RandomForestRegression } from "ml-random-forest";
import {
  type Calibrator,
  calibrate,
  fitIsotonicRegression,
  fitPlattScaling,
} from "./calibration.js";
import {
  createFeatureExtractor,
  type FeatureExtractor,
  type FeatureInput,
  featureNames,
} from "./features.js";
import { binFeatures, forestProbability, predictTestScore } from "./forest.js";
import {
  type EmbeddedModel,
  embeddedModelFormat,
  embeddedModelVersion,
  type Forest,
  type ForestTree,
} from "./model-file.js";
import type { SourceLanguage } from "./syntax.js";

/** RM-RF's three labels of a test. */
export interface TestLabels {
  runs: boolean;
  coverageGain: boolean;
  mutationGain: boolean;
}

/** One training example: a focal file, its suite, a candidate test, and the test's labels. */
export interface TrainingRow extends FeatureInput {
  labels: TestLabels;
  /** The problem or repository: rows of one group never straddle the calibration split. */
  group: string;
}

/** A training row with its feature vector already computed. */
export interface FeatureRow {
  language: SourceLanguage;
  features: number[];
  labels: TestLabels;
  group: string;
}

/** Options of {@link trainEmbeddedModel}. */
export interface TrainEmbeddedModelOptions {
  /** Seeds the calibration split and the forests: the same rows and seed give the same model. */
  seed: number | string;
  /** Trees per forest (100 by default). */
  trees?: number;
  /** Depth limit of a tree (8 by default). */
  maxDepth?: number;
  /** A node with this many rows or fewer becomes a leaf (10 by default). */
  minLeafRows?: number;
  /** Fraction of the features each tree sees (0.6 by default). */
  featureFraction?: number;
  /** Bins per feature, from training quantiles (32 by default). */
  bins?: number;
  /**
   * Bootstrap the rows of each tree (off by default: the library's split search is quadratic in
   * the rows of a node unless they come sorted by label, which bootstrapping undoes, so trees
   * then differ by their feature subsets alone).
   */
  bagging?: boolean;
  /** How raw forest probabilities are calibrated (`platt` by default; `isotonic` wants more rows). */
  calibration?: "platt" | "isotonic";
  /** Share of each language's groups held out to calibrate (0.25 by default). */
  calibrationFraction?: number;
  /** Rows to calibrate on instead of a held-out share of `rows` (say, a validation split). */
  calibrationRows?: readonly TrainingRow[];
  /** After calibrating, retrain the forests on training and calibration rows together (true by default). */
  refit?: boolean;
  /** What the model was trained on, in words (stored in the file). */
  description?: string;
  /** The feature extractor to use (one over the shared parsers by default). */
  extractor?: FeatureExtractor;
}

/**
 * Trains the embedded RM-RF predictor: random forests (mljs `ml-random-forest`, regression trees
 * on 0/1 labels, so leaves hold probabilities) for P(runs) on every row and for P(coverage gain |
 * runs) and P(mutation gain | runs) on the rows that run; each calibrated (Platt scaling by
 * default) on held-out groups, and a per-target decision threshold chosen there to maximize F1
 * (rare positives lose F1 at 0.5), overall and for each language with enough calibration rows.
 * Deterministic given the rows and the seed.
 */
export async function trainEmbeddedModel(
  rows: readonly TrainingRow[],
  options: TrainEmbeddedModelOptions,
): Promise<EmbeddedModel> {
  const extractor = options.extractor ?? (await createFeatureExtractor());
  const toFeatures = (row: TrainingRow): FeatureRow => ({
    language: row.language,
    features: extractor.extract(row),
    labels: row.labels,
    group: row.group,
  });
  return trainEmbeddedModelOnFeatures(rows.map(toFeatures), {
    ...options,
    calibrationFeatureRows: options.calibrationRows?.map(toFeatures),
  });
}

/** Calibration rows (of two groups at least) a language needs for thresholds of its own. */
const minimumLanguageCalibrationRows = 30;

/** {@link trainEmbeddedModel} on rows whose features are computed (as cross-validation reuses them). */
export function trainEmbeddedModelOnFeatures(
  rows: readonly FeatureRow[],
  options: Omit<TrainEmbeddedModelOptions, "calibrationRows" | "extractor"> & {
    calibrationFeatureRows?: readonly FeatureRow[] | undefined;
  },
): EmbeddedModel {
  const settings = {
    trees: options.trees ?? 100,
    maxDepth: options.maxDepth ?? 8,
    minLeafRows: options.minLeafRows ?? 10,
    featureFraction: options.featureFraction ?? 0.6,
    bins: options.bins ?? 32,
    bagging: options.bagging ?? false,
    calibration: options.calibration ?? "platt",
    calibrationFraction: options.calibrationFraction ?? 0.25,
    refit: options.refit ?? true,
  };
  if (rows.length === 0) throw new CodermError("invalid-input", "no rows to train on");
  for (const row of rows)
    if (row.features.length !== featureNames.length)
      throw new CodermError("invalid-input", "a row's features do not match the feature names");
  const random = createRandom(options.seed);
  const [training, calibration] =
    options.calibrationFeatureRows === undefined
      ? splitByGroup(rows, settings.calibrationFraction, random.fork("calibration"))
      : [rows, options.calibrationFeatureRows];
  if (calibration.length === 0)
    throw new CodermError("invalid-input", "no rows to calibrate on (too few groups?)");

  const fit = (fitRows: readonly FeatureRow[], bins: number[][]) => {
    const binned = fitRows.map((row) => binFeatures(bins, row.features));
    const running = fitRows.flatMap((row, index) => (row.labels.runs ? [index] : []));
    const forest = (
      label: string,
      indexes: readonly number[],
      target: (row: FeatureRow) => boolean,
    ) =>
      trainForest(
        indexes.map((index) => binned[index]!),
        indexes.map((index) => (target(fitRows[index]!) ? 1 : 0)),
        { ...settings, seed: random.fork(label).int(2 ** 31) },
      );
    const all = fitRows.map((_, index) => index);
    return {
      runs: forest("runs", all, (row) => row.labels.runs),
      coverageGivenRuns: forest("coverage", running, (row) => row.labels.coverageGain),
      mutationGivenRuns: forest("mutation", running, (row) => row.labels.mutationGain),
    };
  };

  let bins = binEdges(training, settings.bins);
  let models = fit(training, bins);
  const raw = calibration.map((row) => {
    const binned = binFeatures(bins, row.features);
    return {
      runs: forestProbability(models.runs, binned),
      coverage: forestProbability(models.coverageGivenRuns, binned),
      mutation: forestProbability(models.mutationGivenRuns, binned),
    };
  });
  const fitCalibrator = settings.calibration === "platt" ? fitPlattScaling : fitIsotonicRegression;
  const running = calibration.flatMap((row, index) => (row.labels.runs ? [index] : []));
  const calibrators: EmbeddedModel["calibration"] = {
    runs: fitCalibrator(
      raw.map((score) => score.runs),
      calibration.map((row) => row.labels.runs),
    ),
    coverageGivenRuns: fitOrIdentity(
      fitCalibrator,
      running.map((index) => raw[index]!.coverage),
      running.map((index) => calibration[index]!.labels.coverageGain),
    ),
    mutationGivenRuns: fitOrIdentity(
      fitCalibrator,
      running.map((index) => raw[index]!.mutation),
      running.map((index) => calibration[index]!.labels.mutationGain),
    ),
  };
  const calibrated: TestScore[] = raw.map((score) => {
    const runs = calibrate(calibrators.runs, score.runs);
    return {
      runs,
      coverageGain: runs * calibrate(calibrators.coverageGivenRuns, score.coverage),
      mutationGain: runs * calibrate(calibrators.mutationGivenRuns, score.mutation),
    };
  });
  const thresholdsOf = (indexes: readonly number[]) => {
    const groups = indexes.map((index) => calibration[index]!.group);
    const threshold = (target: keyof TestScore) =>
      bestF1Threshold(
        indexes.map((index) => calibrated[index]![target]),
        indexes.map((index) => calibration[index]!.labels[target]),
        groups,
        random.fork(`threshold ${target}`),
      );
    return {
      runs: threshold("runs"),
      coverageGain: threshold("coverageGain"),
      mutationGain: threshold("mutationGain"),
    };
  };
  const thresholds = thresholdsOf(calibration.map((_, index) => index));
  // base rates differ by language (RM-RF's Java tests raise the kill rate half the time, its
  // Python tests a sixth): a language with enough calibration rows gets thresholds of its own
  const languageThresholds: EmbeddedModel["languageThresholds"] = {};
  for (const language of new Set(calibration.map((row) => row.language))) {
    const indexes = calibration.flatMap((row, index) => (row.language === language ? [index] : []));
    const groups = new Set(indexes.map((index) => calibration[index]!.group));
    // one group's base rate is no language's: thresholds of its own need two groups at least
    if (indexes.length >= minimumLanguageCalibrationRows && groups.size >= 2)
      languageThresholds[language] = thresholdsOf(indexes);
  }
  if (settings.refit) {
    bins = binEdges([...training, ...calibration], settings.bins);
    models = fit([...training, ...calibration], bins);
  }
  const languages = [...new Set([...training, ...calibration].map((row) => row.language))].sort();
  return {
    format: embeddedModelFormat,
    version: embeddedModelVersion,
    featureNames: [...featureNames],
    languages,
    trainedOn: {
      description: options.description ?? "",
      training: countsByLanguage(training),
      calibration: countsByLanguage(calibration),
      seed: options.seed,
      trees: settings.trees,
      maxDepth: settings.maxDepth,
      calibrationMethod: settings.calibration,
    },
    bins,
    calibration: calibrators,
    thresholds,
    languageThresholds,
    models,
  };
}

/** The decision thresholds a model uses for a language: its own where it has them. */
export function thresholdsFor(
  model: EmbeddedModel,
  language: SourceLanguage,
): EmbeddedModel["thresholds"] {
  return model.languageThresholds[language] ?? model.thresholds;
}

/** Scores feature vectors with a model (see {@link predictTestScore}). */
export function predictFeatureRows(
  model: EmbeddedModel,
  rows: readonly Pick<FeatureRow, "features">[],
): TestScore[] {
  return rows.map((row) => predictTestScore(model, row.features));
}

function fitOrIdentity(
  fitCalibrator: (scores: readonly number[], labels: readonly boolean[]) => Calibrator,
  scores: readonly number[],
  labels: readonly boolean[],
): Calibrator {
  // without a row that runs there is nothing to calibrate the conditional on: keep it as it is
  return scores.length === 0
    ? { kind: "platt", slope: 1, intercept: 0 }
    : fitCalibrator(scores, labels);
}

function countsByLanguage(rows: readonly FeatureRow[]): EmbeddedModel["trainedOn"]["training"] {
  const counts: EmbeddedModel["trainedOn"]["training"] = {};
  for (const row of rows) {
    counts[row.language] ??= { rows: 0, runs: 0, coverageGain: 0, mutationGain: 0 };
    const entry = counts[row.language]!;
    entry.rows++;
    if (row.labels.runs) entry.runs++;
    if (row.labels.coverageGain) entry.coverageGain++;
    if (row.labels.mutationGain) entry.mutationGain++;
  }
  return counts;
}

/** Splits rows into training and calibration rows, whole groups at a time, per language. */
function splitByGroup(
  rows: readonly FeatureRow[],
  fraction: number,
  random: Random,
): [FeatureRow[], FeatureRow[]] {
  const held = new Set<string>();
  const languages = [...new Set(rows.map((row) => row.language))].sort();
  for (const language of languages) {
    const sizes = new Map<string, number>();
    for (const row of rows)
      if (row.language === language) sizes.set(row.group, (sizes.get(row.group) ?? 0) + 1);
    const groups = random.fork(language).shuffle([...sizes.keys()].sort());
    const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    let taken = 0;
    // hold out whole groups until the share is reached, always leaving one group to train on
    for (const group of groups.slice(0, -1)) {
      if (taken >= fraction * total) break;
      held.add(`${language}\u0000${group}`);
      taken += sizes.get(group)!;
    }
  }
  const training: FeatureRow[] = [];
  const calibration: FeatureRow[] = [];
  for (const row of rows)
    (held.has(`${row.language}\u0000${row.group}`) ? calibration : training).push(row);
  return [training, calibration];
}

/** Per feature, up to `count - 1` distinct quantiles of the training values. */
function binEdges(rows: readonly FeatureRow[], count: number): number[][] {
  return featureNames.map((_, feature) => {
    const values = rows.map((row) => row.features[feature]!).sort((a, b) => a - b);
    const edges = new Set<number>();
    for (let bin = 1; bin < count; bin++) {
      const value = values[Math.floor((bin * values.length) / count)];
      if (value !== undefined && value > values[0]!) edges.add(value);
    }
    return [...edges].sort((a, b) => a - b);
  });
}

/** Group resamples {@link bestF1Threshold} averages F1 over. */
const thresholdResamples = 200;

/**
 * The decision threshold (midway between two distinct scores) with the highest expected F1 over
 * resamples of the rows' groups (a bootstrap of problems or repositories); 0.5 without a positive.
 * Rare positives come in clusters of a few groups, and the threshold that is best on one draw of
 * groups often bets on one cluster's high scores (F1 0 on unseen groups); averaging over resampled
 * groups prefers thresholds that do well whichever groups are drawn.
 */
export function bestF1Threshold(
  scores: readonly number[],
  labels: readonly boolean[],
  groups: readonly string[],
  random: Random,
): number {
  if (!labels.some(Boolean)) return 0.5;
  const distinct = [...new Set(scores)].sort((a, b) => b - a);
  // candidates: midway between neighbouring distinct scores (at most a few hundred, by quantile)
  const step = Math.max(1, Math.floor(distinct.length / 400));
  const candidates: number[] = [];
  for (let index = 0; index < distinct.length; index += step) {
    const next = distinct[index + 1];
    candidates.push(next === undefined ? distinct[index]! / 2 : (distinct[index]! + next) / 2);
  }
  const names = [...new Set(groups)].sort();
  const rowsOf = new Map<string, number[]>(names.map((name) => [name, []]));
  groups.forEach((group, index) => {
    rowsOf.get(group)!.push(index);
  });
  const expected = new Float64Array(candidates.length);
  for (let resample = 0; resample < thresholdResamples; resample++) {
    const weights = new Float64Array(scores.length);
    for (let draw = 0; draw < names.length; draw++)
      for (const index of rowsOf.get(names[random.int(names.length)]!)!) weights[index]! += 1;
    let positives = 0;
    for (let index = 0; index < labels.length; index++)
      if (labels[index]) positives += weights[index]!;
    if (positives === 0) continue; // F1 is undefined without a positive; the draw says nothing
    candidates.forEach((threshold, position) => {
      let predicted = 0;
      let truePositives = 0;
      for (let index = 0; index < scores.length; index++)
        if (scores[index]! >= threshold) {
          predicted += weights[index]!;
          if (labels[index]) truePositives += weights[index]!;
        }
      expected[position]! += (2 * truePositives) / (predicted + positives);
    });
  }
  let best = 0;
  for (let position = 1; position < candidates.length; position++)
    if (expected[position]! > expected[best]!) best = position;
  return candidates[best]!;
}

interface TreeNodeJson {
  distribution?: number;
  splitColumn?: number;
  splitValue?: number;
  left?: TreeNodeJson;
  right?: TreeNodeJson;
}

function trainForest(
  binned: readonly number[][],
  labels: readonly number[],
  settings: {
    trees: number;
    maxDepth: number;
    minLeafRows: number;
    featureFraction: number;
    bagging: boolean;
    seed: number;
  },
): Forest {
  if (labels.length === 0) return { trees: [0.5] };
  const mean = labels.reduce((sum, label) => sum + label, 0) / labels.length;
  if (mean === 0 || mean === 1 || labels.length <= settings.minLeafRows)
    return { trees: [round(mean)] };
  // rows sorted by label: ml-cart tries a split wherever the label changes in value order, so
  // sorted labels keep that to one per distinct value
  const order = labels.map((_, index) => index).sort((a, b) => labels[a]! - labels[b]! || a - b);
  const forest = new RandomForestRegression({
    nEstimators: settings.trees,
    maxFeatures: settings.featureFraction,
    replacement: false,
    seed: settings.seed,
    useSampleBagging: settings.bagging,
    noOOB: true,
    selectionMethod: "mean",
    // ml-cart's regression nodes split only while the split's squared error is above
    // gainThreshold (0 by default), which refuses every perfect split: -1 lets them through
    treeOptions: {
      maxDepth: settings.maxDepth,
      minNumSamples: settings.minLeafRows,
      gainThreshold: -1,
    },
  });
  forest.train(
    order.map((index) => binned[index]!),
    order.map((index) => labels[index]!),
  );
  const json = forest.toJSON().baseModel as unknown as {
    indexes: number[][];
    estimators: { root: TreeNodeJson }[];
  };
  return {
    trees: json.estimators.map((estimator, tree) =>
      compactTree(estimator.root, json.indexes[tree]!),
    ),
  };
}

function compactTree(node: TreeNodeJson, columns: readonly number[]): ForestTree {
  if (node.distribution !== undefined || node.left === undefined || node.right === undefined)
    return round(node.distribution ?? 0.5);
  return [
    columns[node.splitColumn!]!,
    node.splitValue!,
    compactTree(node.left, columns),
    compactTree(node.right, columns),
  ];
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
