import type { Candidate, Problem, UnitTest } from "./model.js";
import type { PassMatrix } from "./pass-matrix.js";

/**
 * One problem's executed pass matrix: a row per candidate sample (a solution sampled twice
 * appears twice), a column per generated test occurrence, and each row's ground truth. The
 * currency of reranking, test-budget allocation and early stopping.
 */
export interface ProblemMatrix {
  problem: Problem;
  candidates: Candidate[];
  tests: UnitTest[];
  matrix: PassMatrix;
  /** Whether each row passes every ground-truth test. */
  correct: boolean[];
  /**
   * The rows whose generated tests ran, when only some did (a model pruned candidates before
   * testing, see `RewardModel.candidatesToTest`); absent when every row ran. The other rows' cells
   * stay pending.
   */
  testedRows?: number[];
}
