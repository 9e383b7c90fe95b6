import type { DeepEquality } from "./deep-equal.js";
import type { Inspector } from "./inspect.js";
import type { Judgement } from "./judgement.js";
import type { Primordials } from "./primordials.js";

/** The `node:assert` module of a context: legacy (loose `equal`, `deepEqual`) and strict. */
interface AssertModules {
  /** `require("assert")`: callable as `assert(value)`. */
  legacy: (value: unknown, message?: unknown) => void;
  /** `require("assert/strict")` and `assert.strict`. */
  strict: (value: unknown, message?: unknown) => void;
}

/**
 * Node's `assert` module inside the isolate: `assert`/`ok`, `equal`, `notEqual`, `strictEqual`,
 * `notStrictEqual`, `deepEqual`, `deepStrictEqual`, `notDeepEqual`, `notDeepStrictEqual`,
 * `throws`, `doesNotThrow`, `rejects`, `doesNotReject`, `match`, `doesNotMatch`, `fail`,
 * `ifError`, `AssertionError` and `strict`, with Node's semantics (messages are shorter). Every
 * failure is recorded in the {@link Judgement} before it is thrown, so catching it does not make
 * a test pass; `throws` and `rejects` consume the assertion errors they expected. The harness
 * freezes the module. Runs INSIDE the isolate (see `primordials.ts`).
 */
