import { CodermError, type Executor, type Verdict } from "@coderm/core";
import { attachStats, createCounters, type WrappedExecutor } from "./execution-stats.js";
import { type CandidateKeying, candidateKeys, executionContexts, testKey } from "./pair-keys.js";
import { Relay } from "./relay.js";
import { createSqliteVerdictCache } from "./sqlite-verdict-cache.js";
import type { CachedVerdict, VerdictCache } from "./verdict-cache.js";

/** Settings of {@link withVerdictCache}. */
export interface VerdictCacheSettings {
  /**
   * Where verdicts persist; default: {@link createSqliteVerdictCache} at its default path, opened
   * on first use. The wrapper owns it: closing the executor closes the cache.
   */
  cache?: VerdictCache;
  /** How candidates are keyed (`program` by default: see {@link CandidateKeying}). */
  candidateKeys?: CandidateKeying;
}

/**
 * Wraps an executor with a verdict cache. Each pair is looked up under (the executor's
 * fingerprint, the request's language and limits, the candidate's key, the test's content key);
 * cached pairs are answered at once, marked `cached: true`, and only the missing tests of each
 * request go to the inner executor, still one request per candidate. Fresh verdicts are stored
 * as they arrive, so a run killed at any point resumes where it stopped. Candidates are keyed by
 * the executor's `programKeys` where it has them (remembered in the cache, so a warm run starts no
 * parser), else by content id. Counts are in `stats` (`cached` here, the rest from inside).
 */
export function withVerdictCache(
  executor: Executor,
  settings: VerdictCacheSettings = {},
): WrappedExecutor {
  const counters = createCounters();
  const keying = settings.candidateKeys ?? "program";
  let cache = settings.cache;
  let closed = false;
  const open = () => {
    cache ??= createSqliteVerdictCache();
    return cache;
  };

  interface Forwarded {
    context: string;
    candidate: string;
  }

  const wrapper: Executor = {
    name: executor.name,
    capabilities: executor.capabilities,
    fingerprint: () => executor.fingerprint(),
    execute(requests, options = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      const store = open();
      let contextOf: ReturnType<typeof executionContexts> | undefined;
      const relay: Relay<Forwarded, string> = new Relay(executor, options, counters, {
        fresh(forwarded, test, verdict) {
          const { candidateId: _candidate, testId: _test, cached: _cached, ...kept } = verdict;
          store.put(forwarded.context, forwarded.candidate, test, kept as CachedVerdict);
          relay.deliver(verdict);
        },
        ended: () => store.flush(),
      });
      return relay.run(requests, async (batch, fingerprint) => {
        contextOf ??= executionContexts(fingerprint);
        const keys = await candidateKeys(executor, fingerprint, batch, keying, store);
        if (relay.detached) return;
        batch.forEach((request, position) => {
          const context = contextOf!(request);
          const candidate = keys[position]!;
          const stored = store.lookup(context, candidate);
          relay.expect(request.tests.length);
          const missing: typeof request.tests = [];
          const missingKeys: string[] = [];
          for (const test of request.tests) {
            const key = testKey(test);
            const hit = stored.get(key);
            if (hit === undefined) {
              missing.push(test);
              missingKeys.push(key);
              continue;
            }
            counters.cached += 1;
            relay.deliver({
              ...hit,
              candidateId: request.candidate.id,
              testId: test.id,
              cached: true,
            } as Verdict);
          }
          if (missing.length > 0)
            relay.forward(request, missing, { context, candidate }, missingKeys);
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await executor.close();
      } finally {
        cache?.close();
      }
    },
  };
  if (executor.programKeys !== undefined)
    wrapper.programKeys = (programs, language) => executor.programKeys!(programs, language);
  return attachStats(wrapper, executor, counters);
}
