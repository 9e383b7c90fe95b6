import type { TestScore } from "@coderm/core";
import { calibrate } from "./calibration.js";
import type { EmbeddedModel, Forest, ForestTree } from "./model-file.js";

/** A feature vector's bins: per feature, the count of its bin edges at or below the value. */
export function binFeatures(
  bins: readonly (readonly number[])[],
  vector: readonly number[],
): number[] {
  return vector.map((value, feature) => {
    const edges = bins[feature]!;
    let low = 0;
    let high = edges.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (edges[middle]! <= value) low = middle + 1;
      else high = middle;
    }
    return low;
  });
}

function treeValue(tree: ForestTree, binned: readonly number[]): number {
  let node = tree;
  while (typeof node !== "number") node = binned[node[0]]! < node[1] ? node[2] : node[3];
  return node;
}

/** A forest's raw probability of binned features: the mean of its trees' leaves. */
export function forestProbability(forest: Forest, binned: readonly number[]): number {
  let total = 0;
  for (const tree of forest.trees) total += treeValue(tree, binned);
  return total / forest.trees.length;
}

/**
 * The three calibrated probabilities of a feature vector. The targets nest: runs = P(runs),
 * coverageGain = P(runs)·P(coverage gain | runs), mutationGain = P(runs)·P(mutation gain | runs),
 * so neither gain ever exceeds runs.
 */
export function predictTestScore(model: EmbeddedModel, vector: readonly number[]): TestScore {
  const binned = binFeatures(model.bins, vector);
  const runs = calibrate(model.calibration.runs, forestProbability(model.models.runs, binned));
  const coverage = calibrate(
    model.calibration.coverageGivenRuns,
    forestProbability(model.models.coverageGivenRuns, binned),
  );
  const mutation = calibrate(
    model.calibration.mutationGivenRuns,
    forestProbability(model.models.mutationGivenRuns, binned),
  );
  return { runs, coverageGain: runs * coverage, mutationGain: runs * mutation };
}
