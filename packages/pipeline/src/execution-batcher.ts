import { CodermError, type ExecutionRequest, type Executor, type Verdict } from "@coderm/core";

/** Settings of {@link createExecutionBatcher}. */
export interface ExecutionBatcherSettings {
  /** How long the first request of a batch waits for others to join it (5 ms by default). */
  maxWaitMs?: number;
  /** Requests in one batch at most (256 by default); a full batch leaves at once. */
  maxBatchSize?: number;
}

/** One request's progress in an {@link ExecutionBatcher}. */
export interface BatchedExecution {
  /** The verdicts received so far, by test id. */
  readonly verdicts: ReadonlyMap<string, Verdict>;
  /**
   * Resolves when every test of the request has its verdict; rejects when the executor fails
   * before that (a `CodermError`: the caller may retry) or the batcher is closed.
   */
  readonly done: Promise<ReadonlyMap<string, Verdict>>;
}

/** Options of {@link ExecutionBatcher.submit}. */
export interface SubmitOptions {
  /** Called with each verdict of the request as it arrives. */
  onVerdict?: (verdict: Verdict) => void;
}

/** Coalesces requests made at about the same time into one executor call. */
export interface ExecutionBatcher {
  /** Queues a request for the next batch. */
  submit(request: ExecutionRequest, options?: SubmitOptions): BatchedExecution;
  /** Requests queued or running. */
  readonly pending: number;
  /** Batches sent to the executor so far. */
  readonly batches: number;
  /** Refuses new requests and waits for those running to finish. */
  close(): Promise<void>;
}

interface Entry {
  request: ExecutionRequest;
  onVerdict: ((verdict: Verdict) => void) | undefined;
  verdicts: Map<string, Verdict>;
  resolve(verdicts: ReadonlyMap<string, Verdict>): void;
  reject(error: unknown): void;
  settled: boolean;
}

/**
 * Creates a batcher over an executor: requests submitted within `maxWaitMs` of each other (up to
 * `maxBatchSize`) go to the executor in one `execute` call, and each request's verdicts are
 * routed back to it as they stream in. Identical pairs of concurrent requests run once when the
 * executor deduplicates (see `withDeduplication`); batches run side by side.
 */
export function createExecutionBatcher(
  executor: Executor,
  settings: ExecutionBatcherSettings = {},
): ExecutionBatcher {
  const maxWaitMs = settings.maxWaitMs ?? 5;
  const maxBatchSize = settings.maxBatchSize ?? 256;
  let queued: Entry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let pending = 0;
  let batches = 0;
  let closed = false;
  const running = new Set<Promise<void>>();

  const settle = (entry: Entry, error?: unknown) => {
    if (entry.settled) return;
    entry.settled = true;
    pending -= 1;
    if (error === undefined) entry.resolve(entry.verdicts);
    else entry.reject(error);
  };

  const runBatch = async (entries: Entry[]): Promise<void> => {
    batches += 1;
    // Verdicts are routed by (candidate, test): two requests of a batch may hold the same pair.
    const waiting = new Map<string, Entry[]>();
    for (const entry of entries)
      for (const test of entry.request.tests) {
        const key = `${entry.request.candidate.id}\n${test.id}`;
        waiting.set(key, [...(waiting.get(key) ?? []), entry]);
      }
    try {
      for await (const verdict of executor.execute(entries.map((entry) => entry.request))) {
        const key = `${verdict.candidateId}\n${verdict.testId}`;
        const entry = waiting.get(key)?.shift();
        if (entry === undefined) continue;
        entry.verdicts.set(verdict.testId, verdict);
        entry.onVerdict?.(verdict);
        if (entry.verdicts.size === new Set(entry.request.tests.map((test) => test.id)).size)
          settle(entry);
      }
      for (const entry of entries)
        settle(
          entry,
          new CodermError("unavailable", "the executor ended without every verdict of a request"),
        );
    } catch (error) {
      for (const entry of entries) settle(entry, error);
    }
  };

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    while (queued.length > 0) {
      const entries = queued.slice(0, maxBatchSize);
      queued = queued.slice(maxBatchSize);
      const batch = runBatch(entries).finally(() => running.delete(batch));
      running.add(batch);
    }
  };

  return {
    submit(request, options = {}) {
      if (closed) throw new CodermError("unavailable", "the execution batcher is closed");
      let resolve!: Entry["resolve"];
      let reject!: Entry["reject"];
      const done = new Promise<ReadonlyMap<string, Verdict>>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      // a caller that gives up on a request must not leave an unhandled rejection behind
      done.catch(() => {});
      const entry: Entry = {
        request,
        onVerdict: options.onVerdict,
        verdicts: new Map(),
        resolve,
        reject,
        settled: false,
      };
      pending += 1;
      if (request.tests.length === 0) settle(entry);
      else {
        queued.push(entry);
        if (queued.length >= maxBatchSize) flush();
        else timer ??= setTimeout(flush, maxWaitMs);
      }
      return { verdicts: entry.verdicts, done };
    },
    get pending() {
      return pending;
    },
    get batches() {
      return batches;
    },
    async close() {
      closed = true;
      flush();
      await Promise.all(running);
    },
  };
}
