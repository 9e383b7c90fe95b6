import { availableParallelism } from "node:os";
import {
  AsyncQueue,
  CodermError,
  type ExecuteOptions,
  type ExecutionRequest,
  type Executor,
  type ExecutorCapabilities,
  normalizeText,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { checkExecutionRequest } from "@coderm/executor";
import { type PoolJobHandle, WorkerPool } from "./worker-pool.js";
import type { WorkerTest, WorkerTestBody, WorkerVerdict } from "./worker-protocol.js";

/** Settings of {@link createIsolatedVmExecutor}. */
export interface IsolatedVmExecutorSettings {
  /** Worker threads, each with one warm isolate; one per core by default. */
  workers?: number;
  /**
   * Grace past a test's time limit before a worker's watchdog disposes of the isolate running it
   * (isolated-vm's own timeout stops loops, regular expressions and promise floods; the watchdog
   * is for whatever it does not). 1000 ms by default.
   */
  watchdogGraceMs?: number;
}

/**
 * What the isolated-vm executor runs: JavaScript and TypeScript, `assert`, `check` and `call`
 * tests. Its `sandboxLevels` are empty: a V8 isolate is none of core's levels (`process`, `bwrap`,
 * `docker` confine an operating-system process); the candidate runs inside this Node process, in
 * an isolate with no Node API. See the README's threat model.
 */
export const isolatedVmExecutorCapabilities: ExecutorCapabilities = {
  languages: ["javascript", "typescript"],
  testKinds: ["assert", "check", "call"],
  sandboxLevels: [],
};
const capabilities = isolatedVmExecutorCapabilities;

/** Tests a job holds at most (a request's tests are spread over the workers in jobs). */
const maxTestsPerJob = 16;

/**
 * Creates the isolated-vm executor (`isolated-vm`): JavaScript and TypeScript candidates in V8
 * isolates, one warm isolate per worker thread (one thread per core, or `workers`), a fresh
 * context per test with the candidate compiled once per worker, the request's memory limit on the
 * isolate and its time limit on each test, no Node API inside, console output captured and
 * bounded. TypeScript is stripped of its types (not type-checked). Verdicts stream back as they
 * finish; nothing starts until the first `fingerprint()` or `execute`. A bare backend: it caches
 * and deduplicates nothing (compose `withVerdictCache(withDeduplication(executor))` from
 * `@coderm/executor`).
 */
export function createIsolatedVmExecutor(settings: IsolatedVmExecutorSettings = {}): Executor {
  const size = settings.workers ?? availableParallelism();
  if (!(Number.isInteger(size) && size >= 1))
    throw new CodermError(
      "invalid-input",
      `workers must be a whole number of at least 1, got ${size}`,
      {
        field: "workers",
      },
    );
  const watchdogGraceMs = settings.watchdogGraceMs ?? 1000;
  if (!(Number.isFinite(watchdogGraceMs) && watchdogGraceMs >= 0))
    throw new CodermError(
      "invalid-input",
      `watchdogGraceMs must be a number of at least 0, got ${watchdogGraceMs}`,
      {
        field: "watchdogGraceMs",
      },
    );
  const pool = new WorkerPool({ size, watchdogGraceMs });
  let starting: Promise<void> | undefined;
  let fingerprint = "";
  let closed = false;
  const active = new Set<AsyncQueue<Verdict>>();
  // Tests are usually shared by many requests (every candidate of a problem): their worker form
  // is made once per test object.
  const workerForms = new WeakMap<UnitTest, WorkerTestBody>();

  const start = () => {
    if (closed) return Promise.reject(new CodermError("unavailable", "the executor is closed"));
    starting ??= pool.start().then((versions) => {
      fingerprint = `isolated-vm ${versions.isolatedVm}; v8 ${versions.v8}; node ${versions.node}; harness ${versions.harness}; isolation v8-isolate`;
    });
    return starting;
  };

  return {
    name: "isolated-vm",
    capabilities,
    async fingerprint() {
      await start();
      return fingerprint;
    },
    execute(requests, options: ExecuteOptions = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      const queue = new AsyncQueue<Verdict>();
      active.add(queue);
      const handles = new Set<PoolJobHandle>();
      let outstanding = 1;
      const settle = () => {
        outstanding -= 1;
        if (outstanding === 0) queue.end();
      };
      const stop = (error: unknown) => {
        for (const handle of handles) handle.cancel();
        handles.clear();
        queue.end(error);
      };
      const abort = () => stop(new CodermError("cancelled", "execution was cancelled"));
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener("abort", abort, { once: true });

      const submit = (request: ExecutionRequest) => {
        const { candidate, tests, limits } = request;
        const forms = tests.map((test, index) => ({
          ...workerForm(test, index),
          index,
          timeMs: test.timeMs ?? limits.timeMs,
        })) as WorkerTest[];
        const chunk = Math.min(maxTestsPerJob, Math.max(1, Math.ceil(forms.length / size)));
        for (let first = 0; first < forms.length; first += chunk) {
          const jobTests = forms.slice(first, first + chunk);
          outstanding += jobTests.length;
          let left = jobTests.length;
          const handle = pool.submit({
            language: request.language as "javascript" | "typescript",
            // Exactly the text the content id hashes: what the wrappers key a candidate by.
            program: normalizeText(candidate.code),
            tests: jobTests,
            memoryMb: limits.memoryMb,
            outputBytes: limits.outputBytes,
            onVerdict: (verdict) => {
              queue.push(toVerdict(verdict, candidate.id, tests[verdict.index]!.id));
              left -= 1;
              if (left === 0) handles.delete(handle);
              settle();
            },
          });
          handles.add(handle);
        }
      };

      const workerForm = (test: UnitTest, index: number) => {
        let form = workerForms.get(test);
        if (form === undefined) {
          form = toWorkerForm(test, index);
          workerForms.set(test, form);
        }
        return form;
      };

      (async () => {
        await start();
        let index = 0;
        for await (const raw of requests) {
          if (options.signal?.aborted) return;
          const request = checkExecutionRequest(raw, index++);
          const language = request.language ?? "python";
          if (!capabilities.languages.includes(language))
            throw new CodermError(
              "unsupported",
              `the isolated-vm executor runs ${capabilities.languages.join(", ")}, not ${language}`,
              { item: request.candidate.id, field: "language" },
            );
          if (request.coverage === true)
            throw new CodermError(
              "unsupported",
              "the isolated-vm executor does not record coverage",
              {
                item: request.candidate.id,
                field: "coverage",
              },
            );
          if (request.tests.length > 0) submit({ ...request, language });
        }
        settle();
      })().catch((error: unknown) => stop(error));

      return (async function* () {
        try {
          yield* queue;
        } finally {
          options.signal?.removeEventListener("abort", abort);
          active.delete(queue);
          for (const handle of handles) handle.cancel();
        }
      })();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const queue of active)
        queue.end(new CodermError("unavailable", "the executor was closed"));
      await starting?.catch(() => {});
      await pool.close();
    },
  };
}

