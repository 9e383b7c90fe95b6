import {
  AsyncQueue,
  CodermError,
  type ExecuteOptions,
  type ExecutionRequest,
  type Executor,
  type ExecutorCapabilities,
  normalizeText,
  type SandboxLevel,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { checkExecutionRequest } from "@coderm/executor";
import {
  type HarnessLimits,
  HarnessPool,
  type HarnessTest,
  type JobHandle,
} from "./harness-pool.js";
import type { HarnessProcess, HarnessResult } from "./harness-protocol.js";

/** Where a harness executor's processes come from. */
export interface HarnessProcessSupply {
  /** How many harness processes run at once. */
  size: number;
  /** Starts the process of a slot (0 .. size - 1): at start, and to replace one that ended. */
  start(slot: number): Promise<HarnessProcess>;
  /** Releases what the supply holds (called after every process is gone). */
  close?(): Promise<void>;
}

/** Settings of {@link createHarnessExecutor}: what a backend built on the Python harness gives it. */
export interface HarnessExecutorSettings {
  /** The backend's name (`local`, `docker`). */
  name: string;
  capabilities: ExecutorCapabilities;
  /** The sandbox level the processes run at (part of the fingerprint). */
  sandbox: SandboxLevel;
  /** Starts the processes' supply (once, on first use). */
  startProcesses(): Promise<HarnessProcessSupply>;
  /** Grace past a test's deadline before a silent harness process is killed (2000 ms). */
  watchdogGraceMs?: number;
}

/** An {@link Executor} running the Python harness on a pool of warm harness processes. */
export interface HarnessExecutor extends Executor {
  /**
   * How candidates are confined once started: the sandbox level plus what the harness could apply
   * on top (`landlock-v7`, `seccomp`; see THREAT-MODEL.md). Empty before the start.
   */
  readonly confinement: readonly string[];
}

/**
 * The core every harness backend shares: validation, streaming, cancellation, the pool of warm
 * harness processes with its watchdogs and the fingerprint (harness and Python versions, sandbox
 * level, confinement). Verdicts are identical whichever supply runs the processes, since the
 * harness is the same. The program run is `normalizeText(candidate.code)`, the text the content
 * id hashes (see core's `Executor.execute`). It caches and deduplicates nothing: wrap it
 * (`withVerdictCache`, `withDeduplication` of `@coderm/executor`).
 */
export function createHarnessExecutor(settings: HarnessExecutorSettings): HarnessExecutor {
  const { sandbox, capabilities } = settings;
  let pool: HarnessPool | undefined;
  let supply: HarnessProcessSupply | undefined;
  let starting: Promise<void> | undefined;
  let fingerprint = "";
  let closed = false;
  // Tests are usually shared by many requests (every candidate of a problem), so their harness
  // form is computed once per test object.
  const harnessForms = new WeakMap<UnitTest, HarnessTest>();
  const harnessForm = (test: UnitTest) => {
    let form = harnessForms.get(test);
    if (form === undefined) {
      form = toHarnessTest(test);
      harnessForms.set(test, form);
    }
    return form;
  };

  const start = () => {
    if (closed) return Promise.reject(new CodermError("unavailable", "the executor is closed"));
    starting ??= (async () => {
      supply = await settings.startProcesses();
      pool = new HarnessPool({
        size: supply.size,
        start: supply.start,
        ...(settings.watchdogGraceMs === undefined
          ? {}
          : { watchdogGraceMs: settings.watchdogGraceMs }),
      });
      await pool.start();
      const { harness, python, confinement } = pool.versions;
      fingerprint = `harness ${harness}; python ${python}; sandbox ${sandbox}; confinement ${confinement.join(" ")}`;
    })();
    return starting;
  };

  return {
    name: settings.name,
    capabilities,
    get confinement() {
      return pool === undefined ? [] : [sandbox, ...pool.versions.confinement];
    },
    async fingerprint() {
      await start();
      return fingerprint;
    },
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
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener("abort", abort, { once: true });

      const submit = (request: ExecutionRequest) => {
        const { candidate, tests } = request;
        if (tests.length === 0) return;
        outstanding += tests.length;
        const handle = pool!.submit({
          // Exactly the text the content id hashes: what the wrappers key a candidate by.
          program: normalizeText(candidate.code),
          tests: tests.map(harnessForm),
          limits: { ...request.limits } satisfies HarnessLimits,
          ...(request.coverage === true ? { coverage: true } : {}),
          onResult: (result) => {
            queue.push(toVerdict(result, candidate.id, tests[result.index]!.id));
            settle();
          },
          onEnd: (error) => {
            handles.delete(handle);
            if (error !== undefined) queue.end(error);
          },
        });
        handles.add(handle);
      };

      (async () => {
        await start();
        let index = 0;
        for await (const raw of requests) {
          if (options.signal?.aborted) return;
          const request = checkExecutionRequest(raw, index++);
          const language = request.language ?? "python";
          if (!capabilities.languages.includes(language)) {
            throw new CodermError(
              "unsupported",
              `the ${settings.name} executor runs ${capabilities.languages.join(", ")}, not ${language}`,
              { item: request.candidate.id, field: "language" },
            );
          }
          submit(request);
        }
        settle();
      })().catch((error: unknown) => queue.end(error));

      return (async function* () {
        try {
          yield* queue;
        } finally {
          options.signal?.removeEventListener("abort", abort);
        }
      })();
    },
    async close() {
      if (closed) return;
      closed = true;
      await starting?.catch(() => {});
      await pool?.close();
      await supply?.close?.();
    },
  };
}

