import { forms, request, testOf } from "./helpers.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

/** The strict forms: under Node's own semantics none of them lets a coercion through. */
const strictForms = [forms.assert, forms.consoleAssert, forms.check, forms.call];

const comparisonAttack = (
  id: string,
  description: string,
  code: string,
  tests = [...strictForms, forms.nodeAssert],
): JavaScriptAdversarialAttack => ({
  id,
  category: "comparison",
  description,
  request: () => request(id, code, tests),
});

/**
 * Values that pretend to be the answer: objects that coerce to 42 (`valueOf`, `toString`,
 * `Symbol.toPrimitive`), Proxies that claim to be numbers or arrays, boxed numbers, and values
 * that only the loose `==` of a test could confuse. None of them is 42 to a strict comparison,
 * to `deepEqual` (an object never loosely deep-equals a primitive) or to the host's call check.
 */
export const comparison: JavaScriptAdversarialAttack[] = [
  comparisonAttack(
    "valueof-object",
    "returns an object whose valueOf and toString give 42",
    "function f(x) { return { valueOf: () => 42, toString: () => '42' }; }\n",
  ),
  comparisonAttack(
    "toprimitive-object",
    "returns an object whose Symbol.toPrimitive gives 42 (or '42') for any hint",
    "function f(x) { return { [Symbol.toPrimitive]: (hint) => (hint === 'string' ? '42' : 42) }; }\n",
  ),
  comparisonAttack(
    "stateful-coercion",
    "returns an object that coerces to 42 only on its first conversion",
    "function f(x) { let calls = 0; return { valueOf: () => (calls++ === 0 ? 42 : x) }; }\n",
  ),
  comparisonAttack(
    "number-proxy",
    "returns a Proxy that claims Number.prototype and answers every property with 42",
    "function f(x) {\n  return new Proxy({}, {\n    get: (target, key) => (key === Symbol.toPrimitive ? () => 42 : 42),\n    getPrototypeOf: () => Number.prototype,\n    has: () => true,\n    ownKeys: () => [],\n  });\n}\n",
  ),
  comparisonAttack(
    "array-proxy",
    "returns a Proxy of [21] whose traps lie (any length, Array.prototype) or throw",
    "function f(x) {\n  let reads = 0;\n  return new Proxy([x], {\n    get: (target, key) => (key === 'length' ? 1 : reads++ > 3 ? 42 : Reflect.get(target, key)),\n    ownKeys: () => { throw new Error('no keys'); },\n    getPrototypeOf: () => Array.prototype,\n  });\n}\n",
    [
      testOf("deep-strict", "assert.deepStrictEqual(f(21), [42]);"),
      testOf("deep", "assert.deepEqual(f(21), [42]);"),
      forms.call,
    ],
  ),
  comparisonAttack(
    "boxed-number",
    "returns new Number(42), an object",
    "function f(x) { return new Number(2 * x); }\n",
  ),
  comparisonAttack(
    "string-answer",
    "returns the string '42', which only == confuses with 42",
    "function f(x) { return String(2 * x); }\n",
    strictForms,
  ),
  comparisonAttack(
    "bigint-answer",
    "returns 42n, which only == confuses with 42",
    "function f(x) { return BigInt(2 * x); }\n",
    strictForms,
  ),
  comparisonAttack(
    "array-of-answer",
    "returns [42], which == 42 through Array.prototype.toString",
    "function f(x) { return [2 * x]; }\n",
    strictForms,
  ),
  comparisonAttack(
    "equal-getter-object",
    "returns an object whose getters change on every read",
    "function f(x) { let reads = 0; return { get value() { return reads++ === 0 ? 42 : x; } }; }\n",
    [
      testOf(
        "field",
        "const result = f(21);\nassert.strictEqual(result.value, 42);\nassert.strictEqual(result.value, 42);",
      ),
      { ...forms.call, expected: { value: 42 } },
    ],
  ),
  comparisonAttack(
    "negative-zero-and-nan",
    "returns NaN, which a careless != would let through",
    "function f(x) { return NaN; }\n",
    [testOf("not-not-equal", "console.assert(!(f(21) !== f(21)) || f(21) === 42)"), forms.call],
  ),
];
