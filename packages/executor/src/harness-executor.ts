import {
  AsyncQueue,
  CodermError,
  candidateSchema,
  contentId,
  type ExecuteOptions,
  type ExecutionRequest,
  type Executor,
  type ExecutorCapabilities,
  executionLimitsSchema,
  jsonContentId,
  resolvePython,
  sha256,
  type UnitTest,
  unitTestSchema,
  type Verdict,
  type VerdictStatus,
  verdictStatuses,
} from "@coderm/core";
import type { z } from "zod";
import { ProgramKeys } from "./program-keys.js";
import {
  type CachedVerdict,
  createSqliteVerdictCache,
  type VerdictCache,
} from "./verdict-cache.js";
import type { HarnessResult, HarnessWorker } from "./worker.js";
import { type HarnessLimits, type HarnessTest, type JobHandle, WorkerPool } from "./worker-pool.js";

/** Where a harness executor's workers come from. */
export interface WorkerSupply {
  /** How many workers run at once. */
  size: number;
  /** Starts the worker of a slot (0 .. size - 1): at start, and to replace one that ended. */
  start(slot: number): Promise<HarnessWorker>;
  /** Releases what the supply holds (called after every worker is gone). */
  close?(): Promise<void>;
}

/** Settings shared by every executor built on the Python harness. */
export interface HarnessExecutorOptions {
  /** A verdict cache, or false for none; default: the SQLite store under the cache directory. */
  cache?: VerdictCache | false;
  /** Grace past a test's deadline before a silent worker is killed (2000 ms). */
  watchdogGraceMs?: number;
  /**
   * How candidates count as identical: `syntax-tree` (default) when they parse to the same tree,
   * whatever their formatting and comments; `text` when their normalized text is equal.
   */
  deduplicate?: "syntax-tree" | "text";
  /**
   * Local Python interpreter for syntax-tree keys (and, for the local executor, for the workers);
   * default `CODERM_PYTHON`, else `python3` resolved to its real executable.
   */
  python?: string;
}

/** What a backend gives {@link createHarnessExecutor}. */
export interface HarnessExecutorSettings extends HarnessExecutorOptions {
  /** The backend's name (`local`, `docker`). */
  name: string;
  capabilities: ExecutorCapabilities;
  /** The isolation label verdicts are cached under (`process`, `bwrap`, `docker`). */
  sandbox: string;
  /** Starts the workers' supply (once, on first use). */
  startWorkers(): Promise<WorkerSupply>;
}

/** Counts of what an executor did since it was created. */
export interface ExecutorStats {
  /** (candidate, test) pairs executed. */
  executed: number;
  /** Pairs answered from the verdict cache. */
  cached: number;
  /** Pairs answered by an identical pair of the same run. */
  deduplicated: number;
  /** Verdicts delivered, by status. */
  byStatus: Record<VerdictStatus, number>;
}

/** An {@link Executor} running the Python harness on a pool of warm workers. */
export interface HarnessExecutor extends Executor {
  /** Starts the workers now (otherwise the first `execute` does); rejects when they cannot start. */
  start(): Promise<void>;
  readonly stats: ExecutorStats;
  /**
   * How candidates are confined once started: the sandbox level plus what the harness could apply
   * on top (`landlock-v7`, `seccomp`; see THREAT-MODEL.md).
   */
  readonly confinement: readonly string[];
}

interface Waiter {
  candidateId: string;
  testId: string;
  queue: AsyncQueue<Verdict>;
  settle: () => void;
}

/**
 * The core every harness backend shares: request validation, the verdict cache, deduplication of
 * identical (candidate, test, limits) pairs, streaming, cancellation. Verdicts are identical
 * whichever supply runs the workers, since the harness is the same.
 */
