import type { TestScore, TestScorer, TestScorerInput } from "../interfaces/test-scorer.js";

/** Settings of {@link createMockTestScorer}. */
export interface MockTestScorerSettings {
  /** The scorer's name (`mock`). */
  name?: string;
  /** The score of each test of an input; 0.5 for each target by default. */
  score?: (input: TestScorerInput) => TestScore[] | Promise<TestScore[]>;
}

/** A mock of the {@link TestScorer} interface for tests of code that filters tests. */
export function createMockTestScorer(settings: MockTestScorerSettings = {}): TestScorer {
  return {
    name: settings.name ?? "mock",
    async score(input) {
      return (
        settings.score?.(input) ??
        input.tests.map(() => ({ runs: 0.5, coverageGain: 0.5, mutationGain: 0.5 }))
      );
    },
  };
}
