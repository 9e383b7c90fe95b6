export {
  type AdversarialAttack,
  type AdversarialCategory,
  type AdversarialContext,
  type AdversarialContextSettings,
  type AdversarialEnvironment,
  type AdversarialOutcome,
  type AdversarialRow,
  type AdversarialSuiteOptions,
  type AdversarialVictim,
  adversarialAttacks,
  createAdversarialContext,
  formatAdversarialTable,
  runAdversarialSuite,
} from "./adversarial.js";
export {
  assertTest,
  collect,
  describeExecutorConformance,
  request,
} from "./conformance.js";
export {
  type DescribeAdversarialOptions,
  describeAdversarialSuite,
  printAdversarialTable,
} from "./describe-adversarial.js";
