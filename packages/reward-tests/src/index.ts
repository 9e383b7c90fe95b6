export { createCodermVoteReward } from "./coderm-vote.js";
export { createCodetReward } from "./codet.js";
export { completeColumns } from "./matrix.js";
export { createPassRatioReward } from "./pass-ratio.js";
export {
  addCombinedTestCounts,
  addSingleTestCounts,
  type ConfusionCounts,
  emptyConfusion,
  type TestQuality,
  testQuality,
} from "./quality.js";
export { createRandomReward } from "./random.js";
export { type Ranking, rankingPassAtK, selectionOf, type TestBasedReward } from "./ranking.js";
export { createTestBasedReward, type TestBasedMethod, testBasedMethods } from "./registry.js";
export {
  type ExecuteProblemsOptions,
  executeProblems,
  type MethodScores,
  type ProblemMatrix,
  type ProblemOutcome,
  type ProblemSamples,
  type RerankInput,
  type RerankOptions,
  type RerankResult,
  type RerankStream,
  rerank,
} from "./rerank.js";
