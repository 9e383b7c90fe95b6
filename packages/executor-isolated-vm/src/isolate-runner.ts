import ivm from "isolated-vm";
import { callResultMatches } from "./call-comparison.ts";
import type { CallResult, HarnessVerdict } from "./prelude/harness.ts";
import { planSource, preludeSource } from "./prelude/prelude-source.ts";
import { type StrippedProgram, stripTypes } from "./strip-types.ts";
import {
  assertWrapper,
  checkWrapper,
  entryPointLookup,
  isIdentifier,
  needsSloppyMode,
} from "./test-programs.ts";
import type { WorkerJob, WorkerTest, WorkerVerdict } from "./worker-protocol.ts";

/**
 * The version of what decides verdicts besides isolated-vm, V8 and Node: the harness (prelude,
 * test wrappers, classification, the call comparison). Bump it when a verdict could change.
 */
export const harnessVersion = "1";

/** Time the harness's own calls into the isolate may take (they run no candidate code). */
const harnessCallMs = 5000;

type Outcome = Pick<WorkerVerdict, "status" | "errorType" | "message"> & {
  value?: unknown;
  hasValue?: boolean;
  /** The outcome of a promise rejection nobody handled (the harness may know better). */
  unhandled?: boolean;
};
type Compiled = { script: ivm.Script } | { syntaxError: string };

/**
 * One worker thread's warm isolate and what it runs. The isolate lives until it runs out of
 * memory, is killed (watchdog, cancellation) or a job asks for another memory limit; the candidate
 * of a job is compiled once, and each test runs in a fresh context: the prelude sets up the
 * harness and locks the built-ins down, the candidate's script runs, then the test. Compiled
 * programs and test wrappers are cached by text for the isolate's life.
 */
export class IsolateRunner {
  #isolate: ivm.Isolate | undefined;
  #memoryMb = 0;
  #prelude: ivm.Script | undefined;
  #plan: ivm.Reference | undefined;
  #scripts = new Map<string, Compiled>();
  #inFlight = false;
  #cancelled = false;
  #watchdogFired = false;
  readonly #watchdogGraceMs: number;

  constructor(watchdogGraceMs: number) {
    this.#watchdogGraceMs = watchdogGraceMs;
  }

