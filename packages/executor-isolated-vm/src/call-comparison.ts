/**
 * How a `call` test's result is judged, on the host, against the test's `expected` (which never
 * enters the isolate): the value copied out of the isolate must equal it strictly and deeply —
 * same types (`1` is not `"1"` nor `1n`, `null` is not `undefined`), arrays item by item, objects by
 * their own keys, only plain data (a copied Map, Set or Date never equals JSON) — with `0` equal
 * to `-0` and `NaN` to `NaN`. Failing that, numbers may differ by the evalplus tolerance: with
 * `atol`, or when `expected` holds fractional numbers (JSON cannot tell `1.0` from `1`, so a number
 * counts as a float when it is not an integer), `|got - want| <= atol + 1e-7 * |want|`, with
 * `atol` 1e-6 by default, for numbers and arrays of them of the same shape.
 */
export function callResultMatches(value: unknown, expected: unknown, atol = 0): boolean {
  if (strictlyEqual(value, expected)) return true;
  const tolerance = atol === 0 && isFloats(expected) ? floatTolerance : atol;
  if (tolerance === 0) return false;
  return allClose(value, expected, tolerance);
}

const floatTolerance = 1e-6;
const relativeTolerance = 1e-7;

function strictlyEqual(value: unknown, expected: unknown): boolean {
  if (typeof value !== typeof expected) return false;
  if (typeof value === "number")
    return value === expected || (Number.isNaN(value) && Number.isNaN(expected));
  if (typeof value !== "object" || value === null || expected === null) return value === expected;
  if (Array.isArray(value) !== Array.isArray(expected)) return false;
  if (Array.isArray(value)) {
    const items = expected as unknown[];
    if (value.length !== items.length) return false;
    for (let index = 0; index < value.length; index++)
      if (!(index in value) || !strictlyEqual(value[index], items[index])) return false;
    return true;
  }
  if (!isPlainObject(value) || !isPlainObject(expected)) return false;
  const keys = Object.keys(value);
  const expectedKeys = Object.keys(expected as object);
  if (keys.length !== expectedKeys.length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(expected as object, key)) return false;
    if (
      !strictlyEqual(
        (value as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
      )
    )
      return false;
  }
  return true;
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isFloats(expected: unknown): boolean {
  const fractional = (item: unknown) => typeof item === "number" && !Number.isInteger(item);
  if (fractional(expected)) return true;
  return (
    Array.isArray(expected) &&
    expected.length > 0 &&
    expected.every((item) => typeof item === "number") &&
    expected.some(fractional)
  );
}

function allClose(value: unknown, expected: unknown, atol: number): boolean {
  if (Array.isArray(value) || Array.isArray(expected)) {
    if (!Array.isArray(value) || !Array.isArray(expected) || value.length !== expected.length)
      return false;
    return value.every((item, index) => allClose(item, expected[index], atol));
  }
  if (typeof value !== "number" || typeof expected !== "number") return false;
  if (Number.isFinite(value) && Number.isFinite(expected))
    return Math.abs(value - expected) <= atol + relativeTolerance * Math.abs(expected);
  return value === expected;
}
