import type { CallTest, ComputeExpectedOutputs } from "@coderm/benchmarks";
import {
  CodermError,
  contentId,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  type Problem,
  passAtK,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import type { Sample } from "./sample-files.js";

/** A judged sample: passed when every ground-truth test passed. */
export interface JudgedSample extends Sample {
  passed: boolean;
  /** One verdict per ground-truth test, in the problem's test order. */
  verdicts: Verdict[];
}

/** Options of {@link judgeSamples}. */
export interface JudgeOptions {
  problems: ReadonlyMap<string, Problem>;
  executor: Executor;
  limits: ExecutionLimits;
  signal?: AbortSignal;
  /** Called with the number of verdicts still expected, then as verdicts arrive. */
  onProgress?: (event: { total: number } | { done: number }) => void;
}

/**
 * Runs every sample against its problem's ground-truth tests through the executor (identical
 * programs of a problem run once) and yields the judged samples in input order.
 */
export async function* judgeSamples(
  samples: AsyncIterable<Sample> | Iterable<Sample>,
  options: JudgeOptions,
): AsyncGenerator<JudgedSample> {
  const all: Sample[] = [];
  for await (const sample of samples) all.push(sample);
  const requests = new Map<string, ExecutionRequest>();
  for (const sample of all) {
    const problem = options.problems.get(sample.taskId)!;
    const candidate = {
      id: contentId(`${problem.id}\n${sample.program}`),
      problemId: problem.id,
      code: sample.program,
    };
    if (!requests.has(candidate.id))
      requests.set(candidate.id, { candidate, tests: problem.tests ?? [], limits: options.limits });
  }
  options.onProgress?.({
    total: [...requests.values()].reduce((sum, request) => sum + request.tests.length, 0),
  });
  const verdicts = new Map<string, Map<string, Verdict>>();
  for await (const verdict of options.executor.execute(
    requests.values(),
    options.signal ? { signal: options.signal } : {},
  )) {
    let byTest = verdicts.get(verdict.candidateId);
    if (byTest === undefined) {
      byTest = new Map();
      verdicts.set(verdict.candidateId, byTest);
    }
    byTest.set(verdict.testId, verdict);
    options.onProgress?.({ done: 1 });
  }
  for (const sample of all) {
    const problem = options.problems.get(sample.taskId)!;
    const byTest = verdicts.get(contentId(`${problem.id}\n${sample.program}`));
    const ordered = (problem.tests ?? []).map((test) => byTest!.get(test.id)!);
    yield {
      ...sample,
      passed: ordered.length > 0 && ordered.every((verdict) => verdict.status === "pass"),
      verdicts: ordered,
    };
  }
}

/**
 * pass@k in percent over every problem of the benchmark, for each k in `ks` that the sample counts
 * allow (every problem with samples has at least k, evalplus's rule). A problem without samples
 * counts as unsolved.
 */
export function passAtKPercent(
  judged: Iterable<{ taskId: string; passed: boolean }>,
  problemIds: Iterable<string>,
  ks: readonly number[] = [1, 10, 100],
): Record<string, number> {
  const counts = new Map<string, { n: number; c: number }>();
  for (const id of problemIds) counts.set(id, { n: 0, c: 0 });
  for (const { taskId, passed } of judged) {
    const count = counts.get(taskId)!;
    count.n += 1;
    if (passed) count.c += 1;
  }
  const sampled = [...counts.values()].filter(({ n }) => n > 0);
  const result: Record<string, number> = {};
  for (const k of ks) {
    if (sampled.length === 0 || sampled.some(({ n }) => n < k)) continue;
    result[`pass@${k}`] =
      (100 * sampled.reduce((sum, { n, c }) => sum + passAtK(n, c, k), 0)) / counts.size;
  }
  return result;
}

/**
 * A {@link ComputeExpectedOutputs} that runs each problem's canonical solution through the
 * executor in output mode (call tests without `expected` return the value). A canonical solution
 * that fails on an input is an error naming the problem and the test.
 */
export function expectedOutputsFromExecutor(
  executor: Executor,
  limits: ExecutionLimits,
): ComputeExpectedOutputs {
  return async (problem: Problem, tests: readonly CallTest[]) => {
    if (problem.canonicalSolution === undefined) {
      throw new CodermError(
        "invalid-input",
        "the problem has no canonical solution to compute expected outputs from",
        { item: problem.id },
      );
    }
    const candidate = {
      id: contentId(problem.canonicalSolution),
      problemId: problem.id,
      code: problem.canonicalSolution,
    };
    const values = new Map<string, unknown>();
    for await (const verdict of executor.execute([
      { candidate, tests: tests as UnitTest[], limits },
    ])) {
      if (verdict.status !== "pass" || verdict.value === undefined) {
        throw new CodermError(
          "internal",
          `the canonical solution gave ${verdict.status} (${verdict.errorType ?? ""} ${verdict.message ?? ""})`.trim(),
          {
            item: `${problem.id} test ${verdict.testId}`,
          },
        );
      }
      values.set(verdict.testId, verdict.value);
    }
    return tests.map((test) => values.get(test.id));
  };
}