export function createHarnessExecutor(settings: HarnessExecutorSettings): HarnessExecutor {
  const { sandbox, capabilities } = settings;
  const stats: ExecutorStats = {
    executed: 0,
    cached: 0,
    deduplicated: 0,
    byStatus: Object.fromEntries(verdictStatuses.map((status) => [status, 0])) as Record<
      VerdictStatus,
      number
    >,
  };
  let cache: VerdictCache | undefined;
  let pool: WorkerPool | undefined;
  let supply: WorkerSupply | undefined;
  let programKeys: ProgramKeys | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;
  const inFlight = new Map<string, Waiter[]>();
  // Tests are usually shared by many requests (every candidate of a problem), so their harness
  // form and content key are computed once per test object.
  const testForms = new WeakMap<UnitTest, { test: HarnessTest; key: string }>();
  const harnessForm = (test: UnitTest) => {
    let form = testForms.get(test);
    if (form === undefined) {
      const harnessTest = toHarnessTest(test);
      form = { test: harnessTest, key: jsonContentId(harnessTest) };
      testForms.set(test, form);
    }
    return form;
  };

  const start = () => {
    starting ??= (async () => {
      supply = await settings.startWorkers();
      pool = new WorkerPool({
        size: supply.size,
        start: supply.start,
        ...(settings.watchdogGraceMs === undefined
          ? {}
          : { watchdogGraceMs: settings.watchdogGraceMs }),
      });
      await pool.start();
      if ((settings.deduplicate ?? "syntax-tree") === "syntax-tree")
        programKeys = new ProgramKeys((await resolvePython(settings.python)).executable);
      cache = settings.cache === false ? undefined : (settings.cache ?? createSqliteVerdictCache());
    })();
    return starting;
  };

  // Syntax-tree keys of programs, remembered in the cache so a warm run needs no parsing.
  const syntaxTreeKeys = async (programs: readonly string[]): Promise<(string | null)[]> => {
    if (programKeys === undefined) return programs.map(() => null);
    const textKeys = programs.map((program) =>
      sha256(`${pool!.versions.python}:${contentId(program)}`),
    );
    const keys = textKeys.map((textKey) => cache?.programKey(textKey));
    const unknown = keys.flatMap((treeKey, position) => (treeKey === undefined ? [position] : []));
    if (unknown.length > 0) {
      const computed = await programKeys.keys(unknown.map((position) => programs[position]!));
      unknown.forEach((position, index) => {
        keys[position] = computed[index] ?? null;
        cache?.rememberProgramKey(textKeys[position]!, keys[position]!);
      });
    }
    return keys as (string | null)[];
  };

  const deliver = (waiter: Waiter, verdict: CachedVerdict, cached: boolean) => {
    stats.byStatus[verdict.status] += 1;
    waiter.queue.push({
      ...verdict,
      candidateId: waiter.candidateId,
      testId: waiter.testId,
      ...(cached ? { cached: true } : {}),
    });
    waiter.settle();
  };

  return {
    name: settings.name,
    capabilities,
    stats,
    get confinement() {
      return pool === undefined ? [] : [sandbox, ...pool.versions.confinement];
    },
    start,
    execute(requests, options: ExecuteOptions = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      const queue = new AsyncQueue<Verdict>();
      const handles = new Set<JobHandle>();
      let outstanding = 1;
      const settle = () => {
        outstanding -= 1;
        if (outstanding === 0) queue.end();
      };
      const abort = () => {
        const reason = new CodermError("cancelled", "execution was cancelled");
        for (const handle of handles) handle.cancel(reason);
        queue.end(reason);
      };
      options.signal?.addEventListener("abort", abort, { once: true });

      (async () => {
        await start();
        const context = sha256(
          JSON.stringify([
            pool!.versions.harness,
            pool!.versions.python,
            sandbox,
            pool!.versions.confinement,
          ]),
        );
        const submit = (request: ExecutionRequest, treeKey: string | null) => {
          const limits: HarnessLimits = { ...request.limits };
          const limitsContext = sha256(
            `${context}:${request.limits.timeMs}:${request.limits.memoryMb}:${request.limits.outputBytes}`,
          );
          const candidateKey =
            treeKey === null ? contentId(request.candidate.code) : sha256(`syntax-tree:${treeKey}`);
          const stored =
            cache?.lookup(limitsContext, candidateKey) ?? new Map<string, CachedVerdict>();
          const missing: { test: HarnessTest; key: string }[] = [];
          for (const test of request.tests) {
            const { test: harnessTest, key: testKey } = harnessForm(test);
            outstanding += 1;
            const waiter: Waiter = {
              candidateId: request.candidate.id,
              testId: test.id,
              queue,
              settle,
            };
            const hit = stored.get(testKey);
            if (hit !== undefined) {
              stats.cached += 1;
              deliver(waiter, hit, true);
              continue;
            }
            const pairKey = `${limitsContext}:${candidateKey}:${testKey}`;
            const waiting = inFlight.get(pairKey);
            if (waiting !== undefined) {
              stats.deduplicated += 1;
              waiting.push(waiter);
              continue;
            }
            inFlight.set(pairKey, [waiter]);
            missing.push({ test: harnessTest, key: testKey });
          }
          if (missing.length === 0) return;
          const handle = pool!.submit({
            program: request.candidate.code,
            tests: missing.map((entry) => entry.test),
            limits,
            onResult: (result) => {
              const { key } = missing[result.index]!;
              const verdict = toVerdict(result);
              stats.executed += 1;
              cache?.put(limitsContext, candidateKey, key, verdict);
              const pairKey = `${limitsContext}:${candidateKey}:${key}`;
              const waiters = inFlight.get(pairKey) ?? [];
              inFlight.delete(pairKey);
              for (const waiter of waiters) deliver(waiter, verdict, false);
            },
            onEnd: (error) => {
              handles.delete(handle);
              if (error !== undefined) queue.end(error);
            },
          });
          handles.add(handle);
        };
        let index = 0;
        for await (const batch of batches(requests, 256)) {
          if (options.signal?.aborted) return;
          const checked = batch.map((raw) => checkRequest(raw, index++));
          const treeKeys = await syntaxTreeKeys(checked.map((request) => request.candidate.code));
          for (const [position, request] of checked.entries())
            submit(request, treeKeys[position] ?? null);
        }
        settle();
      })().catch((error: unknown) => queue.end(error));

      return (async function* () {
        try {
          yield* queue;
        } finally {
          options.signal?.removeEventListener("abort", abort);
          cache?.flush();
        }
      })();
    },
    async close() {
      if (closed) return;
      closed = true;
      await starting?.catch(() => {});
      await pool?.close();
      await supply?.close?.();
      programKeys?.close();
      cache?.close();
    },
  };
}