  /** Runs a job's tests in order, handing each verdict over as it is known. */
  async run(job: WorkerJob, emit: (verdict: WorkerVerdict) => void): Promise<void> {
    this.#cancelled = false;
    const program: StrippedProgram =
      job.language === "typescript" ? stripTypes(job.program) : { code: job.program };
    for (const test of job.tests) {
      if (this.#cancelled) return;
      let verdict = await this.#runTest(job, program, test, true);
      if (
        test.kind !== "call" &&
        verdict.status === "error" &&
        !this.#cancelled &&
        needsSloppyMode(test.code, verdict.errorType, verdict.message)
      )
        verdict = await this.#runTest(job, program, test, false);
      if (this.#cancelled) return;
      emit(verdict);
    }
  }

  /** Stops the running job: kills its test (the isolate is replaced) and emits nothing more. */
  cancel(): void {
    this.#cancelled = true;
    if (this.#inFlight) this.#dispose();
  }

  #dispose(): void {
    const isolate = this.#isolate;
    this.#isolate = undefined;
    this.#prelude = undefined;
    this.#plan = undefined;
    this.#scripts.clear();
    if (isolate !== undefined && !isolate.isDisposed) isolate.dispose();
  }

  #ensureIsolate(memoryMb: number): ivm.Isolate {
    if (this.#isolate !== undefined && (this.#isolate.isDisposed || this.#memoryMb !== memoryMb))
      this.#dispose();
    if (this.#isolate === undefined) {
      const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
      const planContext = isolate.createContextSync();
      this.#plan = isolate
        .compileScriptSync(planSource, { filename: "coderm-lockdown-plan.js" })
        .runSync(planContext, { reference: true, timeout: harnessCallMs }) as ivm.Reference;
      this.#prelude = isolate.compileScriptSync(preludeSource, { filename: "coderm-harness.js" });
      this.#isolate = isolate;
      this.#memoryMb = memoryMb;
    }
    return this.#isolate;
  }

  /** A script compiled in the current isolate, cached by its text and file name. */
  #compile(isolate: ivm.Isolate, code: string, filename: string, lineOffset = 0): Compiled {
    const key = `${filename}\0${code}`;
    const cached = this.#scripts.get(key);
    if (cached !== undefined) return cached;
    let compiled: Compiled;
    try {
      compiled = { script: isolate.compileScriptSync(code, { filename, lineOffset }) };
    } catch (error) {
      compiled = { syntaxError: (error as Error).message };
    }
    if (this.#scripts.size >= 1024) this.#scripts.delete(this.#scripts.keys().next().value!);
    this.#scripts.set(key, compiled);
    return compiled;
  }

  async #runTest(
    job: WorkerJob,
    program: StrippedProgram,
    test: WorkerTest,
    strict: boolean,
  ): Promise<WorkerVerdict> {
    const base = { type: "verdict" as const, job: job.id, index: test.index };
    const early = (errorType: string, message: string): WorkerVerdict => ({
      ...base,
      status: "error",
      errorType,
      message: clip(message),
      wallMs: 0,
      cpuMs: 0,
    });
    if ("syntaxError" in program) return early("SyntaxError", program.syntaxError);
    const isolate = this.#ensureIsolate(job.memoryMb);
    const candidate = this.#compile(isolate, program.code, "candidate.js");
    if ("syntaxError" in candidate) return early("SyntaxError", candidate.syntaxError);
    let testScript: Compiled;
    if (test.kind === "call" || test.kind === "check") {
      if (!isIdentifier(test.entryPoint))
        return early("InvalidTest", `the entry point "${test.entryPoint}" is not an identifier`);
    }
    if (test.kind === "call")
      testScript = this.#compile(isolate, entryPointLookup(test.entryPoint), "entry-point.js");
    else {
      const source: StrippedProgram =
        job.language === "typescript" ? stripTypes(test.code) : { code: test.code };
      if ("syntaxError" in source) return early("SyntaxError", source.syntaxError);
      const wrapper =
        test.kind === "check"
          ? checkWrapper(source.code, test.entryPoint, strict)
          : assertWrapper(source.code, strict);
      testScript = this.#compile(isolate, wrapper, "test.js", -1);
    }
    if ("syntaxError" in testScript) return early("SyntaxError", testScript.syntaxError);

    const context = isolate.createContextSync();
    const references: ivm.Reference[] = [];
    let harness: ivm.Reference | undefined;
    let started = 0;
    let cpuStart = 0n;
    let outcome: Outcome;
    let output = "";
    try {
      const factory = this.#prelude!.runSync(context, {
        reference: true,
        timeout: harnessCallMs,
      }) as ivm.Reference;
      references.push(factory);
      harness = factory.applySync(undefined, [job.outputBytes, this.#plan!.derefInto()], {
        result: { reference: true },
        timeout: harnessCallMs,
      }) as ivm.Reference;
      references.push(harness);
      started = performance.now();
      cpuStart = isolate.cpuTime;
      const remaining = () => Math.max(1, Math.ceil(test.timeMs - (performance.now() - started)));
      outcome = await this.#guard(isolate, remaining(), () =>
        candidate.script.run(context, { timeout: remaining() }),
      ).then(
        () =>
          this.#runBody(isolate, context, harness!, testScript.script, test, remaining, references),
        (error: unknown) => this.#failure(error, isolate, "candidate"),
      );
      if (outcome.status !== "timeout" && outcome.status !== "oom" && !isolate.isDisposed) {
        // The verdict read runs no candidate code, but a getter on a caught assertion error might.
        let verdict: HarnessVerdict | undefined;
        if (test.kind !== "call")
          try {
            verdict = harness.applySync(undefined, ["verdict"], {
              result: { copy: true },
              timeout: harnessCallMs,
            }) as HarnessVerdict;
          } catch (error) {
            if (outcome.status === "pass") outcome = this.#failure(error, isolate, "test");
          }
        if (verdict !== undefined) {
          output = verdict.output;
          if (
            outcome.status === "pass" ||
            (outcome.unhandled === true && verdict.status !== "pass")
          )
            outcome = fromHarness(verdict);
        }
      }
    } catch (error) {
      outcome = this.#failure(error, isolate, "harness");
    }
    const wallMs = started === 0 ? 0 : performance.now() - started;
    let cpuMs = 0;
    if (!isolate.isDisposed) {
      cpuMs = Number(isolate.cpuTime - cpuStart) / 1e6;
      if (output === "" && harness !== undefined)
        try {
          output = harness.applySync(undefined, ["output"], {
            result: { copy: true },
            timeout: harnessCallMs,
          }) as string;
        } catch {}
      for (const reference of references) reference.release();
      context.release();
    }
    if (isolate.isDisposed && this.#isolate === isolate) this.#dispose();
    if (outcome.status === "timeout" && outcome.errorType === undefined && cpuMs < test.timeMs / 2)
      outcome = { ...outcome, errorType: "Starved" };
    const verdict: WorkerVerdict = {
      ...base,
      status: outcome.status,
      wallMs: Math.round(wallMs * 1000) / 1000,
      cpuMs: Math.round(cpuMs * 1000) / 1000,
    };
    if (outcome.errorType !== undefined) verdict.errorType = outcome.errorType;
    if (outcome.message !== undefined && outcome.message !== "")
      verdict.message = clip(outcome.message);
    const shown = boundBytes(output, job.outputBytes);
    if (shown !== "") verdict.output = shown;
    if (outcome.hasValue === true) {
      verdict.value = outcome.value;
      verdict.hasValue = true;
    }
    return verdict;
  }

  /** The test itself, once the candidate's script ran; `pass` here means "ask the harness". */
  async #runBody(
    isolate: ivm.Isolate,
    context: ivm.Context,
    harness: ivm.Reference,
    script: ivm.Script,
    test: WorkerTest,
    remaining: () => number,
    references: ivm.Reference[],
  ): Promise<Outcome> {
    const wrapper = script.runSync(context, {
      reference: true,
      timeout: harnessCallMs,
    }) as ivm.Reference;
    references.push(wrapper);
    if (test.kind === "call") {
      const args = new ivm.ExternalCopy(test.args).copyInto({ release: true });
      let result: CallResult;
      try {
        result = (await this.#guard(isolate, remaining(), () =>
          harness.apply(undefined, ["call", wrapper.derefInto(), args], {
            result: { copy: true },
            timeout: remaining(),
          }),
        )) as CallResult;
      } catch (error) {
        return this.#failure(error, isolate, "call");
      }
      if ("thrown" in result) return fromHarness(result.thrown);
      if (!("expected" in test)) return { status: "pass", value: result.value, hasValue: true };
      return callResultMatches(result.value, test.expected, test.atol)
        ? { status: "pass" }
        : {
            status: "fail",
            errorType: "AssertionError",
            message: "the returned value differs from the expected one",
          };
    }
    try {
      await this.#guard(isolate, remaining(), () =>
        harness.apply(undefined, ["run", wrapper.derefInto(), test.kind], { timeout: remaining() }),
      );
      // Timers fire one call at a time, so promise jobs run between them, while time remains.
      let pending = harness.applySync(undefined, ["timers"], { timeout: harnessCallMs }) === true;
      while (pending)
        pending =
          (await this.#guard(isolate, remaining(), () =>
            harness.apply(undefined, ["timer"], { timeout: remaining() }),
          )) === true;
    } catch (error) {
      return this.#failure(error, isolate, "test");
    }
    return { status: "pass" };
  }

  /**
   * An async call into the isolate under the watchdog: past the call's time limit plus the grace,
   * the isolate is disposed (what isolated-vm's own timeout could not stop, the watchdog does).
   */
  async #guard<T>(isolate: ivm.Isolate, limitMs: number, call: () => Promise<T>): Promise<T> {
    this.#watchdogFired = false;
    this.#inFlight = true;
    const timer = setTimeout(() => {
      this.#watchdogFired = true;
      if (!isolate.isDisposed) isolate.dispose();
    }, limitMs + this.#watchdogGraceMs);
    try {
      return await call();
    } finally {
      clearTimeout(timer);
      this.#inFlight = false;
    }
  }

  /** What an exception out of the isolate means. */
  #failure(
    error: unknown,
    isolate: ivm.Isolate,
    phase: "candidate" | "test" | "call" | "harness",
  ): Outcome {
    const message = error instanceof Error ? error.message : undefined;
    if (this.#watchdogFired)
      return { status: "timeout", message: "the watchdog killed the isolate past the time limit" };
    if (message === "Script execution timed out.") return { status: "timeout" };
    if (message?.includes("due to memory limit"))
      return { status: "oom", message: "the isolate ran out of memory" };
    if (isolate.isDisposed)
      return { status: "error", errorType: "IsolateDisposed", message: message ?? String(error) };
    if (phase === "harness")
      return { status: "error", errorType: "HarnessError", message: message ?? String(error) };
    if (phase === "call" && isCopyFailure(error))
      return {
        status: "error",
        errorType: "DataCloneError",
        message: `the returned value cannot be copied out of the isolate: ${message ?? String(error)}`,
      };
    // A value the candidate's script threw, or (after it) a promise rejection nobody handled,
    // which isolated-vm throws at the end of the call, as Node would crash on it.
    const unhandled = phase !== "candidate";
    if (!(error instanceof Error))
      return {
        status: "error",
        errorType: "Error",
        message: `uncaught ${typeof error}: ${String(error)}`,
        unhandled,
      };
    if (error.name === "RangeError" && message === "Array buffer allocation failed")
      return { status: "oom", message };
    return {
      status: error.name === "AssertionError" ? "fail" : "error",
      errorType: error.name,
      message: message ?? "",
      unhandled,
    };
  }
}

/** Whether a call's result failed to copy out (a function, a symbol, a Proxy, an accessor). */
function isCopyFailure(error: unknown): boolean {
  return (
    error === "illegal access" ||
    (error instanceof TypeError && error.message.endsWith("could not be cloned."))
  );
}

/** A harness outcome as a worker outcome (an array buffer the memory limit refused is `oom`). */
function fromHarness(outcome: Pick<HarnessVerdict, "status" | "errorType" | "message">): Outcome {
  if (outcome.errorType === "RangeError" && outcome.message === "Array buffer allocation failed")
    return { status: "oom", message: outcome.message };
  const result: Outcome = { status: outcome.status };
  if (outcome.errorType !== undefined) result.errorType = outcome.errorType;
  if (outcome.message !== undefined) result.message = outcome.message;
  return result;
}

const messageLimit = 2000;
function clip(text: string): string {
  return text.length > messageLimit ? `${text.slice(0, messageLimit)}…` : text;
}

/** The first `limit` bytes of the text's UTF-8 (a character cut in two is dropped). */
function boundBytes(text: string, limit: number): string {
  if (text.length * 3 <= limit) return text;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  return new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, limit))
    .replace(/\uFFFD$/, "");
}