/** A test in the worker's form; kinds the executor does not run are refused (`unsupported`). */
function toWorkerForm(test: UnitTest, index: number): WorkerTestBody {
  switch (test.kind) {
    case "assert":
      return { kind: "assert", code: test.code };
    case "check":
      return { kind: "check", code: test.code, entryPoint: test.entryPoint };
    case "call": {
      if (test.oracle !== undefined || test.convention !== undefined)
        throw new CodermError(
          "unsupported",
          `the isolated-vm executor judges call tests by strict deep equality; ${test.oracle === undefined ? `convention "${test.convention}"` : `oracle "${test.oracle}"`} is Python's`,
          { field: `tests[${index}].${test.oracle === undefined ? "convention" : "oracle"}` },
        );
      const form: WorkerTestBody & { kind: "call" } = {
        kind: "call",
        entryPoint: test.entryPoint,
        args: test.args,
      };
      if (test.expected !== undefined) form.expected = test.expected;
      if (test.atol !== undefined && test.atol !== 0) form.atol = test.atol;
      return form;
    }
    default:
      throw new CodermError(
        "unsupported",
        `the isolated-vm executor runs ${capabilities.testKinds.join(", ")} tests, not ${test.kind}`,
        { field: `tests[${index}].kind` },
      );
  }
}

function toVerdict(result: WorkerVerdict, candidateId: string, testId: string): Verdict {
  const verdict: Verdict = {
    candidateId,
    testId,
    status: result.status,
    wallMs: result.wallMs,
    cpuMs: result.cpuMs,
  };
  if (result.errorType !== undefined) verdict.errorType = result.errorType;
  if (result.message !== undefined) verdict.message = result.message;
  if (result.output !== undefined) verdict.output = result.output;
  if (result.hasValue === true) verdict.value = result.value;
  return verdict;
}
