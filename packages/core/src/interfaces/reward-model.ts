import type { Candidate, Problem } from "../model.js";
import type { PassMatrix } from "../pass-matrix.js";

/** What a reward model sees: a problem (without its ground truth) and its candidates. */
export interface RewardInput {
  problem: Problem;
  candidates: readonly Candidate[];
  /**
   * Verdicts of the candidates (rows, in the same order) against generated tests. Present when the
   * model says it needs it ({@link RewardModel.needsPassMatrix}); other models ignore it.
   */
  passMatrix?: PassMatrix;
}

/**
 * How a reward model would pick one candidate: the probability of each candidate (same order as
 * the input) of being the pick. Ties share the pick, so an expected correctness is exact.
 */
export interface Selection {
  probabilities: number[];
}

/**
 * How a reward model orders candidates (positions in the input): tie groups, best first. A pick
 * takes a uniform candidate of the first group, so ties are an expected value, never a lucky
 * first element. Positions in no group are never picked; with no groups at all the model has no
 * signal and picks uniformly among all candidates.
 */
export interface Ranking {
  groups: number[][];
}

/**
 * A reward model scores *code*: the candidates of one problem. Test-based rewards (CodeT,
 * CodeRM-8B's vote) read the pass matrix; learned ones (CodeRM-NT) read the code. A model that
 * scores *tests* is a `TestScorer`.
 */
export interface RewardModel {
  /** Stable name used in reports and on the command line. */
  readonly name: string;
  /** True when the model reads `passMatrix`, so callers must execute the generated tests first. */
  readonly needsPassMatrix?: boolean;
  /**
   * Whether the model's order beyond its pick means anything, so pass@k for k > 1 is reported
   * (true when absent: the order of the scores).
   */
  readonly ranks?: boolean;
  /** One score per candidate, higher is better. */
  score(input: RewardInput): Promise<number[]>;
  /**
   * The model's order as tie groups, best first; without it, callers group equal scores. Test-based
   * models answer synchronously, so a study can rank thousands of subsets cheaply.
   */
  rank?(input: RewardInput): Ranking | Promise<Ranking>;
  /** The pick as a distribution over candidates; without it, callers pick the top group uniformly. */
  select?(input: RewardInput): Promise<Selection>;
  /**
   * The candidates (positions in the input) whose generated tests the model reads; without it,
   * all. A model that prunes before testing (hybrid: the top k by a learned reward) answers a
   * subset, and callers run the tests of those candidates only. Called without a pass matrix;
   * the model's `score` and `rank` then see a matrix whose other rows are pending.
   */
  candidatesToTest?(input: RewardInput): Promise<readonly number[]>;
}

/**
 * A reward model that ranks candidates from their pass matrix alone, synchronously (CodeT,
 * CodeRM-8B's vote, pass ratio, random): what the test-budget allocator and early stopping drive.
 */
export interface TestBasedReward extends RewardModel {
  readonly needsPassMatrix: boolean;
  readonly ranks: boolean;
  /** The ranking of the input's candidates; needs `input.passMatrix`. */
  rank(input: RewardInput): Ranking;
}
