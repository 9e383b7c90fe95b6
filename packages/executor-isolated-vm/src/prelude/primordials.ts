/**
 * The intrinsics the in-isolate harness uses, captured when a test's context is fresh, before any
 * candidate code runs. Methods are uncurried (`arrayPush(list, item)`), so that the harness never
 * looks a method up on an object a candidate could have changed, nor calls `.call`/`.apply`, nor
 * iterates (spread, `for...of`), since those consult `Array.prototype[Symbol.iterator]`.
 *
 * This module's functions run INSIDE the isolate: `preludeSource` pastes their text into the
 * prelude script. They must not refer to anything outside their own body but their parameters and
 * the isolate's built-in globals.
 */

type Uncurried<Self, Args extends unknown[], Result> = (self: Self, ...args: Args) => Result;

/** Captured intrinsics; see {@link capturePrimordials}. */
export interface Primordials {
  apply: typeof Reflect.apply;
  ownKeys: typeof Reflect.ownKeys;
  getOwnPropertyDescriptor: typeof Reflect.getOwnPropertyDescriptor;
  defineProperty: typeof Object.defineProperty;
  getPrototypeOf: typeof Reflect.getPrototypeOf;
  setPrototypeOf: typeof Object.setPrototypeOf;
  freeze: typeof Object.freeze;
  preventExtensions: typeof Object.preventExtensions;
  isFrozen: typeof Object.isFrozen;
  objectIs: typeof Object.is;
  objectKeys: typeof Object.keys;
  objectCreate: typeof Object.create;
  hasOwn: (target: object, key: PropertyKey) => boolean;
  isArray: typeof Array.isArray;
  isArrayBufferView: typeof ArrayBuffer.isView;
  objectToString: Uncurried<unknown, [], string>;
  isEnumerable: Uncurried<unknown, [PropertyKey], boolean>;
  arrayPush: Uncurried<unknown[], unknown[], number>;
  arrayJoin: Uncurried<unknown[], [string], string>;
  stringSlice: Uncurried<string, [number, number?], string>;
  stringIndexOf: Uncurried<string, [string], number>;
  stringReplaceAll: Uncurried<string, [string, string], string>;
  stringRepeat: Uncurried<string, [number], string>;
  stringPadStart: Uncurried<string, [number, string], string>;
  string: (value: unknown) => string;
  number: (value: unknown) => number;
  numberIsNaN: typeof Number.isNaN;
  numberIsInteger: typeof Number.isInteger;
  numberToFixed: Uncurried<number, [number], string>;
  mathMin: typeof Math.min;
  mathMax: typeof Math.max;
  mathTrunc: typeof Math.trunc;
  jsonStringify: (value: unknown) => string | undefined;
  symbolToString: Uncurried<symbol, [], string>;
  bigintToString: Uncurried<bigint, [], string>;
  functionToString: Uncurried<unknown, [], string>;
  dateGetTime: Uncurried<Date, [], number>;
  dateToISOString: Uncurried<Date, [], string>;
  regExpExec: Uncurried<RegExp, [string], RegExpExecArray | null>;
  regExpSource: Uncurried<RegExp, [], string>;
  regExpFlags: Uncurried<RegExp, [], string>;
  newMap: <K, V>() => Map<K, V>;
  mapGet: Uncurried<Map<unknown, unknown>, [unknown], unknown>;
  mapSet: Uncurried<Map<unknown, unknown>, [unknown, unknown], unknown>;
  mapHas: Uncurried<Map<unknown, unknown>, [unknown], boolean>;
  mapSize: Uncurried<Map<unknown, unknown>, [], number>;
  mapForEach: Uncurried<Map<unknown, unknown>, [(value: unknown, key: unknown) => void], void>;
  setHas: Uncurried<Set<unknown>, [unknown], boolean>;
  setSize: Uncurried<Set<unknown>, [], number>;
  setForEach: Uncurried<Set<unknown>, [(value: unknown) => void], void>;
  newWeakSet: () => WeakSet<object>;
  weakSetAdd: Uncurried<WeakSet<object>, [object], unknown>;
  weakSetHas: Uncurried<WeakSet<object>, [object], boolean>;
  isMap: (value: object) => boolean;
  isSet: (value: object) => boolean;
  isDate: (value: object) => boolean;
  isRegExp: (value: object) => boolean;
  isPromise: (value: unknown) => value is Promise<unknown>;
  promiseThen: Uncurried<
    Promise<unknown>,
    [(value: unknown) => unknown, (reason: unknown) => unknown],
    Promise<unknown>
  >;
  promiseResolve: (value: unknown) => Promise<unknown>;
  promiseReject: (reason: unknown) => Promise<never>;
  typedArrayLength: Uncurried<ArrayBufferView, [], number>;
  Error: ErrorConstructor;
  TypeError: TypeErrorConstructor;
  RangeError: RangeErrorConstructor;
  ReferenceError: ReferenceErrorConstructor;
  Promise: PromiseConstructor;
}

