// Public API of @coderm/reward-nt: served reward models (./served) and MCTS data curation (./mcts).

// MCTS data curation: the tree search over partial programs with an LLM judge, its persisted
// trees, and the scalar and pairwise training data exported from them.
export {
  type CodeAnalysis,
  type CodeAnalyzer,
  createPythonCodeAnalyzer,
  type PythonCodeAnalyzerSettings,
} from "./mcts/code-analysis.js";
export {
  curateRewardData,
  type RewardDataCurationProgress,
  type RewardDataCurationSettings,
  type RewardDataCurationSummary,
} from "./mcts/curation.js";
export { judgeScore, problemInstruction } from "./mcts/prompts.js";
export {
  type ExportablePath,
  exportablePaths,
  exportRewardData,
  type PairwiseRewardRecord,
  pairwiseRewardRecords,
  type RewardDataExport,
  type RewardDataExportSettings,
  rewardRecordLine,
  type ScalarRewardRecord,
  scalarRewardRecords,
  validationSplit,
} from "./mcts/reward-data-export.js";
export {
  addChain,
  addLeaf,
  backpropagate,
  codeTo,
  createSearchTree,
  type LeafEvaluation,
  meanReward,
  pathTo,
  type SearchNode,
  type SearchTree,
  type SearchTreeSettings,
  type SegmentChain,
  selectChild,
  selectNode,
  upperConfidenceBound,
} from "./mcts/search-tree.js";
export {
  defaultSimulationLimits,
  executionLog,
  executionLogLimit,
} from "./mcts/simulation.js";
export {
  parseSearchTree,
  readSearchTree,
  readSearchTrees,
  searchTreeFileName,
  searchTreeSchema,
  writeSearchTree,
} from "./mcts/tree-files.js";
export { runRollout, startSearchTree, type TreeSearchContext } from "./mcts/tree-search.js";
// Selection with a learned reward: hybrid (prune by reward, then test) and the score combination.
export { type CombinedRewardSettings, createCombinedReward } from "./selection/combined-reward.js";
export { createHybridReward, type HybridRewardSettings } from "./selection/hybrid-reward.js";
// Served reward models (CodeRM-NT behind vLLM, SGLang, TEI or the authors' server).
export {
  type ChatTemplate,
  type ChatTemplateName,
  qwen25ChatTemplate,
  qwen25DefaultSystemPrompt,
} from "./served/chat-template.js";
export { type ServedRewardProtocol, servedRewardProtocols } from "./served/protocol-codec.js";
export type { ResponseFormat, RewardPenalties } from "./served/response-text.js";
export {
  createMemoryRewardScoreCache,
  type MemoryRewardScoreCacheSettings,
  type RewardScoreCache,
} from "./served/score-cache.js";
export {
  createServedRewardModel,
  type ServedRewardModel,
  type ServedRewardModelSettings,
} from "./served/served-reward-model.js";
export {
  createSqliteRewardScoreCache,
  type SqliteRewardScoreCacheSettings,
} from "./served/sqlite-score-cache.js";
// The study of hybrid reranking against reward-model quality, with SIMULATED reward models.
export {
  type HybridStudyCell,
  type HybridStudyOptions,
  type HybridStudyResult,
  hybridStudy,
} from "./study/hybrid-study.js";
export {
  createSimulatedRewardModel,
  type SimulatedRewardModelSettings,
} from "./study/simulated-reward.js";
