import {
  type AllocationStudyOptions,
  allocationStudy,
  type EarlyStoppingOptions,
  type EarlyStoppingSummary,
  earlyStoppingMethods,
  type StudyResult,
} from "@coderm/allocator";
import type { ExecutionLimits, Executor, ProblemMatrix } from "@coderm/core";
import { createTestBasedReward } from "@coderm/reward-tests";
import { rerankWithEarlyStopping } from "./early-stopping.js";
import type { JudgingPolicy } from "./judging-policy.js";

/** Options of {@link runAllocationStudy}. */
export interface RunAllocationStudyOptions
  extends Omit<AllocationStudyOptions, "methods">,
    Pick<EarlyStoppingOptions, "rule" | "confidence" | "roundSize"> {
  /** The sample set's name, for the report. */
  dataset: string;
  /** Runs early stopping's rounds (its verdicts come from the executor and its cache). */
  executor: Executor;
  limits: ExecutionLimits;
  judging?: JudgingPolicy;
  /** Seconds spent executing the matrices, for the report. */
  executeSeconds: number;
}

/**
 * The test-budget study on executed matrices, for every method early stopping supports: pass@1
 * against the average tests per problem for each allocation strategy (means over seeds), then
 * online early stopping's executions against the full budget.
 */
export async function runAllocationStudy(
  problems: readonly ProblemMatrix[],
  options: RunAllocationStudyOptions,
): Promise<StudyResult> {
  let started = performance.now();
  const methods = earlyStoppingMethods.map((name) =>
    createTestBasedReward(name, options.seed === undefined ? {} : { seed: options.seed }),
  );
  const {
    dataset,
    executor,
    limits,
    judging,
    executeSeconds,
    rule,
    confidence,
    roundSize,
    ...rest
  } = options;
  const study = allocationStudy(problems, { ...rest, methods });
  const studySeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const earlyStopping: Record<string, EarlyStoppingSummary> = {};
  for (const method of methods) {
    const stopped = await rerankWithEarlyStopping(problems, {
      executor,
      limits,
      method,
      ...(rule === undefined ? {} : { rule }),
      ...(confidence === undefined ? {} : { confidence }),
      ...(roundSize === undefined ? {} : { roundSize }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(judging === undefined ? {} : { judging }),
    });
    earlyStopping[method.name] = {
      method: method.name,
      rule: rule ?? "exact",
      full_executions: stopped.fullExecutions,
      executions: stopped.executions,
      fraction: stopped.executions / Math.max(1, stopped.fullExecutions),
      full_pass_at_1: study.curves.equal[method.name]!.at(-1)!.mean,
      pass_at_1: stopped.passAt1,
      problems_stopped_early: stopped.problemsStoppedEarly,
      rounds: stopped.rounds,
    };
  }
  return {
    dataset,
    problems: problems.length,
    seeds: options.seeds ?? 20,
    budgets: study.budgets.map(round),
    budget_labels: study.budgetLabels,
    curves: study.curves,
    versus_equal: study.versusEqual,
    early_stopping: earlyStopping,
    predicted_difficulty_mae: study.predictedDifficultyMae,
    timing: {
      execute_s: round(executeSeconds),
      study_s: round(studySeconds),
      early_stopping_s: round((performance.now() - started) / 1000),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
