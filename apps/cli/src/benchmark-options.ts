import { datasets } from "@coderm/benchmarks";

/**
 * The benchmarks (problems with ground truth) the executor backends can judge, from the dataset
 * registry: Python ones, until a JavaScript backend registers.
 */
export const benchmarkNames: readonly string[] = datasets
  .filter((dataset) => dataset.kind === "benchmark" && dataset.language === "python")
  .map((dataset) => dataset.name);

/** The datasets generation can target: the benchmarks and the sample sets' problems. */
export const generationDatasetNames: readonly string[] = datasets
  .filter((dataset) => dataset.language === "python")
  .map((dataset) => dataset.name);
