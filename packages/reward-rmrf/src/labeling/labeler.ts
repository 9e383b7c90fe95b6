import {
  type Candidate,
  CodermError,
  contentId,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  type UnitTest,
  type Verdict,
  type VerdictStatus,
} from "@coderm/core";
import { type TestDeltas, testDeltas } from "../deltas.js";
import { killingStatuses, type MutantStatus, mutantStatus } from "./mutant-status.js";

/** A mutant as the labeler needs it: its id, the original line it changes and its program text. */
export interface LabelingMutant {
  id: string;
  /** The line of the focal code the mutation changes (1-based). */
  line: number;
  /** The whole mutated program. */
  code: string;
}

/** One focal file to label tests against: its code, its existing suite, the candidate tests. */
export interface LabelingUnit {
  /** A key unique among the units of one call, such as `humaneval-plus:HumanEval/0`. */
  key: string;
  problemId: string;
  /** The focal code (a whole program: the code under test). */
  focalCode: string;
  /** The existing suite. Tests that do not pass on the focal code are left out of it. */
  existingTests: readonly UnitTest[];
  /** The candidate tests, each labeled as if added to the existing suite alone. */
  candidateTests: readonly UnitTest[];
  /** The focal code's mutants (after dropping equivalent ones). */
  mutants: readonly LabelingMutant[];
}

/** A suite's run against the focal code and its mutants, as sets (RM-RF's stored maps). */
export interface SuiteRun {
  /** Focal lines covered (1-based). */
  covered: number[];
  /** Each mutant's status under this suite, by mutant id. */
  mutants: Record<string, MutantStatus>;
}

/** The labels of one candidate test. */
export interface TestLabel {
  test: UnitTest;
  /** The test's verdict on the focal code. */
  status: VerdictStatus;
  errorType?: string;
  /** The test alone: the lines it covers and each mutant's status under it. */
  run: SuiteRun;
  /** Runs correctly, the coverage and mutation deltas, and the sets behind them. */
  deltas: TestDeltas;
}

/** The labels of one unit's candidate tests, with what they were measured against. */
export interface UnitLabels {
  key: string;
  problemId: string;
  /** The focal code's executable lines (1-based): S of the coverage delta. */
  executable: number[];
  /** Every mutant id: M of the mutation delta. */
  mutants: string[];
  /** The existing suite's run (its passing tests only). */
  existing: SuiteRun;
  /** Ids of the existing tests in the suite (those that pass on the focal code). */
  existingTests: string[];
  /** Ids of existing tests left out of the suite because they do not pass on the focal code. */
  droppedExisting: string[];
  tests: TestLabel[];
}

/** Progress of {@link labelTests}: executions done of those planned, by phase. */
export interface LabelingProgress {
  phase: "focal" | "mutants";
  done: number;
  total: number;
  /** Verdicts that came from the verdict cache so far (nothing executed for them). */
  cached: number;
}

/** Options of {@link labelTests}. */
export interface LabelTestsOptions {
  /** Runs the focal code with coverage, then the mutants; wrap it in a verdict cache to relabel. */
  executor: Executor;
  /** Limits of the focal runs. */
  limits: ExecutionLimits;
  /** Limits of the mutant runs (the focal limits by default); a mutant that times out is killed. */
  mutantLimits?: ExecutionLimits;
  /**
   * A test's time limit against mutants, from its wall time on the focal code (the mutant limits'
   * by default): a slow test can keep a longer limit so that a mutant is not killed by a timeout
   * the focal code would have hit too. It must depend on the cached wall time only, so that a
   * relabel asks for the same executions.
   */
  mutantTime?: (focalWallMs: number) => number;
  signal?: AbortSignal;
  onProgress?: (progress: LabelingProgress) => void;
}

