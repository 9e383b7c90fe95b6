import { request, testOf } from "./helpers.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

const stringTest = testOf("string", "console.assert(String(f(21)) === '42')");

/**
 * Changes meant to outlive a test: a candidate rewrites what it may (Object.prototype.toString
 * stays writable, for ordinary programs) and leaves globals behind, so that a later wrong
 * candidate on the same worker would pass. Every test runs in a fresh context.
 */
export const interference: JavaScriptAdversarialAttack[] = [
  {
    id: "persistent-prototype-change",
    category: "interference",
    description: "replaces Object.prototype.toString and leaves a global for later candidates",
    request: () =>
      request(
        "persistent-prototype-change",
        "Object.prototype.toString = function () { return '42'; };\nglobalThis.answer = 42;\nfunction f(x) { return {}; }\n",
        [stringTest],
      ),
    victim: () => ({
      requests: [0, 1, 2, 3].map((index) =>
        request(
          `persistent-prototype-victim-${index}`,
          `function f(x) { return typeof answer === 'number' ? answer : { index: ${index} }; }\n`,
          [stringTest, testOf("answer", "assert.strictEqual(f(21), 42)")],
        ),
      ),
      expected: "fail",
      after: true,
    }),
  },
];
