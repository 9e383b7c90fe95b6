import type { ProblemMatrix } from "@coderm/core";

/**
 * How a dataset's generated tests are judged beyond their verdicts. CodeT's runner packs a
 * problem's tests into one function and records every candidate as failed when that function does
 * not compile (see `codetPackedSuiteFailures` in `@coderm/benchmarks`): reproducing CodeT's
 * published figures needs the same rule. The pipeline applies a policy once, after execution.
 */
export interface JudgingPolicy {
  /** Problems whose generated tests count as failed by every candidate, whatever the verdicts. */
  failedSuites: ReadonlySet<string>;
}

/** The policy that judges every test by its verdicts alone. */
export const verdictsOnly: JudgingPolicy = { failedSuites: new Set() };

/** Applies a judging policy to executed matrices, in place. */
export function applyJudgingPolicy(
  matrices: readonly ProblemMatrix[],
  policy: JudgingPolicy,
): void {
  for (const item of matrices) {
    if (!policy.failedSuites.has(item.problem.id)) continue;
    for (let row = 0; row < item.matrix.rowCount; row++)
      for (let column = 0; column < item.matrix.columnCount; column++)
        item.matrix.set(row, column, "error");
  }
}
