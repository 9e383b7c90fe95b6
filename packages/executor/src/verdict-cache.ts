import type { Verdict } from "@coderm/core";

/** What a verdict cache keeps of a verdict: everything but the ids of the pair. */
export type CachedVerdict = Omit<Verdict, "candidateId" | "testId" | "cached">;

/**
 * Verdicts kept across runs, keyed by an execution context (the executor's fingerprint, the
 * language and the limits), a candidate's key (its content id) and a test's content key.
 * {@link withVerdictCache} reads and writes it; {@link createSqliteVerdictCache} is the store.
 */
export interface VerdictCache {
  /** Every cached verdict of a candidate in a context, by test key. */
  lookup(context: string, candidate: string): ReadonlyMap<string, CachedVerdict>;
  /** Stores a verdict; it is durable after the next flush. */
  put(context: string, candidate: string, test: string, verdict: CachedVerdict): void;
  /** Writes pending verdicts now. */
  flush(): void;
  /** Flushes and closes the store. */
  close(): void;
}
