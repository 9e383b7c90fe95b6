import { CodermError, type ExecutionRequest, type Executor, type UnitTest } from "@coderm/core";
import { attachStats, createCounters, type WrappedExecutor } from "./execution-stats.js";
import { candidateKey, executionContexts, testKey } from "./pair-keys.js";
import { Relay } from "./relay.js";

/** A pair that waits for an identical pair in flight. */
interface Waiter {
  relay: Relay<Group, string>;
  request: ExecutionRequest;
  test: UnitTest;
}

/**
 * The pairs in flight of one (context, candidate key), by test key: the pairs waiting for each
 * (null while none waits).
 */
interface Group {
  key: string;
  tests: Map<string, Waiter[] | null>;
}

/**
 * Wraps an executor so that identical pairs in flight run once: a pair is identical to another
 * when (the executor's fingerprint, the language, the limits, the candidate's key, the test's
 * content key) are equal, within one `execute` call and across concurrent ones. The first such
 * pair goes to the inner executor (one request per candidate); the others wait and get a copy of
 * its verdict under their own ids. When the execution running a pair ends without its verdict
 * (cancelled, failed), a waiting caller runs it itself. Candidates are keyed by content id (see
 * {@link candidateKey}): only byte-identical programs share a verdict, since a program can observe
 * anything else about its text (line numbers, comments, its own source). Counts are in `stats`
 * (`deduplicated` here).
 */
export function withDeduplication(executor: Executor): WrappedExecutor {
  const counters = createCounters();
  /** Pairs in flight by (context, candidate key), then by test key. */
  const inFlight = new Map<string, Group>();
  let closed = false;

  /** The pair is done with: its group forgets it, and the waiters it had. */
  const take = (group: Group, test: string): Waiter[] | null | undefined => {
    const waiters = group.tests.get(test);
    group.tests.delete(test);
    if (group.tests.size === 0 && inFlight.get(group.key) === group) inFlight.delete(group.key);
    return waiters;
  };

  const wrapper: Executor = {
    name: executor.name,
    capabilities: executor.capabilities,
    fingerprint: () => executor.fingerprint(),
    execute(requests, options = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      let contextOf: ReturnType<typeof executionContexts> | undefined;
      const relay: Relay<Group, string> = new Relay(executor, options, counters, {
        fresh(group, test, verdict) {
          relay.deliver(verdict);
          const waiters = take(group, test);
          if (waiters === null || waiters === undefined) return;
          for (const waiter of waiters) {
            if (!waiter.relay.detached) {
              counters.deduplicated += 1;
              waiter.relay.deliver({
                ...verdict,
                candidateId: waiter.request.candidate.id,
                testId: waiter.test.id,
              });
            }
            waiter.relay.release();
          }
        },
        // The execution running the pair ended without its verdict: the first live waiter runs it.
        orphaned(group, test) {
          const waiters = (take(group, test) ?? []).filter((waiter) => {
            if (!waiter.relay.detached) return true;
            waiter.relay.release();
            return false;
          });
          const next = waiters.shift();
          if (next === undefined) return;
          let current = inFlight.get(group.key);
          if (current === undefined) {
            current = { key: group.key, tests: new Map() };
            inFlight.set(group.key, current);
          }
          current.tests.set(test, waiters.length === 0 ? null : waiters);
          next.relay.forward(next.request, [next.test], current, [test]);
          next.relay.release();
        },
      });
      return relay.run(requests, (batch, fingerprint) => {
        contextOf ??= executionContexts(fingerprint);
        for (const request of batch) {
          const key = `${contextOf(request)}:${candidateKey(request)}`;
          let group = inFlight.get(key);
          if (group === undefined) {
            group = { key, tests: new Map() };
            inFlight.set(key, group);
          }
          relay.expect(request.tests.length);
          let leading: UnitTest[] | undefined;
          let leadingKeys: string[] | undefined;
          request.tests.forEach((test, index) => {
            const pair = testKey(test);
            const waiters = group.tests.get(pair);
            if (waiters === undefined) {
              group.tests.set(pair, null);
              leading?.push(test);
              if (leadingKeys === undefined) leadingKeys = [pair];
              else leadingKeys.push(pair);
              return;
            }
            // From the first waiting test on, the leading tests are listed one by one (all tests
            // before it lead).
            leading ??= request.tests.slice(0, index);
            const waiting = { relay, request, test };
            if (waiters === null) group.tests.set(pair, [waiting]);
            else waiters.push(waiting);
            relay.hold();
          });
          if (leadingKeys === undefined) continue;
          relay.forward(request, leading ?? request.tests, group, leadingKeys);
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await executor.close();
    },
  };
  return attachStats(wrapper, executor, counters);
}
