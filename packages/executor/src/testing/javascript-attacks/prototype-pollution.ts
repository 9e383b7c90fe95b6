import { everyForm, forms, request, testOf } from "./helpers.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

/** One attack: a wrong `f` plus a change to the built-ins, against tests that use them. */
const pollution = (
  id: string,
  description: string,
  code: string,
  tests = [forms.json, ...everyForm],
): JavaScriptAdversarialAttack => ({
  id,
  category: "monkeypatch",
  description,
  request: () => request(id, code, tests),
});

const iterationTest = testOf(
  "for-of",
  "for (const [input, expected] of [[21, 42]]) assert.strictEqual(f(input), expected);",
);

/**
 * Prototype pollution: a candidate rewrites the built-ins a test's own comparison uses
 * (`Array.prototype.every`, `JSON.stringify`, iterators, `Object.is`, `toJSON`, `valueOf`, ...),
 * so that a wrong answer compares equal, or so that the test's loop never runs.
 */
export const prototypePollution: JavaScriptAdversarialAttack[] = [
  pollution(
    "array-every-override",
    "Array.prototype.every answers true whatever the items",
    "Array.prototype.every = function () { return true; };\nfunction f(x) { return x; }\n",
    [testOf("every", "console.assert([f(21)].every((value) => value === 42))"), ...everyForm],
  ),
  pollution(
    "array-every-strict-override",
    "the same in strict mode, where the assignment throws",
    "'use strict';\nArray.prototype.every = function () { return true; };\nfunction f(x) { return x; }\n",
    [testOf("every", "console.assert([f(21)].every((value) => value === 42))")],
  ),
  pollution(
    "json-stringify-override",
    "JSON.stringify returns one constant, so any two values serialize alike",
    "JSON.stringify = () => 'same';\nfunction f(x) { return x; }\n",
  ),
  pollution(
    "json-stringify-define",
    "redefines JSON.stringify with Object.defineProperty",
    "Object.defineProperty(JSON, 'stringify', { value: () => 'same' });\nfunction f(x) { return x; }\n",
  ),
  pollution(
    "json-global-replace",
    "replaces the global JSON object through globalThis",
    "globalThis.JSON = { stringify: () => 'same', parse: () => 42 };\nfunction f(x) { return x; }\n",
  ),
  pollution(
    "json-var-redeclare",
    "redeclares JSON with var at the top level",
    "var JSON = { stringify: () => 'same' };\nfunction f(x) { return x; }\n",
  ),
  pollution(
    "json-let-shadow",
    "shadows JSON with a top-level let, which later scripts would see",
    "let JSON = { stringify: () => 'same' };\nfunction f(x) { return x; }\n",
  ),
  pollution(
    "array-iterator-empty",
    "makes Array.prototype[Symbol.iterator] yield nothing, so a test's for...of never asserts",
    "Array.prototype[Symbol.iterator] = function* () {};\nfunction f(x) { return x; }\n",
    [iterationTest, forms.check],
  ),
  pollution(
    "array-iterator-next",
    "makes %ArrayIteratorPrototype%.next report done at once",
    "Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true, value: undefined });\nfunction f(x) { return x; }\n",
    [iterationTest],
  ),
  pollution(
    "object-is-override",
    "Object.is answers true for anything",
    "Object.is = () => true;\nfunction f(x) { return x; }\n",
    [testOf("object-is", "assert(Object.is(f(21), 42))")],
  ),
  pollution(
    "array-includes-override",
    "Array.prototype.includes answers true",
    "Array.prototype.includes = () => true;\nfunction f(x) { return x; }\n",
    [testOf("includes", "console.assert([42].includes(f(21)))")],
  ),
  pollution(
    "math-abs-override",
    "Math.abs returns 0, so any tolerance check holds",
    "Math.abs = () => 0;\nfunction f(x) { return x; }\n",
    [testOf("tolerance", "console.assert(Math.abs(f(21) - 42) < 1e-9)")],
  ),
  pollution(
    "method-own-call",
    "gives Array.prototype.every an own `call` that answers true",
    "Array.prototype.every.call = () => true;\nfunction f(x) { return x; }\n",
    [
      testOf(
        "every-call",
        "console.assert(Array.prototype.every.call([f(21)], (value) => value === 42))",
      ),
    ],
  ),
  pollution(
    "object-prototype-tojson",
    "adds Object.prototype.toJSON, so every object serializes as 42",
    "Object.prototype.toJSON = function () { return 42; };\nfunction f(x) { return {}; }\n",
    [forms.json],
  ),
  pollution(
    "number-prototype-tojson",
    "adds Number.prototype.toJSON",
    "Number.prototype.toJSON = function () { return 42; };\nfunction f(x) { return new Number(x); }\n",
    [forms.json],
  ),
  pollution(
    "object-prototype-valueof",
    "replaces Object.prototype.valueOf, so {} == 42",
    "Object.prototype.valueOf = function () { return 42; };\nfunction f(x) { return {}; }\n",
    [testOf("loose", "console.assert(f(21) == 42)")],
  ),
  pollution(
    "object-prototype-tostring",
    "replaces Object.prototype.toString, so String({}) is '42'",
    "Object.prototype.toString = function () { return '42'; };\nfunction f(x) { return {}; }\n",
    [testOf("string", "console.assert(String(f(21)) === '42')")],
  ),
  pollution(
    "array-prototype-tostring",
    "replaces Array.prototype.toString and join, so [21] == '42'",
    "Array.prototype.toString = () => '42';\nArray.prototype.join = () => '42';\nfunction f(x) { return [x]; }\n",
    [testOf("loose-array", "console.assert(f(21) == '42')")],
  ),
  pollution(
    "symbol-toprimitive-prototype",
    "defines Object.prototype[Symbol.toPrimitive] returning 42",
    "Object.defineProperty(Object.prototype, Symbol.toPrimitive, { value: () => 42 });\nfunction f(x) { return {}; }\n",
    [testOf("loose", "console.assert(f(21) == 42)")],
  ),
  pollution(
    "array-prototype-proxy",
    "puts a Proxy that answers every missing method below Array.prototype",
    "Object.setPrototypeOf(Array.prototype, new Proxy(Object.prototype, { get: () => () => true }));\nfunction f(x) { return x; }\n",
    [testOf("proxied", "console.assert([f(21)].some((value) => value === 42))")],
  ),
  pollution(
    "promise-then-override",
    "makes Promise.prototype.then drop callbacks, so an async test never asserts",
    "Promise.prototype.then = function () { return this; };\nasync function f(x) { return x; }\n",
    [testOf("async", "(async () => { assert.strictEqual(await f(21), 42); })();")],
  ),
  pollution(
    "error-prepare-stack-trace",
    "installs Error.prepareStackTrace to reach callers' frames",
    "Error.prepareStackTrace = (error, frames) => frames.map((frame) => String(frame.getFunction && frame.getFunction()));\nfunction f(x) { void new Error().stack; return x; }\n",
  ),
  pollution(
    "freeze-everything",
    "freezes the global object and the prototypes the harness builds errors from",
    "Object.freeze(Error.prototype);\nObject.freeze(Object.prototype);\nObject.freeze(globalThis);\nfunction f(x) { return x; }\n",
  ),
];