/** Captures the intrinsics of the current context (see {@link Primordials}). */
export function capturePrimordials(): Primordials {
  const { apply, ownKeys, getOwnPropertyDescriptor, getPrototypeOf } = Reflect;
  const uncurry =
    <Self, Args extends unknown[], Result>(
      method: (this: Self, ...args: Args) => Result,
    ): Uncurried<Self, Args, Result> =>
    (self, ...args) =>
      apply(method, self, args);
  const getter = <Self, Result>(target: object, key: PropertyKey) =>
    uncurry(getOwnPropertyDescriptor(target, key)?.get as (this: Self) => Result);
  // A check that a value is a Map (or a Set, ...) without trusting its prototype chain: the
  // `size` getter throws on anything else.
  const brand = (check: (value: object) => unknown) => (value: object) => {
    try {
      check(value);
      return true;
    } catch {
      return false;
    }
  };
  const mapSize = getter<Map<unknown, unknown>, number>(Map.prototype, "size");
  const setSize = getter<Set<unknown>, number>(Set.prototype, "size");
  const dateGetTime = uncurry(Date.prototype.getTime);
  const regExpSource = getter<RegExp, string>(RegExp.prototype, "source");
  const promiseThen = uncurry(Promise.prototype.then) as Primordials["promiseThen"];
  const isPromise = brand((value) => promiseThen(value as Promise<unknown>, noop, noop));
  const promiseResolve = Promise.resolve.bind(Promise);
  const promiseReject = Promise.reject.bind(Promise);
  const BuiltinMap = Map;
  const BuiltinWeakSet = WeakSet;
  const typedArrayPrototype = getPrototypeOf(Int8Array.prototype) as object;
  function noop() {}
  return {
    apply,
    ownKeys,
    getOwnPropertyDescriptor,
    defineProperty: Object.defineProperty,
    getPrototypeOf,
    setPrototypeOf: Object.setPrototypeOf,
    freeze: Object.freeze,
    preventExtensions: Object.preventExtensions,
    isFrozen: Object.isFrozen,
    objectIs: Object.is,
    objectKeys: Object.keys,
    objectCreate: Object.create,
    hasOwn: Object.hasOwn,
    isArray: Array.isArray,
    isArrayBufferView: ArrayBuffer.isView,
    objectToString: uncurry(Object.prototype.toString),
    isEnumerable: uncurry(Object.prototype.propertyIsEnumerable),
    arrayPush: uncurry(Array.prototype.push) as Primordials["arrayPush"],
    arrayJoin: uncurry(Array.prototype.join) as Primordials["arrayJoin"],
    stringSlice: uncurry(String.prototype.slice) as Primordials["stringSlice"],
    stringIndexOf: uncurry(String.prototype.indexOf) as Primordials["stringIndexOf"],
    stringReplaceAll: uncurry(
      String.prototype.replaceAll,
    ) as unknown as Primordials["stringReplaceAll"],
    stringRepeat: uncurry(String.prototype.repeat),
    stringPadStart: uncurry(String.prototype.padStart),
    string: String,
    number: Number,
    numberIsNaN: Number.isNaN,
    numberIsInteger: Number.isInteger,
    numberToFixed: uncurry(Number.prototype.toFixed) as Primordials["numberToFixed"],
    mathMin: Math.min,
    mathMax: Math.max,
    mathTrunc: Math.trunc,
    jsonStringify: JSON.stringify as (value: unknown) => string | undefined,
    symbolToString: uncurry(Symbol.prototype.toString),
    bigintToString: uncurry(BigInt.prototype.toString) as Primordials["bigintToString"],
    functionToString: uncurry(Function.prototype.toString),
    dateGetTime,
    dateToISOString: uncurry(Date.prototype.toISOString),
    regExpExec: uncurry(RegExp.prototype.exec),
    regExpSource,
    regExpFlags: getter<RegExp, string>(RegExp.prototype, "flags"),
    newMap: () => new BuiltinMap(),
    mapGet: uncurry(Map.prototype.get),
    mapSet: uncurry(Map.prototype.set),
    mapHas: uncurry(Map.prototype.has),
    mapSize,
    mapForEach: uncurry(Map.prototype.forEach) as Primordials["mapForEach"],
    setHas: uncurry(Set.prototype.has),
    setSize,
    setForEach: uncurry(Set.prototype.forEach) as Primordials["setForEach"],
    newWeakSet: () => new BuiltinWeakSet(),
    weakSetAdd: uncurry(WeakSet.prototype.add),
    weakSetHas: uncurry(WeakSet.prototype.has),
    isMap: brand((value) => mapSize(value as Map<unknown, unknown>)),
    isSet: brand((value) => setSize(value as Set<unknown>)),
    isDate: brand((value) => dateGetTime(value as Date)),
    isRegExp: brand((value) => regExpSource(value as RegExp)),
    isPromise: isPromise as Primordials["isPromise"],
    promiseThen,
    promiseResolve,
    promiseReject,
    typedArrayLength: getter<ArrayBufferView, number>(typedArrayPrototype, "length"),
    Error,
    TypeError,
    RangeError,
    ReferenceError,
    Promise,
  };
}
