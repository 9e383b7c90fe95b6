import { datasets } from "@coderm/benchmarks";

/** The benchmarks (problems with ground truth) the executor backends judge: every language's. */
export const benchmarkNames: readonly string[] = datasets
  .filter((dataset) => dataset.kind === "benchmark")
  .map((dataset) => dataset.name);

/** The datasets generation can target: the benchmarks and the sample sets' problems. */
export const generationDatasetNames: readonly string[] = datasets.map((dataset) => dataset.name);
