import { withExpectedOutputs } from "@coderm/benchmarks";
import type { Candidate, ExecutionLimits, Executor, Problem } from "@coderm/core";
import { type EvalPlusSettings, withEvalPlusLimits } from "./evalplus-rules.js";
import { expectedOutputsFromExecutor, judgeSamples } from "./judge.js";

const expectedOutputTimeMs = 120_000;
// the canonical solutions are trusted and EvalPlus runs them without limits: some outputs hold
// tens of millions of items (Mbpp/255)
const expectedOutputMemoryMb = 16_384;

/** Options of {@link prepareGroundTruth}. */
export interface PrepareGroundTruthOptions {
  executor: Executor;
  /** The ground truth's limits; the canonical solutions run with at least 120 s and 16 GiB. */
  limits: ExecutionLimits;
  /** EvalPlus's rules: each input's time limit from the canonical solution's time on it. */
  evalPlus?: EvalPlusSettings;
  /** Called with the number of problems whose outputs are computed, then as each is done. */
  onProgress?: (event: { total: number } | { done: number }) => void;
}

/**
 * Makes problems' ground truth ready to judge: the expected outputs a benchmark leaves to its
 * canonical solutions (EvalPlus's inputs) are computed by running them (cached with the verdicts,
 * with their time on each input), and under EvalPlus's rules every input gets its time limit from
 * that time. Problems whose tests all carry their expected values are returned as they are.
 */
export async function prepareGroundTruth(
  problems: readonly Problem[],
  options: PrepareGroundTruthOptions,
): Promise<Problem[]> {
  const { executor, limits } = options;
  const referenceMs = new Map<string, number[]>();
  let prepared = [...problems];
  if (
    prepared.some((problem) =>
      problem.tests?.some((test) => test.kind === "call" && test.expected === undefined),
    )
  ) {
    options.onProgress?.({ total: prepared.length });
    // EvalPlus runs the canonical solutions without a time limit (some outputs hold a million
    // items: Mbpp/255, HumanEval/130); two minutes an input stands in for none
    const compute = expectedOutputsFromExecutor(
      executor,
      {
        ...limits,
        timeMs: Math.max(limits.timeMs, expectedOutputTimeMs),
        memoryMb: Math.max(limits.memoryMb, expectedOutputMemoryMb),
      },
      referenceMs,
    );
    prepared = await withExpectedOutputs(prepared, async (problem, tests) => {
      const values = await compute(problem, tests);
      options.onProgress?.({ done: 1 });
      return values;
    });
  }
  const settings = options.evalPlus;
  if (settings !== undefined)
    prepared = prepared.map((problem) =>
      withEvalPlusLimits(problem, referenceMs.get(problem.id) ?? [], settings),
    );
  return prepared;
}

/** Options of {@link judgeCandidates}. */
export interface JudgeCandidatesOptions {
  executor: Executor;
  limits: ExecutionLimits;
  /** EvalPlus's settings: base then plus inputs, each stopping at its first failure. */
  evalPlus: EvalPlusSettings;
  signal?: AbortSignal;
}

/**
 * Whether each candidate passes its problem's ground truth as EvalPlus judges it, in the
 * candidates' order (identical programs of a problem run once). The problems' tests must be ready
 * (see {@link prepareGroundTruth}).
 */
export async function judgeCandidates(
  problems: ReadonlyMap<string, Problem>,
  candidates: readonly Candidate[],
  options: JudgeCandidatesOptions,
): Promise<boolean[]> {
  const samples = candidates.map((candidate, index) => ({
    index,
    taskId: candidate.problemId,
    program: candidate.code,
  }));
  const passed: boolean[] = [];
  for await (const judged of judgeSamples(samples, {
    problems,
    executor: options.executor,
    limits: options.limits,
    stopAtFirstFailure: true,
    evalPlus: options.evalPlus,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  }))
    passed.push(judged.passed);
  return passed;
}
