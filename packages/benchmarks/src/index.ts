export {
  codetPackedSuiteFailures,
  type SampleSet,
  type SampleSetCounts,
  type SampleSetStatistics,
  sampleSetRequests,
} from "./codet.js";
export {
  type DatasetOptions,
  type DownloadProgress,
  type ResolvedDatasetFile,
  resolveDataset,
  resolveDatasetFile,
} from "./dataset-files.js";
export {
  type Dataset,
  type DatasetFile,
  type DatasetKind,
  type DatasetName,
  datasets,
  getDataset,
} from "./datasets.js";
export { type CallTest, type ComputeExpectedOutputs, withExpectedOutputs } from "./evalplus.js";
export {
  decodeLiveCodeBenchTestCases,
  type LiveCodeBenchProblem,
  type LiveCodeBenchTestCase,
  type LiveCodeBenchWindow,
  liveCodeBenchFiles,
  liveCodeBenchReleaseFiles,
  liveCodeBenchToProblem,
  readLiveCodeBench,
  readPickledString,
} from "./livecodebench.js";
export {
  type LoadProblemsOptions,
  loadProblems,
  loadSampleSet,
  type SampleSetOptions,
} from "./load.js";
export { type MbppPromptStyle, mbppPromptStyles } from "./mbpp.js";