/**
 * RM-RF's labels of candidate tests, measured by execution. Two phases over all units at once:
 * every existing and candidate test runs against the focal code with line coverage; then each
 * mutant runs against the passing tests that cover its line (only those: a test that never reaches
 * the mutated line cannot kill it). Mutants are ordinary candidates, so every execution goes
 * through the executor and its verdict cache. The existing suite's covered lines and killed
 * mutants are unions over its tests; each candidate test is measured alone, and its deltas follow
 * {@link testDeltas}.
 */
export async function labelTests(
  units: readonly LabelingUnit[],
  options: LabelTestsOptions,
): Promise<UnitLabels[]> {
  const keys = new Set<string>();
  for (const unit of units) {
    if (keys.has(unit.key))
      throw new CodermError("invalid-input", "two labeling units share a key", { item: unit.key });
    keys.add(unit.key);
  }
  const focalCandidates = units.map(
    (unit): Candidate => ({
      id: contentId(unit.focalCode),
      problemId: unit.problemId,
      code: unit.focalCode,
    }),
  );

  // Phase 1: every test against the focal code, with coverage.
  const focalRequests = units.map(
    (unit, index): ExecutionRequest => ({
      candidate: focalCandidates[index]!,
      tests: distinctTests([...unit.existingTests, ...unit.candidateTests]),
      limits: options.limits,
      coverage: true,
    }),
  );
  const focalVerdicts = await collect(focalRequests, "focal", options);

  // Phase 2: each mutant against the passing tests that reach its line.
  const plans = units.map((unit, index) =>
    planUnit(unit, focalCandidates[index]!.id, focalVerdicts),
  );
  const mutantRequests: ExecutionRequest[] = [];
  for (const plan of plans) {
    for (const mutant of plan.unit.mutants) {
      const tests = plan.coveringTests(mutant).map((test) => {
        if (options.mutantTime === undefined) return test;
        const wallMs = focalVerdicts.get(pairKey(plan.focalId, test.id))!.wallMs;
        return { ...test, timeMs: options.mutantTime(wallMs) };
      });
      if (tests.length === 0) continue;
      mutantRequests.push({
        candidate: {
          id: contentId(mutant.code),
          problemId: plan.unit.problemId,
          code: mutant.code,
        },
        tests,
        limits: options.mutantLimits ?? options.limits,
      });
    }
  }
  const mutantVerdicts = await collect(mutantRequests, "mutants", options);
  return plans.map((plan) => plan.labels(mutantVerdicts));
}

type VerdictMap = Map<string, Verdict>;

const pairKey = (candidateId: string, testId: string) => `${candidateId}\u0000${testId}`;

async function collect(
  requests: readonly ExecutionRequest[],
  phase: LabelingProgress["phase"],
  options: LabelTestsOptions,
): Promise<VerdictMap> {
  const verdicts: VerdictMap = new Map();
  const total = requests.reduce((sum, request) => sum + request.tests.length, 0);
  let done = 0;
  let cached = 0;
  options.onProgress?.({ phase, done, total, cached });
  if (total === 0) return verdicts;
  const stream = options.executor.execute(
    requests,
    options.signal === undefined ? {} : { signal: options.signal },
  );
  for await (const verdict of stream) {
    verdicts.set(pairKey(verdict.candidateId, verdict.testId), verdict);
    done += 1;
    if (verdict.cached === true) cached += 1;
    if (done % 256 === 0 || done === total) options.onProgress?.({ phase, done, total, cached });
  }
  return verdicts;
}

function distinctTests(tests: readonly UnitTest[]): UnitTest[] {
  const seen = new Set<string>();
  return tests.filter((test) => !seen.has(test.id) && seen.add(test.id));
}

