export {
  type SuiteObservation,
  type TestDeltas,
  type TestDeltasInput,
  testDeltas,
} from "./deltas.js";
export {
  killedStatuses,
  parseRmrfSample,
  type RmrfLanguage,
  type RmrfSample,
  type RmrfSuiteRun,
  readRmrfSample,
  rmrfSampleDeltas,
} from "./rmrf-sample.js";
