import type { Verdict } from "@coderm/core";

/**
 * A mutant's status under a suite, as mutation tools report it: `killed` (a test failed or
 * raised), `timeout` (a test ran out of time), `incompetent` (a test raised `TypeError`: the
 * mutant is not even well-typed, mutpy's word), `survived` (every covering test passed),
 * `no-coverage` (no test of the suite reaches the mutated line).
 */
export type MutantStatus = "killed" | "timeout" | "incompetent" | "survived" | "no-coverage";

/** The statuses that count a mutant as killed in RM-RF's rates (timeouts and incompetents too). */
export const killingStatuses: ReadonlySet<MutantStatus> = new Set([
  "killed",
  "timeout",
  "incompetent",
]);

/**
 * The status of a mutant under the verdicts of the suite's tests that cover its line (an empty
 * list: `no-coverage`). A failure beats a timeout beats an incompetent beats a pass, so a suite
 * kills a mutant when any of its tests does.
 */
export function mutantStatus(
  verdicts: readonly Pick<Verdict, "status" | "errorType">[],
): MutantStatus {
  if (verdicts.length === 0) return "no-coverage";
  let status: MutantStatus = "survived";
  for (const verdict of verdicts) {
    const own = verdictMutantStatus(verdict);
    if (rank[own] > rank[status]) status = own;
  }
  return status;
}

const rank: Record<MutantStatus, number> = {
  "no-coverage": 0,
  survived: 1,
  incompetent: 2,
  timeout: 3,
  killed: 4,
};

function verdictMutantStatus(verdict: Pick<Verdict, "status" | "errorType">): MutantStatus {
  switch (verdict.status) {
    case "pass":
      return "survived";
    case "timeout":
      return "timeout";
    case "error":
      return verdict.errorType === "TypeError" ? "incompetent" : "killed";
    default:
      return "killed";
  }
}
