/**
 * Where every built-in object of a context is, as a list of steps from the global object: the
 * walk that finds them (through prototypes, property values and accessors) is done once per
 * isolate, in a context of its own, and each test's context then follows the steps, which costs a
 * fraction of walking again. Well-known symbols are shared by every context of an isolate, so the
 * plan's keys hold in all of them. Runs INSIDE the isolate (see `primordials.ts`).
 */
export interface LockdownPlan {
  /** How each object is reached: one of the `step*` codes of {@link planLockdown}. */
  steps: number[];
  /** The index of the object each step starts from (-1 for the global object). */
  parents: number[];
  /** The property key of the step (for hidden intrinsics, the index in `hiddenIntrinsics()`). */
  keys: PropertyKey[];
  /** Indexes of the objects to close but not freeze (see `lockdown.ts`). */
  exempt: number[];
  /** The global object's own keys: the built-ins' bindings. */
  globalKeys: PropertyKey[];
}

/**
 * The built-ins no property of the global object leads to, each reached by creating one (an
 * array iterator, a generator, ...): their prototypes are intrinsics too.
 */
export function hiddenIntrinsics(): object[] {
  type IteratorHelpers = { map(mapper: (value: unknown) => unknown): object };
  type IteratorConstructor = { from(source: object): object };
  const makers = [
    () => [][Symbol.iterator](),
    () => new Map()[Symbol.iterator](),
    () => new Set()[Symbol.iterator](),
    () => ""[Symbol.iterator](),
    () => /a/[Symbol.matchAll](""),
    () => function* () {},
    () => (function* () {})(),
    () => async () => {},
    () => async function* () {},
    () => (async function* () {})(),
    () => Int8Array,
    () => ([].values() as unknown as IteratorHelpers).map((value) => value),
    () =>
      ((globalThis as unknown as Record<string, unknown>).Iterator as IteratorConstructor).from({
        next: () => ({ done: true, value: undefined }),
      }),
  ];
  const found: object[] = [];
  for (let index = 0; index < makers.length; index++) {
    try {
      found[found.length] = makers[index]!() as object;
    } catch {
      found[found.length] = {};
    }
  }
  return found;
}

/**
 * Walks the built-ins of a pristine context (after `WebAssembly` and `Atomics.wait` are gone) and
 * returns the {@link LockdownPlan}. Step codes: 0 a global property, 1 a data property of the
 * parent, 2 and 3 the getter and setter of its accessor, 4 its prototype, 5 a hidden intrinsic.
 */
export function planLockdown(hidden: typeof hiddenIntrinsics): LockdownPlan {
  const global = globalThis as unknown as Record<PropertyKey, unknown>;
  Reflect.deleteProperty(global, "WebAssembly");
  const atomics = global.Atomics as Record<string, unknown>;
  Reflect.deleteProperty(atomics, "wait");
  Reflect.deleteProperty(atomics, "waitAsync");
  const plan: LockdownPlan = { steps: [], parents: [], keys: [], exempt: [], globalKeys: [] };
  const index = new Map<object, number>();
  const queue: object[] = [];
  const add = (object: unknown, step: number, parent: number, key: PropertyKey) => {
    if (!((typeof object === "object" && object !== null) || typeof object === "function")) return;
    if (object === global || index.has(object)) return;
    index.set(object, plan.steps.length);
    plan.steps.push(step);
    plan.parents.push(parent);
    plan.keys.push(key);
    queue.push(object);
  };
  plan.globalKeys = Reflect.ownKeys(global).filter((key) => key !== "console");
  for (const key of plan.globalKeys) {
    const descriptor = Reflect.getOwnPropertyDescriptor(global, key);
    if (descriptor !== undefined && "value" in descriptor) add(descriptor.value, 0, -1, key);
  }
  hidden().forEach((object, position) => {
    add(object, 5, -1, position);
  });
  for (let next = 0; next < queue.length; next++) {
    const object = queue[next]!;
    add(Reflect.getPrototypeOf(object), 4, next, "");
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
      if ("value" in descriptor) add(descriptor.value, 1, next, key);
      else {
        add(descriptor.get, 2, next, key);
        add(descriptor.set, 3, next, key);
      }
    }
  }
  const exempt = [Object.prototype, Function.prototype];
  for (const name of [
    "Error",
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
    "AggregateError",
    "SuppressedError",
  ]) {
    const errorClass = global[name];
    if (typeof errorClass === "function") exempt.push(errorClass.prototype as object);
  }
  for (const object of exempt) {
    const position = index.get(object);
    if (position !== undefined) plan.exempt.push(position);
  }
  return plan;
}
