import type { ExecutionRequest, Executor, Verdict, VerdictStatus } from "@coderm/core";
import type { AdversarialCategory } from "./attacks/types.js";

/** The result of one attack against one executor. */
export interface AdversarialRow {
  id: string;
  category: AdversarialCategory;
  /** The status of each of the attack's tests, in order. */
  verdicts: string[];
  /** True when a test passed or the runner saw the attack reach something it must not. */
  breached: boolean;
  /** Each test's verdict (with its error type), then every breach reason. */
  detail: string;
}

/** Verdicts keyed by candidate id, then test id. */
export type VerdictsByCandidate = Map<string, Map<string, Verdict>>;

/** Runs requests and returns their verdicts keyed by candidate id, then test id. */
export async function runRequests(
  executor: Executor,
  requests: readonly ExecutionRequest[],
  signal: AbortSignal,
): Promise<VerdictsByCandidate> {
  const verdicts: VerdictsByCandidate = new Map();
  for await (const verdict of executor.execute(requests, { signal })) {
    let forCandidate = verdicts.get(verdict.candidateId);
    if (forCandidate === undefined) {
      forCandidate = new Map();
      verdicts.set(verdict.candidateId, forCandidate);
    }
    forCandidate.set(verdict.testId, verdict);
  }
  return verdicts;
}

/** Statuses of a request's tests in order ("missing" where no verdict came). */
export function statusesOf(
  request: ExecutionRequest,
  verdicts: VerdictsByCandidate,
): (VerdictStatus | "missing")[] {
  const forCandidate = verdicts.get(request.candidate.id);
  return request.tests.map((test) => forCandidate?.get(test.id)?.status ?? "missing");
}

/** What an attack did, for {@link attackOutcome}: the checks both suites share. */
export interface AttackAftermath<Context> {
  executor: Executor;
  attack: {
    id: string;
    category: AdversarialRow["category"];
    breach?: (
      observed: { statuses: (VerdictStatus | "missing")[]; output: string },
      context: Context,
    ) => string | undefined;
  };
  context: Context;
  attackRequest: ExecutionRequest;
  statuses: (VerdictStatus | "missing")[];
  verdicts: VerdictsByCandidate;
  output: string;
  victim?: { requests: readonly ExecutionRequest[]; expected: VerdictStatus } | undefined;
  /** Candidates the executor must still judge right afterwards. */
  canaries: readonly { request: ExecutionRequest; expected: VerdictStatus }[];
  timeoutMs: number;
  /** Breaches found so far; the shared checks add theirs. */
  reasons: string[];
}

/**
 * The checks every adversarial suite makes after an attack (the victim's verdicts, the attack's
 * own breach test, the canaries still judged right) and the attack's row.
 */
export async function attackOutcome<Context>(
  aftermath: AttackAftermath<Context>,
): Promise<AdversarialRow> {
  const { attack, attackRequest, statuses, verdicts, victim, reasons } = aftermath;
  if (victim !== undefined) {
    const victimStatuses = victim.requests.flatMap((request) => statusesOf(request, verdicts));
    if (victimStatuses.some((status) => status !== victim.expected))
      reasons.push(`victim got ${victimStatuses.join(" ")}, expected ${victim.expected}`);
  }
  const extra = attack.breach?.({ statuses, output: aftermath.output }, aftermath.context);
  if (extra !== undefined) reasons.push(extra);

  const canary = await runRequests(
    aftermath.executor,
    aftermath.canaries.map((entry) => entry.request),
    AbortSignal.timeout(aftermath.timeoutMs),
  ).catch((error: unknown) => error as Error);
  if (canary instanceof Error) reasons.push(`the executor failed afterwards: ${canary.message}`);
  else {
    const misjudged = aftermath.canaries.flatMap((entry) => {
      const canaryStatuses = statusesOf(entry.request, canary);
      return canaryStatuses.some((status) => status !== entry.expected)
        ? [`${entry.request.candidate.id} (${canaryStatuses.join(" ")})`]
        : [];
    });
    if (misjudged.length > 0)
      reasons.push(`afterwards the executor misjudged ${misjudged.join(", ")}`);
  }

  const tests = attackRequest.tests.map((test, index) => {
    const verdict = verdicts.get(attackRequest.candidate.id)?.get(test.id);
    return `${test.id}=${statuses[index]}${verdict?.errorType ? `(${verdict.errorType})` : ""}`;
  });
  return {
    id: attack.id,
    category: attack.category,
    verdicts: statuses,
    breached: reasons.length > 0,
    detail: [tests.join(" "), ...reasons].join("; "),
  };
}
