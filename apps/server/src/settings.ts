import type { ExecutionLimits, RewardModel } from "@coderm/core";
import type { OpenedExecutor, ProblemLookup } from "@coderm/pipeline";

/** One caller allowed in: its bearer token and its quotas. */
export interface ServiceToken {
  token: string;
  /** A name for logs and metrics (never the token). */
  name: string;
  /** Requests of this caller in flight at once (64 by default); past it, 429. */
  concurrency?: number;
  /** Requests a second, sustained (unbounded by default); past it, 429. */
  ratePerSecond?: number;
}

/** Settings of {@link createRewardServer}. */
export interface RewardServerSettings {
  /** The executor stack to run candidates with (see `@coderm/pipeline`'s `openExecutor`). */
  executor: OpenedExecutor;
  /** Known benchmark problems, for `{benchmark, id}` problems and `ground-truth` tests. */
  problems?: ProblemLookup;
  /**
   * A served reward model (`createServedRewardModel` of `@coderm/reward-nt`): makes the `rm` and
   * `hybrid` modes, the learned rerank methods and the `/predict` drop-in route live.
   */
  rewardModel?: RewardModel;
  /** `hybrid` mode: the weight of the model's reward added to the tests' reward (1 by default). */
  hybridWeight?: number;
  /** Limits of inline tests (3 s, 1 GiB, 4 KiB of output by default). */
  limits?: ExecutionLimits;
  /**
   * Callers allowed in by bearer token. None: only loopback callers are served (and the server
   * refuses to listen on another address).
   */
  tokens?: readonly ServiceToken[];
  /** How long a request may take by default, in ms (a client's `X-Deadline-Ms` may shorten it; 300 s). */
  deadlineMs?: number;
  /** Largest request body in bytes (16 MiB by default); past it, 413. */
  maxBodyBytes?: number;
  /** Most items in one request (4,096 by default); past it, 413. */
  maxBatchItems?: number;
  /** Most executions queued or running (16,384 by default); past it, 429 with `Retry-After`. */
  maxQueueDepth?: number;
  /** How requests are coalesced into executor batches. */
  batching?: { maxWaitMs?: number; maxBatchSize?: number };
  /** JSON log level (`info` by default; `silent` for none). */
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Where JSON logs go (standard error by default). */
  logStream?: NodeJS.WritableStream;
}

/** The defaults of {@link RewardServerSettings}. */
export const serverDefaults = {
  limits: { timeMs: 3000, memoryMb: 1024, outputBytes: 4096 },
  deadlineMs: 300_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxBatchItems: 4096,
  maxQueueDepth: 16_384,
  concurrency: 64,
} as const;
