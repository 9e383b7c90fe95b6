import {
  createEarlyStopping,
  type EarlyStoppedProblem,
  type EarlyStoppingOptions,
  type EarlyStoppingResult,
  summarizeEarlyStopping,
} from "@coderm/allocator";
import {
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  PassMatrix,
  type ProblemMatrix,
  rankingPassAtK,
} from "@coderm/core";
import type { JudgingPolicy } from "./judging-policy.js";

/** Options of {@link rerankWithEarlyStopping}. */
export interface RerankWithEarlyStoppingOptions extends EarlyStoppingOptions {
  executor: Executor;
  limits: ExecutionLimits;
  /** Problems the policy fails whole run nothing (CodeT's packed suites). */
  judging?: JudgingPolicy;
  signal?: AbortSignal;
  /** Called after each round with the problems still running. */
  onRound?: (round: number, active: number) => void;
}

/**
 * Reranks with online early stopping: the allocator's policy (`createEarlyStopping`) says which
 * (candidate, test) pairs each round needs, this loop executes them (one request per candidate
 * program) and feeds the verdicts back, until every problem's pick is final. Problems whose suite
 * the judging policy fails run nothing; their pick is the method's on an all-failed matrix.
 */
export async function rerankWithEarlyStopping(
  problems: readonly ProblemMatrix[],
  options: RerankWithEarlyStoppingOptions,
): Promise<EarlyStoppingResult> {
  const failed = (item: ProblemMatrix) =>
    options.judging?.failedSuites.has(item.problem.id) === true;
  const policy = createEarlyStopping(
    problems.filter((item) => !failed(item)),
    options,
  );
  const languages = new Map(problems.map((item) => [item.problem.id, item.problem.language]));
  for (;;) {
    const round = policy.nextRound();
    if (round === undefined) break;
    const requests: ExecutionRequest[] = round.runs.map(({ candidate, tests }) => {
      const language = languages.get(candidate.problemId) ?? "python";
      return {
        candidate,
        tests,
        limits: options.limits,
        ...(language === "python" ? {} : { language }),
      };
    });
    if (requests.length > 0)
      for await (const verdict of options.executor.execute(
        requests,
        options.signal ? { signal: options.signal } : {},
      ))
        policy.record(verdict.candidateId, verdict.testId, verdict.status === "pass");
    options.onRound?.(policy.rounds, policy.active);
  }
  const stopped = new Map(policy.result().problems.map((outcome) => [outcome.problemId, outcome]));
  const outcomes = problems.map(
    (item): EarlyStoppedProblem =>
      stopped.get(item.problem.id) ?? failedSuiteOutcome(item, options.method),
  );
  return summarizeEarlyStopping(outcomes, policy.rounds);
}

/** A problem whose suite failed whole: nothing ran, every cell is an error. */
function failedSuiteOutcome(
  item: ProblemMatrix,
  method: EarlyStoppingOptions["method"],
): EarlyStoppedProblem {
  const matrix = new PassMatrix(
    item.problem.id,
    item.candidates.map((candidate) => candidate.id),
    item.tests.map((test) => test.id),
  );
  for (let row = 0; row < matrix.rowCount; row++)
    for (let column = 0; column < matrix.columnCount; column++) matrix.set(row, column, "error");
  const ranking = method.rank({
    problem: item.problem,
    candidates: item.candidates,
    passMatrix: matrix,
  });
  return {
    problemId: item.problem.id,
    passAt1: rankingPassAtK(ranking, item.correct, 1),
    executions: 0,
    fullExecutions: 0,
    testsRun: 0,
    stoppedEarly: false,
  };
}
