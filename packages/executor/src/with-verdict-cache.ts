import {
  CodermError,
  type ExecutionRequest,
  type Executor,
  starvedErrorType,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { attachStats, createCounters, type WrappedExecutor } from "./execution-stats.js";
import { candidateKey, executionContexts, testKey } from "./pair-keys.js";
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
  /** Re-runs of starved timeouts before they are delivered uncached (2 by default). */
  confirmationRuns?: number;
}

/**
 * Wraps an executor with a verdict cache. Each pair is looked up under (the executor's
 * fingerprint, the request's language and limits, the candidate's key, the test's content key);
 * cached pairs are answered at once, marked `cached: true`, and only the missing tests of each
 * request go to the inner executor, still one request per candidate. Fresh verdicts are stored
 * as they arrive, so a run killed at any point resumes where it stopped. Candidates are keyed by
 * content id (see {@link candidateKey}): a verdict is only ever shared by byte-identical programs.
 * Counts are in `stats` (`cached` here, the rest from inside).
 *
 * Only confirmed verdicts are stored. A starved timeout (`errorType` {@link starvedErrorType}:
 * the test waited for a CPU longer than the backend allows for, because of another run or any
 * load) says nothing about the program: it is held back, and once every other pair of the call
 * has its verdict, the starved ones run again together (so a cold run re-runs only them, on a
 * quieter machine), up to `confirmationRuns` times. A re-run that is not starved is stored; one
 * still starved is delivered uncached, so the next run tries again. A re-run is an ordinary
 * execution: load can cost a program a re-run, never turn a timeout into a pass.
 */
export function withVerdictCache(
  executor: Executor,
  settings: VerdictCacheSettings = {},
): WrappedExecutor {
  const counters = createCounters();
  let cache = settings.cache;
  let closed = false;
  const open = () => {
    cache ??= createSqliteVerdictCache();
    return cache;
  };
  const confirmationRuns = settings.confirmationRuns ?? 2;

  interface Forwarded {
    context: string;
    candidate: string;
    request: ExecutionRequest;
    /** Which run of these pairs this is: 0 the first, 1 the first re-run of starved timeouts. */
    run: number;
  }
  interface Ticket {
    key: string;
    test: UnitTest;
  }

  const wrapper: Executor = {
    name: executor.name,
    capabilities: executor.capabilities,
    fingerprint: () => executor.fingerprint(),
    execute(requests, options = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      const store = open();
      let contextOf: ReturnType<typeof executionContexts> | undefined;
      // Starved timeouts wait until every pair of the current run has its verdict, then run
      // again together (so a cold run re-runs only them, once the machine is quieter).
      let inFlight = 0;
      let read = 0;
      let planned = 0;
      let sourceDone = false;
      let run = 0;
      let released = false;
      let waiting: { forwarded: Forwarded; ticket: Ticket }[] = [];
      const guard = (work: () => void) => {
        try {
          work();
        } catch (error) {
          relay.fail(error);
        }
      };
      const nextRun = () => {
        if (released || !sourceDone || planned !== read || inFlight > 0 || relay.detached) return;
        const due = waiting;
        waiting = [];
        if (due.length === 0) {
          released = true;
          relay.release();
          return;
        }
        run += 1;
        const byRequest = new Map<ExecutionRequest, { forwarded: Forwarded; tickets: Ticket[] }>();
        for (const { forwarded, ticket } of due) {
          const group = byRequest.get(forwarded.request);
          if (group === undefined)
            byRequest.set(forwarded.request, {
              forwarded: { ...forwarded, run },
              tickets: [ticket],
            });
          else group.tickets.push(ticket);
        }
        for (const { forwarded, tickets } of byRequest.values()) {
          inFlight += tickets.length;
          relay.forward(
            forwarded.request,
            tickets.map((ticket) => ticket.test),
            forwarded,
            tickets,
          );
        }
      };
      const starved = (verdict: Verdict) =>
        verdict.status === "timeout" && verdict.errorType === starvedErrorType;
      const relay: Relay<Forwarded, Ticket> = new Relay(executor, options, counters, {
        fresh(forwarded, ticket, verdict) {
          inFlight -= 1;
          guard(() => {
            const unconfirmed = starved(verdict);
            if (unconfirmed && forwarded.run < confirmationRuns) {
              waiting.push({ forwarded, ticket });
              return;
            }
            if (!unconfirmed) {
              const { candidateId: _candidate, testId: _test, cached: _cached, ...kept } = verdict;
              store.put(forwarded.context, forwarded.candidate, ticket.key, kept as CachedVerdict);
            }
            relay.deliver(verdict);
          });
          nextRun();
        },
        orphaned() {
          inFlight -= 1;
        },
        ended: () => guard(() => store.flush()),
      });
      relay.hold();
      const tracked = (source: typeof requests) => {
        const done = () => {
          sourceDone = true;
          nextRun();
        };
        if (Symbol.asyncIterator in source)
          return (async function* () {
            for await (const request of source as AsyncIterable<ExecutionRequest>) {
              read += 1;
              yield request;
            }
            done();
          })();
        return (function* () {
          for (const request of source as Iterable<ExecutionRequest>) {
            read += 1;
            yield request;
          }
          done();
        })();
      };
      return relay.run(tracked(requests), (batch, fingerprint) => {
        contextOf ??= executionContexts(fingerprint);
        for (const request of batch) {
          const context = contextOf(request);
          const candidate = candidateKey(request);
          const stored = store.lookup(context, candidate);
          relay.expect(request.tests.length);
          const missing: typeof request.tests = [];
          const tickets: Ticket[] = [];
          for (const test of request.tests) {
            const key = testKey(test);
            const hit = stored.get(key);
            if (hit === undefined) {
              missing.push(test);
              tickets.push({ key, test });
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
          if (missing.length > 0) {
            inFlight += missing.length;
            relay.forward(request, missing, { context, candidate, request, run: 0 }, tickets);
          }
        }
        planned += batch.length;
        nextRun();
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
  return attachStats(wrapper, executor, counters);
}
