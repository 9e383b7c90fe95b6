export { testSourceText } from "../test-text.js";
export {
  type LabeledPair,
  labeledPairSchema,
  labeledPairs,
  type PairContext,
  pairToRmrfToml,
  type Split,
  splitSchema,
} from "./labeled-pair.js";
export {
  type LabelingMutant,
  type LabelingProgress,
  type LabelingUnit,
  type LabelTestsOptions,
  labelTests,
  type SuiteRun,
  type TestLabel,
  type UnitLabels,
} from "./labeler.js";
export { killingStatuses, type MutantStatus, mutantStatus } from "./mutant-status.js";
export {
  type GenerateMutantsSettings,
  generateMutants,
  type Mutant,
  type MutantSet,
  type MutantSource,
  type MutationOperator,
  mutationOperators,
} from "./mutants.js";
