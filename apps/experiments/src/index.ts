// Public API of @coderm/experiments: specs -> pipeline -> results store -> report.
export type { RerankCellResult } from "./cell-results.js";
export {
  type AllocationCell,
  type Cell,
  cellKey,
  type HybridCell,
  type PlannedCell,
  type PlanOptions,
  planCells,
  type RerankCell,
  type RmrfCell,
} from "./cells.js";
export { parseExperimentSpec, readExperimentSpec } from "./parse-spec.js";
export { experimentsReport } from "./report-document.js";
export {
  createResultsStore,
  defaultResultsStorePath,
  type ResultsStore,
  type ResultsStoreSettings,
  type StoredResult,
} from "./results-store.js";
export type { RmrfCellResult } from "./rmrf-cell.js";
export {
  type ExperimentEvent,
  type RunExperimentsOptions,
  type RunExperimentsSummary,
  runExperiments,
} from "./run-experiments.js";
export { shippedSpecPath, shippedSpecs } from "./shipped-specs.js";
export {
  type Experiment,
  type ExperimentSpec,
  experimentSpecSchema,
} from "./spec.js";
