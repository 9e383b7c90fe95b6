export {
  type AdversarialAttack,
  type AdversarialCategory,
  type AdversarialContext,
  type AdversarialContextSettings,
  type AdversarialEnvironment,
  type AdversarialOutcome,
  type AdversarialSuiteOptions,
  type AdversarialVictim,
  adversarialAttacks,
  createAdversarialContext,
  formatAdversarialTable,
  runAdversarialSuite,
} from "./adversarial.js";
export type { AdversarialRow } from "./attack-outcome.js";
export { doublingTests } from "./attacks/helpers.js";
export { sourceTwinPairs } from "./attacks/source-twins.js";
export {
  assertTest,
  type ConformanceCase,
  type ConformanceFixtures,
  collect,
  describeExecutorConformance,
  request,
} from "./conformance.js";
export {
  type DescribeAdversarialOptions,
  describeAdversarialSuite,
  printAdversarialTable,
} from "./describe-adversarial.js";
export {
  type DescribeJavaScriptAdversarialOptions,
  describeJavaScriptAdversarialSuite,
} from "./describe-javascript-adversarial.js";
export {
  type ExecutorBenchmarkReport,
  type ExecutorBenchmarkRun,
  type ExecutorBenchmarkSettings,
  formatExecutorBenchmark,
  runExecutorBenchmark,
} from "./executor-benchmark.js";
export {
  createJavaScriptAdversarialContext,
  type JavaScriptAdversarialAttack,
  type JavaScriptAdversarialContext,
  type JavaScriptAdversarialContextSettings,
  type JavaScriptAdversarialEnvironment,
  type JavaScriptAdversarialSuiteOptions,
  javascriptAdversarialAttacks,
  runJavaScriptAdversarialSuite,
} from "./javascript-adversarial.js";
export { javascriptConformanceFixtures } from "./javascript-conformance-fixtures.js";
export { pythonConformanceFixtures } from "./python-conformance-fixtures.js";
