import type { Primordials } from "./primordials.js";

/**
 * Node's deep equality (`lib/internal/util/comparisons.js`), as `assert.deepEqual` (loose:
 * primitives by `==`, prototypes ignored) and `assert.deepStrictEqual` (strict: `Object.is`,
 * prototypes and tags compared) use it: arrays with their holes and extra keys, plain objects by
 * own enumerable keys (and symbols when strict), Dates, RegExps, errors, typed arrays, boxed
 * primitives, Sets and Maps (order-free, deep), cycles. Runs INSIDE the isolate (see
 * `primordials.ts`): every lookup goes through captured intrinsics, so a candidate's changes to
 * built-in prototypes cannot bend it; the values compared are read as any program would read them.
 */
export interface DeepEquality {
  isDeepEqual(actual: unknown, expected: unknown): boolean;
  isDeepStrictEqual(actual: unknown, expected: unknown): boolean;
}

/** Builds the {@link DeepEquality} of a context. */
export function createDeepEquality(p: Primordials): DeepEquality {
  const indexPattern = /^(?:0|[1-9]\d*)$/;
  const isIndex = (key: PropertyKey) =>
    typeof key === "string" && p.regExpExec(indexPattern, key) !== null;

  /** Pairs under comparison, for cycles: a pair met again counts as equal. */
  type Memo = { left: unknown[]; right: unknown[] };

  function equal(actual: unknown, expected: unknown, strict: boolean, memo: Memo): boolean {
    if (actual === expected) return actual !== 0 || !strict || p.objectIs(actual, expected);
    if (strict) {
      if (typeof actual !== "object")
        return (
          typeof actual === "number" && p.numberIsNaN(actual) && p.numberIsNaN(expected as number)
        );
      if (typeof expected !== "object" || actual === null || expected === null) return false;
      if (p.getPrototypeOf(actual) !== p.getPrototypeOf(expected)) return false;
    } else {
      if (actual === null || typeof actual !== "object") {
        if (expected === null || typeof expected !== "object")
          // biome-ignore lint/suspicious/noDoubleEquals: loose deep equality compares primitives with ==
          return actual == expected || (p.numberIsNaN(actual) && p.numberIsNaN(expected));
        return false;
      }
      if (expected === null || typeof expected !== "object") return false;
    }
    const left = actual as object;
    const right = expected as object;
    if (p.objectToString(left) !== p.objectToString(right)) return false;
    for (let index = 0; index < memo.left.length; index++)
      if (memo.left[index] === left && memo.right[index] === right) return true;
    p.arrayPush(memo.left, left);
    p.arrayPush(memo.right, right);
    try {
      return equalObjects(left, right, strict, memo);
    } finally {
      memo.left.length -= 1;
      memo.right.length -= 1;
    }
  }

  function equalObjects(left: object, right: object, strict: boolean, memo: Memo): boolean {
    if (p.isArray(left)) {
      if (!p.isArray(right)) return false;
      const length = (left as unknown[]).length;
      if (length !== (right as unknown[]).length) return false;
      for (let index = 0; index < length; index++) {
        const own = p.hasOwn(left, index);
        if (own !== p.hasOwn(right, index)) return false;
        if (own && !equal((left as unknown[])[index], (right as unknown[])[index], strict, memo))
          return false;
      }
      return equalKeys(left, right, strict, memo, true);
    }
    if (p.isDate(left))
      return p.isDate(right) && p.dateGetTime(left as Date) === p.dateGetTime(right as Date)
        ? equalKeys(left, right, strict, memo, false)
        : false;
    if (p.isRegExp(left))
      return p.isRegExp(right) &&
        p.regExpSource(left as RegExp) === p.regExpSource(right as RegExp) &&
        p.regExpFlags(left as RegExp) === p.regExpFlags(right as RegExp)
        ? equalKeys(left, right, strict, memo, false)
        : false;
    if (p.isArrayBufferView(left)) {
      if (!p.isArrayBufferView(right)) return false;
      const length = p.typedArrayLength(left);
      if (length !== p.typedArrayLength(right)) return false;
      for (let index = 0; index < length; index++)
        if (
          !equal(
            (left as unknown as unknown[])[index],
            (right as unknown as unknown[])[index],
            strict,
            memo,
          )
        )
          return false;
      return equalKeys(left, right, strict, memo, true);
    }
    if (p.isSet(left))
      return p.isSet(right) && equalSets(left as Set<unknown>, right as Set<unknown>, strict, memo)
        ? equalKeys(left, right, strict, memo, false)
        : false;
    if (p.isMap(left))
      return p.isMap(right) &&
        equalMaps(left as Map<unknown, unknown>, right as Map<unknown, unknown>, strict, memo)
        ? equalKeys(left, right, strict, memo, false)
        : false;
    if (p.objectToString(left) === "[object Error]") {
      if (
        !p.objectIs(readData(left, "message"), readData(right, "message")) ||
        !p.objectIs(readData(left, "name"), readData(right, "name"))
      )
        return false;
      return equalKeys(left, right, strict, memo, false);
    }
    const boxed = boxedValue(left);
    if (boxed.boxed) {
      const other = boxedValue(right);
      if (!other.boxed || !p.objectIs(boxed.value, other.value)) return false;
      return equalKeys(left, right, strict, memo, false);
    }
    if (
      p.isArray(right) ||
      p.isArrayBufferView(right) ||
      p.isSet(right) ||
      p.isMap(right) ||
      p.isDate(right) ||
      p.isRegExp(right) ||
      boxedValue(right).boxed
    )
      return false;
    return equalKeys(left, right, strict, memo, false);
  }

  /** `message` and `name` as Node reads them for errors (a getter may run: the program's own). */
  function readData(object: object, key: string): unknown {
    return (object as Record<string, unknown>)[key];
  }

  /** The primitive inside a Number, String, Boolean, BigInt or Symbol object. */
  function boxedValue(object: object): { boxed: boolean; value?: unknown } {
    const tag = p.objectToString(object);
    const unbox: Record<string, (value: object) => unknown> = {
      "[object Number]": boxedNumber,
      "[object String]": boxedString,
      "[object Boolean]": boxedBoolean,
      "[object BigInt]": boxedBigInt,
      "[object Symbol]": boxedSymbol,
    };
    const read = p.hasOwn(unbox, tag) ? unbox[tag] : undefined;
    if (read === undefined) return { boxed: false };
    try {
      return { boxed: true, value: read(object) };
    } catch {
      return { boxed: false };
    }
  }
  const boxedNumber = uncurryValueOf(Number.prototype.valueOf);
  const boxedString = uncurryValueOf(String.prototype.valueOf);
  const boxedBoolean = uncurryValueOf(Boolean.prototype.valueOf);
  const boxedBigInt = uncurryValueOf(BigInt.prototype.valueOf);
  const boxedSymbol = uncurryValueOf(Symbol.prototype.valueOf);
  function uncurryValueOf(method: () => unknown) {
    return (value: object) => p.apply(method, value, []);
  }

  /** Own enumerable keys (non-index ones of arrays), then each pair of values deeply. */
  function equalKeys(
    left: object,
    right: object,
    strict: boolean,
    memo: Memo,
    skipIndexes: boolean,
  ): boolean {
    const leftKeys = enumerableKeys(left, strict, skipIndexes);
    const rightKeys = enumerableKeys(right, strict, skipIndexes);
    if (leftKeys.length !== rightKeys.length) return false;
    for (let index = 0; index < leftKeys.length; index++) {
      const key = leftKeys[index]!;
      if (!p.hasOwn(right, key) || !p.isEnumerable(right, key)) return false;
    }
    for (let index = 0; index < leftKeys.length; index++) {
      const key = leftKeys[index]!;
      if (
        !equal(
          (left as Record<PropertyKey, unknown>)[key],
          (right as Record<PropertyKey, unknown>)[key],
          strict,
          memo,
        )
      )
        return false;
    }
    return true;
  }

  function enumerableKeys(object: object, strict: boolean, skipIndexes: boolean): PropertyKey[] {
    const keys = p.ownKeys(object);
    const kept: PropertyKey[] = [];
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      if (typeof key === "symbol" && !strict) continue;
      if (skipIndexes && (key === "length" || isIndex(key))) continue;
      if (p.isEnumerable(object, key)) p.arrayPush(kept, key);
    }
    return kept;
  }

  function listOf(collection: Set<unknown> | Map<unknown, unknown>, isMap: boolean): unknown[][] {
    const items: unknown[][] = [];
    if (isMap)
      p.mapForEach(collection as Map<unknown, unknown>, (value, key) => {
        p.arrayPush(items, [key, value]);
      });
    else
      p.setForEach(collection as Set<unknown>, (value) => {
        p.arrayPush(items, [value, undefined]);
      });
    return items;
  }

  /** Every item of one matches a distinct item of the other (primitives by identity first). */
  function matchAll(
    left: unknown[][],
    right: unknown[][],
    strict: boolean,
    memo: Memo,
    isMap: boolean,
  ): boolean {
    if (left.length !== right.length) return false;
    const used: boolean[] = [];
    for (let index = 0; index < right.length; index++) p.arrayPush(used, false);
    for (let index = 0; index < left.length; index++) {
      const item = left[index]!;
      const key = item[0];
      const value = item[1];
      let found = false;
      for (let other = 0; other < right.length && !found; other++) {
        if (used[other]) continue;
        const candidate = right[other]!;
        if (
          equal(key, candidate[0], strict, memo) &&
          (!isMap || equal(value, candidate[1], strict, memo))
        ) {
          used[other] = true;
          found = true;
        }
      }
      if (!found) return false;
    }
    return true;
  }

  function equalSets(left: Set<unknown>, right: Set<unknown>, strict: boolean, memo: Memo) {
    if (p.setSize(left) !== p.setSize(right)) return false;
    return matchAll(listOf(left, false), listOf(right, false), strict, memo, false);
  }

  function equalMaps(
    left: Map<unknown, unknown>,
    right: Map<unknown, unknown>,
    strict: boolean,
    memo: Memo,
  ) {
    if (p.mapSize(left) !== p.mapSize(right)) return false;
    return matchAll(listOf(left, true), listOf(right, true), strict, memo, true);
  }

  return {
    isDeepEqual: (actual, expected) => equal(actual, expected, false, { left: [], right: [] }),
    isDeepStrictEqual: (actual, expected) => equal(actual, expected, true, { left: [], right: [] }),
  };
}