/** The harness's form of a test, with its own time limit where it has one. */
function toHarnessTest(test: UnitTest): HarnessTest {
  const form = harnessTestBody(test);
  if (test.timeMs !== undefined) form.timeMs = test.timeMs;
  return form;
}

function harnessTestBody(test: UnitTest): HarnessTest {
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
      if (test.oracle !== undefined) harnessTest.oracle = test.oracle;
      if (test.convention !== undefined) harnessTest.convention = test.convention;
      return harnessTest;
    }
    case "stdio":
      return {
        kind: "stdio",
        stdin: test.stdin,
        ...(test.expectedStdout === undefined ? {} : { expectedStdout: test.expectedStdout }),
        ...(test.convention === undefined ? {} : { convention: test.convention }),
      };
  }
}

function toVerdict(result: HarnessResult, candidateId: string, testId: string): Verdict {
  const verdict: Verdict = {
    candidateId,
    testId,
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
  if (result.coverage !== undefined)
    verdict.coverage = {
      executable: result.coverage.executable,
      covered: result.coverage.covered,
    };
  return verdict;
}

/** Turns the harness's `{"$int": "..."}` tags into bigints; other tags stay as they are. */
function decodeHarnessValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeHarnessValue);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (
      entries.length === 1 &&
      entries[0]![0] === "$int" &&
      typeof entries[0]![1] === "string" &&
      isBoundedIntegerText(entries[0]![1])
    )
      return BigInt(entries[0]![1]);
    return Object.fromEntries(entries.map(([key, field]) => [key, decodeHarnessValue(field)]));
  }
  return value;
}

/** The most decimal digits a `$int` converts from (the harness writes hex beyond ~4,900). */
const maxDecimalDigits = 5000;
const boundedIntegerText = new RegExp(`^-?(?:0x[0-9a-f]+|[0-9]{1,${maxDecimalDigits}})$`, "i");

/**
 * Whether a `$int` text converts in bounded time: hex (linear), or decimal of at most
 * {@link maxDecimalDigits} digits; a longer decimal text stays a tag.
 */
function isBoundedIntegerText(text: string): boolean {
  return boundedIntegerText.test(text);
}
