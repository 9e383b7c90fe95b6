import type { hiddenIntrinsics, LockdownPlan } from "./lockdown-plan.js";
import type { Primordials } from "./primordials.js";

/** What {@link lockDown} leaves: a check for the changes it could not forbid. */
interface Lockdown {
  /** Why the context's built-ins no longer match the locked state, or undefined. */
  tampered(): string | undefined;
}

/**
 * Locks the built-ins of a fresh context before the candidate runs, so that a test's own code
 * (its `===`, `JSON.stringify`, `.every`, `for...of`) works as the language says whatever the
 * candidate did:
 *
 * - every built-in object reachable from the global object (constructors, prototypes, namespaces,
 *   methods, the hidden iterator and generator prototypes, `%TypedArray%`) is frozen; so are the
 *   harness's own globals (`console`, `assert`, `require`, the timers);
 * - `Object.prototype`, `Function.prototype` and the error prototypes are not frozen, because
 *   ordinary programs assign `constructor`, `toString`, `valueOf`, `name` or `message` on objects
 *   that inherit from them (assigning over a frozen inherited property fails): their properties
 *   become non-configurable, only those names stay writable, and they take no new properties; a
 *   changed value of one of them (or of the global object's prototype) is what `tampered` reports;
 * - the global bindings of the built-ins (`Array`, `JSON`, `Math`, ...) become read-only and
 *   non-configurable, so a candidate can neither reassign nor shadow them (`let JSON = ...` is a
 *   SyntaxError), except `escape`, `unescape` and `Iterator`, names programs declare themselves;
 * - `WebAssembly` and `Atomics.wait`/`waitAsync` are removed (no program under test needs them;
 *   they are a compiler and a way to block a thread).
 *
 * The built-ins are found by following the isolate's {@link LockdownPlan}. `harnessObjects` (the
 * harness's `console`, `assert` modules, `require`, timers) are frozen too; `configurableGlobals`
 * (`assert`, `require`, the timers) keep reassignable bindings, since programs declare these names
 * themselves. Runs INSIDE the isolate (see `primordials.ts`).
 */
export function lockDown(
  p: Primordials,
  plan: LockdownPlan,
  hidden: typeof hiddenIntrinsics,
  harnessObjects: readonly object[],
  configurableGlobals: readonly string[],
): Lockdown {
  const global = globalThis as unknown as Record<PropertyKey, unknown>;
  const overridable = ["constructor", "toString", "toLocaleString", "valueOf", "name", "message"];
  const unlocked = ["escape", "unescape", "Iterator"];
  const isOneOf = (key: PropertyKey, names: readonly PropertyKey[]) => {
    for (let index = 0; index < names.length; index++) if (names[index] === key) return true;
    return false;
  };

  p.apply(Reflect.deleteProperty, undefined, [global, "WebAssembly"]);
  const atomics = global.Atomics as Record<string, unknown>;
  p.apply(Reflect.deleteProperty, undefined, [atomics, "wait"]);
  p.apply(Reflect.deleteProperty, undefined, [atomics, "waitAsync"]);

  // Follow the plan to every built-in object of this context.
  const { steps, parents, keys } = plan;
  const count = steps.length;
  const objects: unknown[] = [];
  const hiddenObjects = hidden();
  for (let index = 0; index < count; index++) {
    const step = steps[index];
    const key = keys[index]!;
    const parent = parents[index]!;
    const from = (parent === -1 ? global : objects[parent]) as Record<PropertyKey, unknown>;
    let found: unknown;
    if (step === 0 || step === 1) found = from[key];
    else if (step === 4) found = p.getPrototypeOf(from);
    else if (step === 5) found = hiddenObjects[key as number];
    else {
      const descriptor = p.getOwnPropertyDescriptor(from, key);
      found = descriptor === undefined ? undefined : step === 2 ? descriptor.get : descriptor.set;
    }
    objects[index] = found;
  }
  const exempt: object[] = [];
  for (let index = 0; index < plan.exempt.length; index++)
    exempt[exempt.length] = objects[plan.exempt[index]!] as object;
  const isExempt = (object: unknown) => {
    for (let index = 0; index < exempt.length; index++) if (exempt[index] === object) return true;
    return false;
  };
  for (let index = 0; index < count; index++) {
    const object = objects[index];
    if (
      ((typeof object === "object" && object !== null) || typeof object === "function") &&
      !isExempt(object)
    )
      p.freeze(object);
  }
  for (let index = 0; index < harnessObjects.length; index++) p.freeze(harnessObjects[index]!);

  // The exempt prototypes: non-configurable, writable only where assignments land, closed.
  const watched: { object: object; key: PropertyKey; value: unknown }[] = [];
  for (let index = 0; index < exempt.length; index++) {
    const object = exempt[index]!;
    const ownKeys = p.ownKeys(object);
    for (let position = 0; position < ownKeys.length; position++) {
      const key = ownKeys[position]!;
      const descriptor = p.getOwnPropertyDescriptor(object, key)!;
      if (!("value" in descriptor)) {
        if (descriptor.configurable) p.defineProperty(object, key, { configurable: false });
        continue;
      }
      const writable = descriptor.writable === true && isOneOf(key, overridable);
      p.defineProperty(object, key, { configurable: false, writable });
      if (writable) watched[watched.length] = { object, key, value: descriptor.value };
    }
    p.preventExtensions(object);
  }

  // The built-ins' global bindings: read-only and unshadowable.
  const globalKeys = plan.globalKeys;
  for (let index = 0; index < globalKeys.length; index++) {
    const key = globalKeys[index]!;
    if (isOneOf(key, unlocked) || isOneOf(key, configurableGlobals)) continue;
    const descriptor = p.getOwnPropertyDescriptor(global, key);
    if (descriptor === undefined || !descriptor.configurable) continue;
    p.defineProperty(
      global,
      key,
      "value" in descriptor ? { configurable: false, writable: false } : { configurable: false },
    );
  }
  p.defineProperty(global, "console", { configurable: false, writable: false });
  const globalPrototype = p.getPrototypeOf(global);
  const objectPrototype = exempt[0];
  const functionPrototype = exempt[1];

  return {
    tampered() {
      if (p.getPrototypeOf(global) !== globalPrototype)
        return "the global object's prototype was replaced";
      for (let index = 0; index < watched.length; index++) {
        const entry = watched[index]!;
        const descriptor = p.getOwnPropertyDescriptor(entry.object, entry.key);
        if (descriptor === undefined || descriptor.value !== entry.value) {
          const owner =
            entry.object === objectPrototype
              ? "Object.prototype"
              : entry.object === functionPrototype
                ? "Function.prototype"
                : "an error prototype";
          const name = typeof entry.key === "symbol" ? p.symbolToString(entry.key) : entry.key;
          return `the candidate replaced ${owner}.${name}`;
        }
      }
      return undefined;
    },
  };
}