/**
 * Groups an iterable's items into arrays of at most `size`. An asynchronous source's batch is cut
 * short whenever its next item is not ready at once, so a slow producer's items start promptly.
 */
async function* batches<T>(
  items: Iterable<T> | AsyncIterable<T>,
  size: number,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  if (!(Symbol.asyncIterator in items)) {
    for (const item of items) {
      batch.push(item);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  const iterator = items[Symbol.asyncIterator]();
  const idle = Symbol("idle");
  let pending = iterator.next();
  while (true) {
    const next =
      batch.length === 0
        ? await pending
        : await Promise.race([
            pending,
            new Promise<typeof idle>((resolve) => setImmediate(resolve, idle)),
          ]);
    if (next === idle) {
      yield batch;
      batch = [];
      continue;
    }
    if (next.done) break;
    batch.push(next.value);
    pending = iterator.next();
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const checkedTests = new WeakSet<object>();

/**
 * Validates a request in place (tests are checked once per test object, since many requests share
 * them) and returns it; a bad request is a typed error naming the request and the field.
 */
function checkRequest(raw: ExecutionRequest, index: number): ExecutionRequest {
  const item = typeof raw?.candidate?.id === "string" ? raw.candidate.id : `#${index}`;
  const fail = (field: string, message: string, cause?: unknown): never => {
    throw new CodermError("invalid-input", `bad execution request: ${message}`, {
      item,
      field,
      cause,
    });
  };
  if (typeof raw !== "object" || raw === null) fail("", "expected an object");
  const validate = (schema: z.ZodType, value: unknown, prefix: string) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      fail([prefix, ...issue.path].join("."), issue.message, parsed.error);
    }
  };
  validate(candidateSchema, raw.candidate, "candidate");
  if (!raw.candidate.code.isWellFormed()) {
    fail("candidate.code", "the code is not valid Unicode (lone surrogates)");
  }
  validate(executionLimitsSchema, raw.limits, "limits");
  if (!Array.isArray(raw.tests)) fail("tests", "expected an array of tests");
  raw.tests.forEach((test, position) => {
    if (typeof test === "object" && test !== null && checkedTests.has(test)) return;
    validate(unitTestSchema, test, `tests[${position}]`);
    for (const field of ["code", "stdin", "expectedStdout"] as const) {
      const text = (test as Record<string, unknown>)[field];
      if (typeof text === "string" && !text.isWellFormed())
        fail(`tests[${position}].${field}`, "not valid Unicode (lone surrogates)");
    }
    checkedTests.add(test);
  });
  return raw;
}

/** The harness's form of a test (also what its cache key hashes). */
export function toHarnessTest(test: UnitTest): HarnessTest {
  switch (test.kind) {
    case "assert":
    case "unittest":
      return { kind: test.kind, code: test.code };
    case "check":
      return { kind: "check", code: test.code, entryPoint: test.entryPoint };
    case "call": {
      const harnessTest: HarnessTest = {
        kind: "call",
        entryPoint: test.entryPoint,
        args: test.args,
      };
      if (test.expected !== undefined) harnessTest.expected = test.expected;
      if (test.atol !== undefined && test.atol !== 0) harnessTest.atol = test.atol;
      return harnessTest;
    }
    case "stdio":
      return { kind: "stdio", stdin: test.stdin, expectedStdout: test.expectedStdout };
  }
}

function toVerdict(result: HarnessResult): CachedVerdict {
  const verdict: CachedVerdict = {
    status: result.status,
    wallMs: result.wallMs,
    cpuMs: result.cpuMs,
  };
  if (result.errorType !== undefined) verdict.errorType = result.errorType;
  if (result.message !== undefined) verdict.message = result.message;
  const output = (result.output ?? "") + (result.stderr ?? "");
  if (output !== "") verdict.output = output;
  if (result.methods !== undefined)
    verdict.methods = result.methods.map(({ name, status }) => ({ name, status }));
  if (result.value !== undefined) verdict.value = decodeHarnessValue(result.value);
  return verdict;
}

/** Turns the harness's `{"$int": "..."}` tags into bigints; other tags stay as they are. */
function decodeHarnessValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeHarnessValue);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === "$int" && typeof entries[0]![1] === "string")
      return BigInt(entries[0]![1]);
    return Object.fromEntries(entries.map(([key, field]) => [key, decodeHarnessValue(field)]));
  }
  return value;
}
