import type { Problem, UnitTest } from "../model.js";

/** What a test scorer sees: the code under test, the suite it already has, and candidate tests. */
export interface TestScorerInput {
  /** The problem the code solves, where there is one. */
  problem?: Problem;
  /**
   * The language of the focal file and the tests, where it is not the problem's (say `java` or
   * `go` for RM-RF's samples); the problem's language, else Python, by default.
   */
  language?: string;
  /** The focal source file (the code under test). */
  focalCode: string;
  /** The existing test suite of the focal file, as source text (empty when none). */
  existingTests: string;
  /** Candidate tests, each to be added to the suite on its own. */
  tests: readonly UnitTest[];
}

/**
 * Predicted effect of adding one test to the suite, as probabilities in [0, 1]: that the augmented
 * suite runs without error, that it raises the focal file's line coverage, and that it raises the
 * mutation kill rate (RM-RF's three targets).
 */
export interface TestScore {
  runs: number;
  coverageGain: number;
  mutationGain: number;
}

/**
 * A test scorer scores *tests*, from source and test text alone, without running them (RM-RF).
 * A model that scores *code* is a `RewardModel`.
 */
export interface TestScorer {
  /** Stable name used in reports and on the command line. */
  readonly name: string;
  /** One score per test of the input, in order. */
  score(input: TestScorerInput): Promise<TestScore[]>;
}
