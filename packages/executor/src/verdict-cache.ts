import type { Verdict } from "@coderm/core";

/** What a verdict cache keeps of a verdict: everything but the ids of the pair. */
export type CachedVerdict = Omit<Verdict, "candidateId" | "testId" | "cached">;

/**
 * Verdicts kept across runs, keyed by an execution context (the executor's fingerprint, the
 * language and the limits), a candidate's key and a test's content key; and, beside them, the
 * program keys an executor computed (see `Executor.programKeys`), so a warm run needs no parser.
 * {@link withVerdictCache} reads and writes it; {@link createSqliteVerdictCache} is the store.
 */
export interface VerdictCache {
  /** Every cached verdict of a candidate in a context, by test key. */
  lookup(context: string, candidate: string): ReadonlyMap<string, CachedVerdict>;
  /** Stores a verdict; it is durable after the next flush. */
  put(context: string, candidate: string, test: string, verdict: CachedVerdict): void;
  /**
   * The program key remembered for a program's text key: a key, null when the executor could not
   * key the program, undefined when unknown.
   */
  programKey(textKey: string): string | null | undefined;
  /** Remembers a program's key (written with the next flush). */
  rememberProgramKey(textKey: string, programKey: string | null): void;
  /** Writes pending verdicts and program keys now. */
  flush(): void;
  /** Flushes and closes the store. */
  close(): void;
}
