import type { Interval } from "@coderm/core";

/** The strategies the study compares with equal allocation. */
export const greedyStrategies = ["greedy-predicted", "greedy-oracle"] as const;

/** One of {@link greedyStrategies}. */
export type GreedyStrategy = (typeof greedyStrategies)[number];

/** The allocation strategies the study compares. */
export const studyStrategies = ["equal", ...greedyStrategies] as const;

/** One of {@link studyStrategies}. */
export type StudyStrategy = (typeof studyStrategies)[number];

/** What online early stopping spent and reached, for one method and rule. */
export interface EarlyStoppingSummary {
  method: string;
  /** `exact` (the pick provably the full budget's) or `confident` (Hoeffding bounds). */
  rule: "exact" | "confident";
  /** Unique (candidate program, test) executions at the full budget. */
  full_executions: number;
  /** Unique executions with early stopping. */
  executions: number;
  /** `executions / full_executions`. */
  fraction: number;
  /** pass@1 (percent) at the full budget, and with early stopping. */
  full_pass_at_1: number;
  pass_at_1: number;
  /** Problems stopped before their last test. */
  problems_stopped_early: number;
  /** Rounds the run took (one test per active problem a round, by default). */
  rounds: number;
}

/**
 * The budget study's result, as `coderm allocate study --json` prints it. `budgets[i]` is the
 * average number of tests per problem of column `i` of every curve (the last is "all": each
 * problem's every test). Curves are pass@1 in percent, a mean over seeds with a 95 % interval.
 */
export interface StudyResult {
  dataset: string;
  problems: number;
  seeds: number;
  budgets: number[];
  /** Labels of the budgets for tables and plots: "1", "2", ..., "all". */
  budget_labels: string[];
  curves: Record<StudyStrategy, Record<string, Interval[]>>;
  /**
   * Each greedy strategy's pass@1 minus equal allocation's, in points, paired by seed (the same
   * test orders), with a 95 % interval: the comparison the overlapping curve intervals blur.
   */
  versus_equal: Record<GreedyStrategy, Record<string, Interval[]>>;
  /** By method. */
  early_stopping: Record<string, EarlyStoppingSummary>;
  /** Mean absolute error of the predicted difficulty against the gold pass rate (0..1). */
  predicted_difficulty_mae: number;
  timing: { execute_s: number; study_s: number; early_stopping_s: number };
}
