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
export { selectionOf } from "./ranking.js";
export { createTestBasedReward, testBasedMethods } from "./registry.js";