function planUnit(unit: LabelingUnit, focalId: string, focalVerdicts: VerdictMap) {
  const verdictOf = (test: UnitTest): Verdict => {
    const verdict = focalVerdicts.get(pairKey(focalId, test.id));
    if (verdict === undefined)
      throw new CodermError("internal", `no verdict for test ${test.id}`, { item: unit.key });
    return verdict;
  };
  const coverageOf = (verdict: Verdict) => {
    if (verdict.coverage === undefined)
      throw new CodermError(
        "internal",
        "the executor returned a verdict without coverage (it does not support coverage requests)",
        { item: unit.key },
      );
    return verdict.coverage;
  };

  // The executable lines are a property of the focal code: any verdict with coverage has them.
  const executable =
    [...unit.existingTests, ...unit.candidateTests]
      .map((test) => verdictOf(test).coverage)
      .find((coverage) => coverage !== undefined)?.executable ?? [];
  const executableSet = new Set(executable);
  const statementLine = (line: number): number => {
    // A mutated node on a continuation line belongs to the statement that starts above it.
    let best = line;
    for (const candidate of executable) if (candidate <= line) best = candidate;
    return executableSet.has(line) ? line : best;
  };

  const passing = new Map<string, { test: UnitTest; covered: Set<number> }>();
  for (const test of [...unit.existingTests, ...unit.candidateTests]) {
    const verdict = verdictOf(test);
    if (verdict.status === "pass")
      passing.set(test.id, { test, covered: new Set(coverageOf(verdict).covered) });
  }
  const existing = unit.existingTests.filter((test) => passing.has(test.id));
  const droppedExisting = unit.existingTests
    .filter((test) => !passing.has(test.id))
    .map((test) => test.id);
  const mutantLines = new Map(
    unit.mutants.map((mutant) => [mutant.id, statementLine(mutant.line)]),
  );

  const coveringTests = (mutant: LabelingMutant): UnitTest[] => {
    const line = mutantLines.get(mutant.id)!;
    return [...passing.values()]
      .filter((entry) => entry.covered.has(line))
      .map((entry) => entry.test);
  };

  const labels = (mutantVerdicts: VerdictMap): UnitLabels => {
    const suiteRun = (tests: readonly UnitTest[]): SuiteRun => {
      const covered = new Set<number>();
      for (const test of tests)
        for (const line of passing.get(test.id)?.covered ?? []) covered.add(line);
      const mutants: Record<string, MutantStatus> = {};
      for (const mutant of unit.mutants) {
        const line = mutantLines.get(mutant.id)!;
        const mutantId = contentId(mutant.code);
        const verdicts = tests
          .filter((test) => passing.get(test.id)?.covered.has(line) === true)
          .map((test) => mutantVerdicts.get(pairKey(mutantId, test.id))!);
        mutants[mutant.id] = mutantStatus(verdicts);
      }
      return { covered: [...covered].sort((a, b) => a - b), mutants };
    };
    const killed = (run: SuiteRun) =>
      new Set(Object.keys(run.mutants).filter((id) => killingStatuses.has(run.mutants[id]!)));
    const existingRun = suiteRun(existing);
    const mutantIds = unit.mutants.map((mutant) => mutant.id);
    const tests = unit.candidateTests.map((test): TestLabel => {
      const verdict = verdictOf(test);
      const runsCorrectly = verdict.status === "pass";
      const run = runsCorrectly ? suiteRun([test]) : { covered: [], mutants: {} };
      return {
        test,
        status: verdict.status,
        ...(verdict.errorType === undefined ? {} : { errorType: verdict.errorType }),
        run,
        deltas: testDeltas({
          executableLines: executableSet,
          mutants: new Set(mutantIds),
          existing: { covered: new Set(existingRun.covered), killed: killed(existingRun) },
          candidate: { covered: new Set(run.covered), killed: killed(run) },
          runsCorrectly,
        }),
      };
    });
    return {
      key: unit.key,
      problemId: unit.problemId,
      executable,
      mutants: mutantIds,
      existing: existingRun,
      existingTests: existing.map((test) => test.id),
      droppedExisting,
      tests,
    };
  };

  return { unit, focalId, coveringTests, labels };
}
