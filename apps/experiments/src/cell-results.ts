import type { MethodScores, RerankResult } from "@coderm/pipeline";

/** What the store keeps for a rerank cell. */
export interface RerankCellResult {
  /** The method's pass@k in percent (a mean with its interval when subsets repeat). */
  scores: MethodScores;
  /** Quality of the group's generated tests against ground truth (single and combined). */
  test_quality: RerankResult["testQuality"];
  inputs: { problems: number; candidates: number; tests: number };
  /** Bad input items skipped. */
  skipped: number;
  /** Generated-test executions, for methods that prune candidates before testing. */
  test_executions?: { executed: number; all_candidates: number };
  /** The run-free test filter, when one dropped tests before execution. */
  test_filter?: { scorer: string; threshold: number; tests_kept: number; tests_dropped: number };
}
