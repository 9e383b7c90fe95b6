/** What one suite run observed of a focal file: the lines it covered and the mutants it killed. */
export interface SuiteObservation {
  /** Focal-file lines the run covered. */
  covered: ReadonlySet<number>;
  /** Mutants the run killed (a timeout counts as killed). */
  killed: ReadonlySet<string>;
}

/** The three RM-RF targets of a candidate test added to a focal file's suite. */
export interface TestDeltas {
  /** The augmented suite runs without error. */
  runsCorrectly: boolean;
  /** |C_new \ C_old| / |S|: lines only the new test covers, over the focal file's executable lines. */
  coverage: number;
  /** |K_new \ K_old| / |M|: mutants only the new test kills, over all mutants. */
  mutation: number;
  /** The lines behind `coverage`. */
  newlyCovered: number[];
  /** The mutants behind `mutation`. */
  newlyKilled: string[];
}

/** Inputs of {@link testDeltas}. */
export interface TestDeltasInput {
  /** The focal file's executable lines (S). */
  executableLines: ReadonlySet<number>;
  /** Every mutant of the focal file (M), whatever its status. */
  mutants: ReadonlySet<string>;
  /** The existing suite's run. */
  existing: SuiteObservation;
  /** The new test's run, alone. */
  candidate: SuiteObservation;
  /** Whether the suite with the new test runs without error. */
  runsCorrectly: boolean;
}

/**
 * RM-RF's labels of a candidate test: the coverage and mutation deltas as sets and rates (as the
 * released labels compute them: the new test run alone against the existing suite, over all
 * executable lines and all mutants). A test that does not run correctly adds nothing, so the
 * three targets nest: coverage up implies correct, mutation up implies correct.
 */
export function testDeltas(input: TestDeltasInput): TestDeltas {
  if (!input.runsCorrectly)
    return { runsCorrectly: false, coverage: 0, mutation: 0, newlyCovered: [], newlyKilled: [] };
  const newlyCovered = [...input.candidate.covered]
    .filter((line) => !input.existing.covered.has(line))
    .sort((a, b) => a - b);
  const newlyKilled = [...input.candidate.killed]
    .filter((mutant) => !input.existing.killed.has(mutant))
    .sort();
  return {
    runsCorrectly: true,
    coverage:
      input.executableLines.size === 0 ? 0 : newlyCovered.length / input.executableLines.size,
    mutation: input.mutants.size === 0 ? 0 : newlyKilled.length / input.mutants.size,
    newlyCovered,
    newlyKilled,
  };
}
