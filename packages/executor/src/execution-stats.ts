import type { Executor, VerdictStatus } from "@coderm/core";
import { verdictStatuses } from "@coderm/core";

/**
 * Counts of what an executor stack did since it was made, as its outermost wrapper sees them.
 * Every pair delivered is counted once in `byStatus` and once in exactly one of `executed`,
 * `cached` and `deduplicated` (so the three add up to the verdicts delivered, unless the
 * consumer stopped reading early).
 */
export interface ExecutionStats {
  /** Pairs the backend executed (verdicts that reached the wrappers fresh). */
  executed: number;
  /** Pairs answered from a verdict cache (see {@link withVerdictCache}). */
  cached: number;
  /** Pairs answered by an identical pair in flight (see {@link withDeduplication}). */
  deduplicated: number;
  /** Verdicts delivered to the caller, by status. */
  byStatus: Record<VerdictStatus, number>;
}

/**
 * An executor made by one of this package's wrappers ({@link withVerdictCache},
 * {@link withDeduplication}): a core `Executor` that also counts what it did. A wrapper's `stats`
 * include those of the wrappers inside it, so read them on the outermost one.
 */
export interface WrappedExecutor extends Executor {
  /** A snapshot of the counts so far (a new object on every read). */
  readonly stats: ExecutionStats;
}

/** Counters a wrapper keeps for itself. */
export interface StatsCounters {
  executed: number;
  cached: number;
  deduplicated: number;
  byStatus: Record<VerdictStatus, number>;
}

const wrappers = new WeakMap<Executor, () => ExecutionStats>();

/** Fresh counters, all zero. */
export function createCounters(): StatsCounters {
  return {
    executed: 0,
    cached: 0,
    deduplicated: 0,
    byStatus: Object.fromEntries(verdictStatuses.map((status) => [status, 0])) as Record<
      VerdictStatus,
      number
    >,
  };
}

/** True for an executor made by one of this package's wrappers (it counts for itself). */
export function isWrapper(executor: Executor): boolean {
  return wrappers.has(executor);
}

/** The stats of an executor made by one of this package's wrappers; undefined for any other. */
function wrapperStats(executor: Executor): ExecutionStats | undefined {
  return wrappers.get(executor)?.();
}

/**
 * Marks `wrapper` as a wrapper of `inner` and gives it a `stats` getter: its own counters, plus
 * what the wrappers inside it counted. When `inner` is a backend (no stats of its own), the
 * wrapper's counters hold what reached it from the backend.
 */
export function attachStats<T extends Executor>(
  wrapper: T,
  inner: Executor,
  counters: StatsCounters,
): T & WrappedExecutor {
  const read = (): ExecutionStats => {
    const below = wrapperStats(inner);
    return {
      executed: below === undefined ? counters.executed : below.executed,
      cached: counters.cached + (below?.cached ?? 0),
      deduplicated: counters.deduplicated + (below?.deduplicated ?? 0),
      byStatus: { ...counters.byStatus },
    };
  };
  Object.defineProperty(wrapper, "stats", { get: read, enumerable: true });
  wrappers.set(wrapper, read);
  return wrapper as T & WrappedExecutor;
}
