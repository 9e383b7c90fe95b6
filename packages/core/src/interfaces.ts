import type { Candidate, ExecutionRequest, Problem, Verdict } from "./model.js";
import type { PassMatrix } from "./pass-matrix.js";

/** What a reward model sees: a problem (without its ground truth) and its candidates. */
export interface RewardInput {
  problem: Problem;
  candidates: readonly Candidate[];
  /** Verdicts of the candidates (rows, in the same order) against generated tests, for test-based rewards. */
  passMatrix?: PassMatrix;
}

/**
 * How a reward model would pick one candidate: the probability of each candidate (same order as
 * the input) of being the pick. Ties share the pick, so an expected correctness is exact.
 */
export interface Selection {
  probabilities: number[];
}

/** A reward model: scores candidates, and where it has a rule for it, selects one. */
export interface RewardModel {
  /** Stable name used in reports and on the command line. */
  readonly name: string;
  /** One score per candidate, higher is better. */
  score(input: RewardInput): Promise<number[]>;
  /** The pick as a distribution over candidates; without it, callers pick the top score, sharing ties. */
  select?(input: RewardInput): Promise<Selection>;
}

/** What an executor can do, so callers can refuse early rather than fail late. */
export interface ExecutorCapabilities {
  languages: readonly string[];
  testKinds: readonly string[];
  sandboxLevels: readonly string[];
}

/** Options of {@link Executor.execute}. */
export interface ExecuteOptions {
  /** Aborting stops scheduling, kills running work and ends the stream with a `cancelled` error. */
  signal?: AbortSignal;
}

/**
 * Runs candidates against tests in a sandbox. Verdicts stream back as they finish, in no
 * particular order; every (candidate, test) pair of every request yields exactly one verdict.
 */
export interface Executor {
  readonly name: string;
  readonly capabilities: ExecutorCapabilities;
  execute(
    requests: Iterable<ExecutionRequest> | AsyncIterable<ExecutionRequest>,
    options?: ExecuteOptions,
  ): AsyncIterable<Verdict>;
  /** Stops every worker; the executor cannot be used afterwards. */
  close(): Promise<void>;
}
