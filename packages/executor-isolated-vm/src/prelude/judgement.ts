import type { Primordials } from "./primordials.js";

/** How one test ended, as the harness reports it to the host (plain, copyable data). */
export interface TestOutcome {
  status: "pass" | "fail" | "error" | "tampered";
  errorType?: string;
  message?: string;
}

/**
 * What a test did that decides its verdict, kept in the harness's closure where neither the
 * candidate nor the test can reach it: the first uncaught throw, every failed `console.assert`,
 * every assertion error the `assert` module raised (so one a candidate catches still fails the
 * test), the promises a test returned, and the captured output (bounded). Runs INSIDE the isolate
 * (see `primordials.ts`).
 */
export interface Judgement {
  /** Appends console output, keeping at most the output limit. */
  write(text: string): void;
  /** The output so far. */
  output(): string;
  /** Counts a failed `console.assert` before its message is formatted; true for the first. */
  consoleAssertFailed(): boolean;
  /** The text of the first failed `console.assert`, once formatted. */
  describeConsoleFailure(text: string): void;
  /** Marks an error as the harness's own assertion error (a thrown one fails the test). */
  markAssertion(error: object): void;
  /** Records an assertion error the `assert` module is about to throw; returns its ordinal. */
  raised(error: unknown): number;
  /** How many assertion errors were raised so far. */
  raisedCount(): number;
  /** An assertion error raised at or after `since` that `assert.throws`/`rejects` expected. */
  consume(error: unknown, since: number): void;
  /** A thrown value as an outcome: `fail` for the harness's assertion errors, else `error`. */
  describe(value: unknown): TestOutcome;
  /** The first value the test threw (later ones are ignored). */
  threw(value: unknown): void;
  /** A promise the test returned: its rejection is a throw; pending at the end is an error. */
  track(promise: Promise<unknown>): void;
  /** The outcome so far; `tampered` is consulted only when everything else passed. */
  outcome(tampered: () => string | undefined): TestOutcome;
}

/** Builds the {@link Judgement} of one test, keeping `outputLimit` characters of output. */
export function createJudgement(p: Primordials, outputLimit: number): Judgement {
  const messageLimit = 2000;
  let output = "";
  let outputFull = false;
  let consoleFailures = 0;
  let firstConsoleFailure = "";
  const assertions = p.newWeakSet();
  const raisedErrors: unknown[] = [];
  const consumed: boolean[] = [];
  let thrown: TestOutcome | undefined;
  let pending = 0;

  const clip = (text: string) =>
    text.length > messageLimit ? `${p.stringSlice(text, 0, messageLimit)}…` : text;

  /** A thrown value's type and message, read as a program would (a getter may run). */
  function describe(value: unknown): TestOutcome {
    if ((typeof value === "object" && value !== null) || typeof value === "function") {
      const object = value as object;
      if (p.weakSetHas(assertions, object))
        return {
          status: "fail",
          errorType: "AssertionError",
          message: clip(readText(object, "message")),
        };
      let name = "Error";
      try {
        const read = (object as { name?: unknown }).name;
        if (typeof read === "string" && read !== "") name = read;
      } catch {}
      return { status: "error", errorType: clip(name), message: clip(readText(object, "message")) };
    }
    let text: string;
    try {
      text = p.string(value);
    } catch {
      text = typeof value;
    }
    return {
      status: "error",
      errorType: "Error",
      message: clip(`uncaught ${typeof value}: ${text}`),
    };
  }

  function readText(object: object, key: string): string {
    try {
      const read = (object as Record<string, unknown>)[key];
      return typeof read === "string" ? read : read === undefined ? "" : p.string(read);
    } catch {
      return "";
    }
  }

  return {
    write(text) {
      if (outputFull) return;
      const room = outputLimit - output.length;
      if (text.length >= room) {
        output += p.stringSlice(text, 0, room);
        outputFull = true;
      } else output += text;
    },
    output: () => output,
    consoleAssertFailed() {
      consoleFailures += 1;
      return consoleFailures === 1;
    },
    describeConsoleFailure(text) {
      firstConsoleFailure = clip(text);
    },
    markAssertion(error) {
      p.weakSetAdd(assertions, error);
    },
    raised(error) {
      p.arrayPush(raisedErrors, error);
      p.arrayPush(consumed, false);
      return raisedErrors.length - 1;
    },
    raisedCount: () => raisedErrors.length,
    consume(error, since) {
      for (let index = since; index < raisedErrors.length; index++)
        if (raisedErrors[index] === error) consumed[index] = true;
    },
    describe,
    threw(value) {
      if (thrown === undefined) thrown = describe(value);
    },
    track(promise) {
      pending += 1;
      p.promiseThen(
        promise,
        () => {
          pending -= 1;
        },
        (reason) => {
          pending -= 1;
          if (thrown === undefined) thrown = describe(reason);
        },
      );
    },
    outcome(tampered) {
      if (thrown !== undefined) return thrown;
      if (pending > 0)
        return {
          status: "error",
          errorType: "UnsettledPromise",
          message: "the promise the test returned never settled",
        };
      if (consoleFailures > 0)
        return {
          status: "fail",
          errorType: "AssertionError",
          message: `console.assert failed${consoleFailures > 1 ? ` ${consoleFailures} times` : ""}${firstConsoleFailure === "" ? "" : `: ${firstConsoleFailure}`}`,
        };
      for (let index = 0; index < raisedErrors.length; index++)
        if (!consumed[index]) {
          const error = raisedErrors[index];
          return {
            status: "fail",
            errorType: "AssertionError",
            message: clip(
              `an assertion failed, and its error did not end the test (it was caught, or rejected a promise): ${
                typeof error === "object" && error !== null ? readText(error, "message") : ""
              }`,
            ),
          };
        }
      const reason = tampered();
      if (reason !== undefined)
        return { status: "tampered", errorType: "Tampered", message: clip(reason) };
      return { status: "pass" };
    },
  };
}
