import { everyForm, forms, request, testOf } from "./helpers.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

const tampering = (
  id: string,
  description: string,
  code: string,
  tests = everyForm,
  category: JavaScriptAdversarialAttack["category"] = "monkeypatch",
): JavaScriptAdversarialAttack => ({
  id,
  category,
  description,
  request: () => request(id, code, tests),
});

/**
 * Attacks on the judge itself: the injected `assert` module, `console.assert`, `require`, the
 * `check` function, assertion errors a candidate catches, forged output and thrown "verdicts".
 */
export const harnessTampering: JavaScriptAdversarialAttack[] = [
  tampering(
    "assert-methods-reassign",
    "reassigns the global assert's methods to no-ops",
    "assert.strictEqual = () => {};\nassert.deepEqual = () => {};\nassert.ok = () => {};\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "required-assert-patch",
    "patches the module require('node:assert') returns, and its strict variant",
    "const shared = require('node:assert');\nshared.deepEqual = () => {};\nshared.strict.equal = () => {};\nrequire('assert/strict').deepEqual = () => {};\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "assert-define-property",
    "redefines assert.strictEqual with Object.defineProperty (strict mode)",
    "'use strict';\nObject.defineProperty(assert, 'strictEqual', { value: () => {} });\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "assertion-error-prototype",
    "makes AssertionError's prototype answer like a plain object and its constructor return nothing",
    "try { Object.setPrototypeOf(assert.AssertionError.prototype, Object.prototype); } catch {}\ntry { assert.AssertionError.prototype.name = 'Pass'; } catch {}\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "console-assert-reassign",
    "replaces console.assert with a no-op",
    "console.assert = () => {};\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "console-global-replace",
    "replaces the global console object",
    "globalThis.console = { assert() {}, log() {}, error() {} };\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "console-let-shadow",
    "shadows console with a top-level let",
    "let console = { assert() {}, log() {} };\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "assert-const-shadow",
    "declares its own top-level assert that checks nothing",
    "const assert = Object.assign(() => {}, { strictEqual() {}, deepEqual() {}, ok() {} });\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "require-function-shadow",
    "declares its own require that returns a lenient assert",
    "function require() { return { deepEqual() {}, strictEqual() {}, equal() {} }; }\nfunction f(x) { return x; }\n",
  ),
  tampering(
    "check-function-shadow",
    "defines a global check that accepts anything",
    "function check() { return true; }\nvar check2 = check;\nfunction f(x) { return x; }\n",
    [forms.check],
  ),
  tampering(
    "swallow-assertion-error",
    "catches the assertion error raised in the callback the test hands it",
    "function f(x, verify) {\n  try { if (verify) verify(x); } catch {}\n  return 2 * x;\n}\n",
    [
      testOf("callback", "f(21, (value) => assert.strictEqual(value, 42));"),
      testOf("console-callback", "f(21, (value) => console.assert(value === 42));"),
    ],
  ),
  tampering(
    "consume-with-throws",
    "hands its caught assertion error to assert.throws, hoping the harness counts it as expected",
    "function f(x, verify) {\n  let caught;\n  try { verify(x); } catch (error) { caught = error; }\n  assert.throws(() => { throw caught; });\n  return 2 * x;\n}\n",
    [testOf("callback", "f(21, (value) => assert.strictEqual(value, 42));")],
  ),
  tampering(
    "throw-pass-object",
    "throws an object shaped like a passing verdict",
    "throw { status: 'pass', name: 'Pass', message: 'all tests passed' };\n",
    everyForm,
    "output-forgery",
  ),
  tampering(
    "print-verdicts",
    "prints lines that look like passing verdicts before failing",
    "console.log(JSON.stringify({ status: 'pass' }));\nconsole.log('All tests passed');\nfunction f(x) { console.log('PASS'); return x; }\n",
    everyForm,
    "output-forgery",
  ),
  tampering(
    "exit-early",
    "tries to end the program before the test runs",
    "if (typeof process !== 'undefined') process.exit(0);\nfunction f(x) { return x; }\nthrow 'exit';\n",
    everyForm,
    "early-exit",
  ),
];