export function createAssertModules(
  p: Primordials,
  inspector: Inspector,
  equality: DeepEquality,
  judgement: Judgement,
): AssertModules {
  const { inspect } = inspector;
  const BaseError = p.Error;

  interface AssertionOptions {
    message?: unknown;
    actual?: unknown;
    expected?: unknown;
    operator?: string;
  }

  class AssertionError extends BaseError {
    constructor(options: AssertionOptions) {
      const given = options !== null && typeof options === "object" ? options : {};
      const generated = given.message === undefined;
      super(generated ? `Failed (${given.operator ?? "fail"})` : p.string(given.message));
      const own = (key: string, value: unknown, enumerable: boolean) =>
        p.defineProperty(this, key, { value, writable: true, configurable: true, enumerable });
      own("name", "AssertionError", false);
      own("code", "ERR_ASSERTION", true);
      own("actual", given.actual, true);
      own("expected", given.expected, true);
      own("operator", given.operator, true);
      own("generatedMessage", generated, true);
      judgement.markAssertion(this);
    }
  }

  /** Throws the failure: the message as given (an Error is thrown as is), else the generated one. */
  function raise(message: unknown, generated: () => string, details: AssertionOptions): never {
    let error: unknown;
    if (
      message !== null &&
      typeof message === "object" &&
      p.objectToString(message) === "[object Error]"
    )
      error = message;
    else
      error = new AssertionError({
        ...details,
        message: message === undefined ? generated() : message,
      });
    judgement.raised(error);
    throw error;
  }

  const invalidArgument = (name: string, expected: string) => {
    const error = new p.TypeError(`The "${name}" argument must be ${expected}`);
    p.defineProperty(error, "code", { value: "ERR_INVALID_ARG_TYPE", enumerable: true });
    return error;
  };

  function ok(value: unknown, message?: unknown): void {
    if (!value)
      raise(message, () => `The expression evaluated to a falsy value: ${inspect(value)}`, {
        actual: value,
        expected: true,
        operator: "==",
      });
  }

  const comparison =
    (
      holds: (actual: unknown, expected: unknown) => boolean,
      operator: string,
      describe: (actual: string, expected: string) => string,
    ) =>
    (actual: unknown, expected: unknown, message?: unknown): void => {
      if (!holds(actual, expected))
        raise(message, () => describe(inspect(actual), inspect(expected)), {
          actual,
          expected,
          operator,
        });
    };

  const looseEqual = (actual: unknown, expected: unknown) =>
    // biome-ignore lint/suspicious/noDoubleEquals: node:assert's equal is ==
    actual == expected || (p.numberIsNaN(actual) && p.numberIsNaN(expected));
  const equal = comparison(looseEqual, "==", (a, e) => `${a} == ${e}`);
  const notEqual = comparison(
    (a, e) => !looseEqual(a, e),
    "!=",
    (a, e) => `${a} != ${e}`,
  );
  const strictEqual = comparison(
    p.objectIs,
    "strictEqual",
    (a, e) => `Expected values to be strictly equal:\n\n${a} !== ${e}\n`,
  );
  const notStrictEqual = comparison(
    (a, e) => !p.objectIs(a, e),
    "notStrictEqual",
    (_a, e) => `Expected "actual" to be strictly unequal to: ${e}`,
  );
  const deepEqual = comparison(
    equality.isDeepEqual,
    "deepEqual",
    (a, e) =>
      `Expected values to be loosely deep-equal:\n\n${a}\n\nshould loosely deep-equal\n\n${e}`,
  );
  const notDeepEqual = comparison(
    (a, e) => !equality.isDeepEqual(a, e),
    "notDeepEqual",
    (a, e) =>
      `"actual" loosely deep-equals "expected":\n\n${a}\n\nshould not loosely deep-equal\n\n${e}`,
  );
  const deepStrictEqual = comparison(
    equality.isDeepStrictEqual,
    "deepStrictEqual",
    (a, e) => `Expected values to be strictly deep-equal:\n+ actual - expected\n\n+ ${a}\n- ${e}`,
  );
  const notDeepStrictEqual = comparison(
    (a, e) => !equality.isDeepStrictEqual(a, e),
    "notDeepStrictEqual",
    (_a, e) => `Expected "actual" not to be strictly deep-equal to: ${e}`,
  );

  function fail(message?: unknown): never {
    raise(message, () => "Failed", { operator: "fail" });
  }

  function ifError(value: unknown): void {
    if (value === null || value === undefined) return;
    judgement.raised(value);
    throw value;
  }

  /** Whether a thrown value satisfies `throws`' `expected` (class, RegExp, validator or object). */
  function matches(thrown: unknown, expected: unknown): boolean {
    if (expected === undefined) return true;
    if (typeof expected === "function") {
      const prototype = p.getOwnPropertyDescriptor(expected, "prototype")?.value;
      if (prototype !== undefined && thrown instanceof (expected as new () => unknown)) return true;
      if (p.getPrototypeOf(expected) === BaseError || expected === BaseError) return false;
      return (expected as (value: unknown) => unknown)(thrown) === true;
    }
    if (expected !== null && typeof expected === "object") {
      if (p.isRegExp(expected)) return p.regExpExec(expected as RegExp, p.string(thrown)) !== null;
      if (thrown === null || typeof thrown !== "object") return false;
      const keys = p.objectKeys(expected);
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index]!;
        const want = (expected as Record<string, unknown>)[key];
        const got = (thrown as Record<string, unknown>)[key];
        if (
          typeof want === "object" &&
          want !== null &&
          p.isRegExp(want) &&
          typeof got === "string"
        ) {
          if (p.regExpExec(want as RegExp, got) === null) return false;
        } else if (!equality.isDeepStrictEqual(got, want)) return false;
      }
      return true;
    }
    throw invalidArgument("expected", "a function, a RegExp or an object");
  }

  /** `throws`/`rejects`' judgement of a thrown value; `since` is the raised count at the start. */
  function expectThrown(thrown: unknown, expected: unknown, message: unknown, since: number) {
    judgement.consume(thrown, since);
    if (!matches(thrown, expected))
      raise(message, () => `The error did not match the expectation: ${inspect(thrown)}`, {
        actual: thrown,
        expected,
        operator: "throws",
      });
  }

  const missing = (expected: unknown, message: unknown, operator: string): never =>
    raise(message, () => "Missing expected exception.", {
      expected,
      operator,
    });

  function throws(block: unknown, expected?: unknown, message?: unknown): void {
    if (typeof block !== "function") throw invalidArgument("fn", "of type function");
    if (typeof expected === "string") {
      message = expected;
      expected = undefined;
    }
    const since = judgement.raisedCount();
    try {
      (block as () => unknown)();
    } catch (thrown) {
      expectThrown(thrown, expected, message, since);
      return;
    }
    missing(expected, message, "throws");
  }

  function doesNotThrow(block: unknown, message?: unknown): void {
    if (typeof block !== "function") throw invalidArgument("fn", "of type function");
    try {
      (block as () => unknown)();
    } catch (thrown) {
      raise(message, () => `Got unwanted exception.\nActual message: ${inspect(thrown)}`, {
        actual: thrown,
        operator: "doesNotThrow",
      });
    }
  }

  /** The promise a `rejects`/`doesNotReject` argument stands for (a function is called first). */
  function promised(value: unknown): Promise<unknown> {
    const result = typeof value === "function" ? (value as () => unknown)() : value;
    if (!p.isPromise(result)) throw invalidArgument("promiseFn", "a Promise or a function");
    return result;
  }

  function rejects(value: unknown, expected?: unknown, message?: unknown): Promise<void> {
    const since = judgement.raisedCount();
    let promise: Promise<unknown>;
    try {
      promise = promised(value);
    } catch (error) {
      return p.promiseReject(error);
    }
    return p.promiseThen(
      promise,
      () => missing(expected, message, "rejects"),
      (reason) => expectThrown(reason, expected, message, since),
    ) as Promise<void>;
  }

  function doesNotReject(value: unknown, message?: unknown): Promise<void> {
    let promise: Promise<unknown>;
    try {
      promise = promised(value);
    } catch (error) {
      return p.promiseReject(error);
    }
    return p.promiseThen(
      promise,
      () => undefined,
      (reason) =>
        raise(message, () => `Got unwanted rejection.\nActual message: ${inspect(reason)}`, {
          actual: reason,
          operator: "doesNotReject",
        }),
    ) as Promise<void>;
  }

  const regexpCheck =
    (wanted: boolean, operator: string) => (text: unknown, pattern: unknown, message?: unknown) => {
      if (!p.isRegExp(pattern as object)) throw invalidArgument("regexp", "an instance of RegExp");
      if (typeof text !== "string") throw invalidArgument("string", "of type string");
      if ((p.regExpExec(pattern as RegExp, text) !== null) !== wanted)
        raise(
          message,
          () =>
            `The input ${wanted ? "did not match" : "was expected not to match"} the regular expression ${inspect(pattern)}. Input: ${inspect(text)}`,
          { actual: text, expected: pattern, operator },
        );
    };

  const shared = {
    ok,
    fail,
    ifError,
    strictEqual,
    notStrictEqual,
    deepStrictEqual,
    notDeepStrictEqual,
    throws,
    doesNotThrow,
    rejects,
    doesNotReject,
    match: regexpCheck(true, "match"),
    doesNotMatch: regexpCheck(false, "doesNotMatch"),
    AssertionError,
  };
  const module = (
    target: (value: unknown, message?: unknown) => void,
    fields: Record<string, unknown>,
  ) => {
    const keys = p.objectKeys(fields);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      p.defineProperty(target, key, {
        value: fields[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return target;
  };
  const strict = module(
    function strict(value: unknown, message?: unknown) {
      ok(value, message);
    },
    {
      ...shared,
      equal: strictEqual,
      notEqual: notStrictEqual,
      deepEqual: deepStrictEqual,
      notDeepEqual: notDeepStrictEqual,
    },
  );
  const legacy = module(
    function assert(value: unknown, message?: unknown) {
      ok(value, message);
    },
    {
      ...shared,
      equal,
      notEqual,
      deepEqual,
      notDeepEqual,
      strict,
    },
  );
  p.defineProperty(strict, "strict", { value: strict, enumerable: true });
  return { legacy, strict };
}
