import type { Candidate, TestScorer, UnitTest } from "@coderm/core";
import type { RerankInput } from "./execute-problems.js";

/** Options of {@link filterTests}. */
export interface FilterTestsOptions {
  /** The run-free scorer that predicts whether each test runs correctly. */
  scorer: TestScorer;
  /** Tests whose predicted probability of running correctly is below this are dropped (0.5). */
  threshold?: number;
}

/** What {@link filterTests} kept and dropped. */
export interface FilteredTests {
  /** The input with the dropped tests removed. */
  input: RerankInput;
  /** Distinct tests scored, kept and dropped (over all problems). */
  scored: number;
  kept: number;
  dropped: number;
  /** Seconds spent scoring. */
  seconds: number;
}

/**
 * Drops generated tests a run-free scorer predicts not to run correctly, before anything runs,
 * so that their executions are saved. The focal code of a problem is its most frequent candidate
 * (the program the samples agree on most; the first such in sample order on a tie), with no
 * existing suite; each distinct test is scored once. A problem without candidates keeps its tests.
 */
export async function filterTests(
  input: RerankInput,
  options: FilterTestsOptions,
): Promise<FilteredTests> {
  const started = performance.now();
  const threshold = options.threshold ?? 0.5;
  const problems = new Map(input.problems.map((problem) => [problem.id, problem]));
  const focal = modalCandidates(input.candidates);
  const testsByProblem = new Map<string, Map<string, UnitTest>>();
  for (const test of input.tests) {
    const tests = testsByProblem.get(test.problemId) ?? new Map<string, UnitTest>();
    if (!tests.has(test.id)) tests.set(test.id, test);
    testsByProblem.set(test.problemId, tests);
  }
  const dropped = new Set<string>();
  let scored = 0;
  for (const [problemId, tests] of testsByProblem) {
    const candidate = focal.get(problemId);
    if (candidate === undefined) continue;
    const distinct = [...tests.values()];
    const problem = problems.get(problemId);
    const scores = await options.scorer.score({
      ...(problem === undefined ? {} : { problem }),
      focalCode: candidate.code,
      existingTests: "",
      tests: distinct,
    });
    scored += distinct.length;
    distinct.forEach((test, index) => {
      if (scores[index]!.runs < threshold) dropped.add(`${problemId}\u0000${test.id}`);
    });
  }
  return {
    input: {
      ...input,
      tests: input.tests.filter((test) => !dropped.has(`${test.problemId}\u0000${test.id}`)),
    },
    scored,
    kept: scored - dropped.size,
    dropped: dropped.size,
    seconds: (performance.now() - started) / 1000,
  };
}

function modalCandidates(candidates: readonly Candidate[]): Map<string, Candidate> {
  const counts = new Map<string, Map<string, { candidate: Candidate; count: number }>>();
  for (const candidate of candidates) {
    const problem = counts.get(candidate.problemId) ?? new Map();
    const entry = problem.get(candidate.id) ?? { candidate, count: 0 };
    entry.count += 1;
    problem.set(candidate.id, entry);
    counts.set(candidate.problemId, problem);
  }
  const modal = new Map<string, Candidate>();
  for (const [problemId, entries] of counts) {
    let best: { candidate: Candidate; count: number } | undefined;
    for (const entry of entries.values())
      if (best === undefined || entry.count > best.count) best = entry;
    modal.set(problemId, best!.candidate);
  }
  return modal;
}
