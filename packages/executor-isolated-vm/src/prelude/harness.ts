import type { createAssertModules } from "./assert-module.js";
import type { createConsole } from "./console.js";
import type { createDeepEquality } from "./deep-equal.js";
import type { createInspector } from "./inspect.js";
import type { createJudgement, TestOutcome } from "./judgement.js";
import type { lockDown } from "./lockdown.js";
import type { hiddenIntrinsics, LockdownPlan } from "./lockdown-plan.js";
import type { capturePrimordials } from "./primordials.js";
import type { createTimers } from "./timers.js";

/** The pieces the harness is built from, each pasted into the prelude as its own text. */
export interface HarnessFactories {
  capturePrimordials: typeof capturePrimordials;
  createInspector: typeof createInspector;
  createDeepEquality: typeof createDeepEquality;
  createJudgement: typeof createJudgement;
  createAssertModules: typeof createAssertModules;
  createConsole: typeof createConsole;
  createTimers: typeof createTimers;
  lockDown: typeof lockDown;
  hiddenIntrinsics: typeof hiddenIntrinsics;
}

/** What a call test's run gives the host: the value to copy out, or why there is none. */
export type CallResult = { value: unknown } | { thrown: TestOutcome };

/** A test's verdict as the harness sees it, with the captured output. */
export type HarnessVerdict = TestOutcome & { output: string };

/**
 * The host's one handle on a context's harness (a function the host holds a reference to; no
 * global leads to it): `run` a test program's wrapper, `call` the entry point (a function that
 * looks it up) with copied-in arguments, ask whether `timers` are pending and fire the next
 * `timer`, then read the `verdict` (or just the `output` after a timeout).
 */
type HarnessDispatcher = ((operation: "run", wrapper: unknown, kind: "assert" | "check") => void) &
  ((operation: "call", lookup: unknown, args: unknown[]) => CallResult) &
  ((operation: "timer" | "timers") => boolean) &
  ((operation: "verdict") => HarnessVerdict) &
  ((operation: "output") => string);

/** The bindings every test program sees (its wrapper destructures them). */
interface TestBindings {
  assert: unknown;
  require: unknown;
  console: unknown;
  module: unknown;
  exports: unknown;
}

/**
 * Sets up a fresh context for one test and returns its {@link HarnessDispatcher}: captures the
 * intrinsics, builds `console`, `node:assert`, `require` (which resolves only `assert`,
 * `assert/strict` and their `node:` names) and virtual-time timers, installs them as globals,
 * locks the built-ins down following the isolate's `plan` (see `lockdown.ts`), then adds `module`
 * and `exports`. Runs INSIDE the isolate, before the candidate: the prelude script is this
 * function and its factories as text (see `prelude-source.ts`). `outputLimit` bounds the captured
 * output in characters.
 */
export function createHarness(
  outputLimit: number,
  plan: LockdownPlan,
  factories: HarnessFactories,
): HarnessDispatcher {
  const p = factories.capturePrimordials();
  const inspector = factories.createInspector(p);
  const judgement = factories.createJudgement(p, outputLimit);
  const modules = factories.createAssertModules(
    p,
    inspector,
    factories.createDeepEquality(p),
    judgement,
  );
  const consoleObject = factories.createConsole(p, inspector, judgement);
  const timers = factories.createTimers(p, judgement);
  const require = function require(name: unknown): unknown {
    const id =
      typeof name === "string" && p.stringSlice(name, 0, 5) === "node:"
        ? p.stringSlice(name, 5)
        : name;
    if (id === "assert") return modules.legacy;
    if (id === "assert/strict") return modules.strict;
    const error = new p.Error(`Cannot find module '${p.string(name)}'`);
    p.defineProperty(error, "code", { value: "MODULE_NOT_FOUND", enumerable: true });
    throw error;
  };

  const global = globalThis as unknown as Record<string, unknown>;
  const install = (name: string, value: unknown) =>
    p.defineProperty(global, name, { value, writable: true, configurable: true });
  install("console", consoleObject);
  const configurable = ["assert", "require"];
  install("assert", modules.legacy);
  install("require", require);
  const timerNames = p.objectKeys(timers.globals);
  for (let index = 0; index < timerNames.length; index++) {
    const name = timerNames[index]!;
    install(name, timers.globals[name]);
    p.arrayPush(configurable, name);
  }
  const assertionError = (modules.legacy as unknown as { AssertionError: { prototype: object } })
    .AssertionError;
  const harnessObjects: object[] = [
    consoleObject,
    modules.legacy,
    modules.strict,
    assertionError,
    assertionError.prototype,
    require,
  ];
  for (let index = 0; index < timerNames.length; index++)
    p.arrayPush(harnessObjects, timers.globals[timerNames[index]!]!);
  const lockdown = factories.lockDown(
    p,
    plan,
    factories.hiddenIntrinsics,
    harnessObjects,
    configurable,
  );
  const module = { exports: {} as unknown };
  install("module", module);
  install("exports", module.exports);

  const bindings: TestBindings = p.freeze({
    __proto__: null,
    assert: modules.legacy,
    require,
    console: consoleObject,
    module,
    exports: module.exports,
  } as TestBindings);

  function run(wrapper: unknown, kind: "assert" | "check"): void {
    let test: unknown;
    try {
      test = (wrapper as (bindings: TestBindings) => unknown)(bindings);
    } catch (error) {
      judgement.threw(error);
      return;
    }
    try {
      const result = (test as () => unknown)();
      if (kind === "check" || result !== undefined)
        if (p.isPromise(result)) judgement.track(result);
    } catch (error) {
      judgement.threw(error);
    }
  }

  function call(lookup: unknown, args: unknown[]): CallResult {
    try {
      const entry = (lookup as () => unknown)();
      if (typeof entry !== "function")
        throw new p.TypeError(
          `the entry point is ${entry === null ? "null" : typeof entry}, not a function`,
        );
      return { value: p.apply(entry as (...args: unknown[]) => unknown, undefined, args) };
    } catch (error) {
      return { thrown: judgement.describe(error) };
    }
  }

  function dispatch(operation: string, argument?: unknown, extra?: unknown): unknown {
    switch (operation) {
      case "run":
        return run(argument, extra as "assert" | "check");
      case "call":
        return call(argument, extra as unknown[]);
      case "timer":
        return timers.fireNext();
      case "timers":
        return timers.pending();
      case "verdict":
        return { ...judgement.outcome(lockdown.tampered), output: judgement.output() };
      case "output":
        return judgement.output();
      default:
        throw new p.TypeError(`unknown harness operation ${p.string(operation)}`);
    }
  }
  return p.freeze(dispatch) as HarnessDispatcher;
}
