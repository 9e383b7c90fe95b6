import {
  AsyncQueue,
  CodermError,
  type ExecuteOptions,
  type ExecutionRequest,
  type Executor,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { checkExecutionRequest } from "./check-execution-request.js";
import { isWrapper, type StatsCounters } from "./execution-stats.js";
import { requestBatches } from "./request-batches.js";
import { VerdictStream } from "./verdict-stream.js";

/** What a wrapper does with the verdicts of the pairs it forwarded. */
export interface RelayHooks<R, T> {
  /**
   * A fresh verdict of a forwarded pair, with the caller's candidate id again: `data` is what
   * the wrapper forwarded the request with, `ticket` what it forwarded the test with.
   */
  fresh(data: R, ticket: T, verdict: Verdict): void;
  /** A forwarded pair whose verdict will never come (the inner execution ended without it). */
  orphaned?(data: R, ticket: T): void;
  /** Called once when the caller's stream ends, however it ends. */
  ended?(): void;
}

/** A forwarded request: the caller's candidate id, and each test's ticket. */
interface Route<R, T> {
  candidateId: string;
  data: R;
  tests: readonly UnitTest[];
  tickets: T[];
  /** Verdicts usually come in test order: tests before `cursor` have theirs. */
  cursor: number;
  /** Once a verdict came out of order: which tests have theirs, and where each test id is. */
  scattered: { done: Uint8Array; positions: Map<string, number[]> } | undefined;
  remaining: number;
}

/** Requests taken from the caller's stream at once (candidate keys are computed per batch). */
const batchSize = 256;

/**
 * One `execute` call of a wrapper: it validates the caller's requests, lets the wrapper answer
 * pairs itself (`deliver`), forwards the rest to the inner executor with one request per
 * candidate (`forward`; the inner execution starts with the first one, so a run answered wholly
 * by the wrapper starts none), routes the inner verdicts back, and ends the caller's stream once
 * every pair has its verdict. Forwarded candidates carry a private id, so verdicts find their
 * request whatever ids the caller used. Between wrappers verdicts pass by callback, not by
 * iteration.
 */
export class Relay<R, T> {
  readonly #inner: Executor;
  readonly #signal: AbortSignal | undefined;
  readonly #counters: StatsCounters;
  readonly #countInner: boolean;
  readonly #hooks: RelayHooks<R, T>;
  readonly #output: VerdictStream<Verdict>;
  #forward: AsyncQueue<ExecutionRequest> | undefined;
  readonly #routes = new Map<string, Route<R, T>>();
  #nextToken = 0;
  /** Verdicts still owed to the caller, plus one until the caller's requests are all read. */
  #outstanding = 1;
  /** Reasons to keep the inner request stream open: the caller's input, and waiting pairs. */
  #holds = 1;
  #detached = false;
  readonly #abort = () => this.fail(new CodermError("cancelled", "execution was cancelled"));

  constructor(
    inner: Executor,
    options: ExecuteOptions,
    counters: StatsCounters,
    hooks: RelayHooks<R, T>,
  ) {
    this.#inner = inner;
    this.#signal = options.signal;
    this.#counters = counters;
    this.#countInner = !isWrapper(inner);
    this.#hooks = hooks;
    this.#output = new VerdictStream(() => this.#end());
  }

  /** True once the caller's stream has ended (normally, with an error, or abandoned). */
  get detached(): boolean {
    return this.#detached;
  }

  /**
   * Runs the caller's requests: `plan` gets them validated, in batches, with the inner
   * executor's fingerprint, and must account for every pair (`expect`, then `deliver` or
   * `forward`, or `hold` until another relay delivers it).
   */
  run(
    requests: Iterable<ExecutionRequest> | AsyncIterable<ExecutionRequest>,
    plan: (batch: ExecutionRequest[], fingerprint: string) => void | Promise<void>,
  ): AsyncIterable<Verdict> {
    if (this.#signal?.aborted) this.#abort();
    else this.#signal?.addEventListener("abort", this.#abort, { once: true });
    (async () => {
      const fingerprint = await this.#inner.fingerprint();
      let index = 0;
      for await (const batch of requestBatches(requests, batchSize)) {
        if (this.#detached) return;
        const checked = batch.map((raw) => checkExecutionRequest(raw, index++));
        await plan(checked, fingerprint);
      }
      this.release();
      this.#settle();
    })().catch((error: unknown) => this.fail(error));
    return this.#output;
  }

  /** Owes the caller `count` more verdicts. */
  expect(count: number): void {
    this.#outstanding += count;
  }

  /** Gives the caller one verdict it is owed (ignored once its stream has ended). */
  deliver(verdict: Verdict): void {
    if (this.#detached) return;
    this.#counters.byStatus[verdict.status] += 1;
    this.#output.push(verdict);
    this.#settle();
  }

  /** Keeps the inner request stream open: a pair waits on another relay, which may hand it back. */
  hold(): void {
    this.#holds += 1;
  }

  /** Drops one reason to keep the inner request stream open. */
  release(): void {
    this.#holds -= 1;
    if (this.#holds === 0) this.#forward?.end();
  }

  /**
   * Sends `tests` of `request` to the inner executor, `tickets[i]` for `tests[i]`. After the
   * caller's stream has ended, nothing is sent and the pairs are reported orphaned at once.
   */
  forward(request: ExecutionRequest, tests: readonly UnitTest[], data: R, tickets: T[]): void {
    if (this.#detached) {
      for (const ticket of tickets) this.#hooks.orphaned?.(data, ticket);
      return;
    }
    const token = String(this.#nextToken++);
    this.#routes.set(token, {
      candidateId: request.candidate.id,
      data,
      tests,
      tickets,
      cursor: 0,
      scattered: undefined,
      remaining: tests.length,
    });
    if (this.#forward === undefined) {
      this.#forward = new AsyncQueue();
      this.#pump(this.#forward);
    }
    this.#forward.push({
      ...request,
      candidate: { ...request.candidate, id: token },
      tests: tests as UnitTest[],
    });
  }

  /** Ends the caller's stream with an error (once). */
  fail(error: unknown): void {
    this.#end(error);
  }

  /** Ends the caller's stream: every verdict delivered, the caller gone, or an error. */
  #end(error?: unknown): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#signal?.removeEventListener("abort", this.#abort);
    this.#output.end(error);
    this.#forward?.end();
    this.#hooks.ended?.();
  }

  #settle(): void {
    this.#outstanding -= 1;
    if (this.#outstanding === 0) this.#end();
  }

  /** Runs the inner execution over the forwarded requests, routing its verdicts back. */
  #pump(requests: AsyncQueue<ExecutionRequest>): void {
    const finish = (failure: unknown) => this.#pumpEnded(failure);
    let verdicts: AsyncIterable<Verdict>;
    try {
      verdicts = this.#inner.execute(
        requests,
        this.#signal === undefined ? {} : { signal: this.#signal },
      );
    } catch (error) {
      finish(error);
      return;
    }
    if (verdicts instanceof VerdictStream) {
      verdicts.subscribe((verdict: Verdict) => this.#route(verdict), finish);
      return;
    }
    (async () => {
      for await (const verdict of verdicts) this.#route(verdict);
    })().then(() => finish(undefined), finish);
  }

  #route(verdict: Verdict): void {
    const route = this.#routes.get(verdict.candidateId);
    if (route === undefined) return;
    let position = route.cursor;
    if (
      route.scattered === undefined &&
      position < route.tests.length &&
      route.tests[position]!.id === verdict.testId
    ) {
      route.cursor += 1;
    } else {
      const found = scatteredPosition(route, verdict.testId);
      if (found === undefined) return;
      position = found;
    }
    route.remaining -= 1;
    if (route.remaining === 0) this.#routes.delete(verdict.candidateId);
    if (this.#countInner) {
      if (verdict.cached === true) this.#counters.cached += 1;
      else this.#counters.executed += 1;
    }
    verdict.candidateId = route.candidateId;
    this.#hooks.fresh(route.data, route.tickets[position]!, verdict);
  }

  #pumpEnded(failure: unknown): void {
    if (failure === undefined && this.#routes.size === 0) return;
    this.fail(
      failure ??
        new CodermError(
          "internal",
          `the ${this.#inner.name} executor ended its stream without a verdict for every pair`,
        ),
    );
    const orphans = [...this.#routes.values()];
    this.#routes.clear();
    for (const route of orphans) {
      for (let position = 0; position < route.tests.length; position++) {
        const done =
          route.scattered === undefined
            ? position < route.cursor
            : route.scattered.done[position] === 1;
        if (!done) this.#hooks.orphaned?.(route.data, route.tickets[position]!);
      }
    }
  }
}

/** Where a verdict that came out of test order belongs (undefined when no test awaits it). */
function scatteredPosition<R, T>(route: Route<R, T>, testId: string): number | undefined {
  if (route.scattered === undefined) {
    const done = new Uint8Array(route.tests.length);
    done.fill(1, 0, route.cursor);
    const positions = new Map<string, number[]>();
    route.tests.forEach((test, position) => {
      if (position < route.cursor) return;
      const list = positions.get(test.id);
      if (list === undefined) positions.set(test.id, [position]);
      else list.push(position);
    });
    route.scattered = { done, positions };
  }
  const position = route.scattered.positions.get(testId)?.shift();
  if (position !== undefined) route.scattered.done[position] = 1;
  return position;
}
