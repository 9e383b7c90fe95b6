import type { ExecutionLimits, ExecutionRequest, UnitTest } from "@coderm/core";

/** What every JavaScript attack shares: the task, its test forms, the default limits. */

const problemId = "adversarial-javascript";

const defaultLimits: ExecutionLimits = { timeMs: 1000, memoryMb: 128, outputBytes: 4096 };

const assertForm = (id: string, code: string): UnitTest => ({
  id,
  problemId,
  kind: "assert",
  code,
});

/**
 * The task every attack fails: `f(x)` must return `2 * x`; the forms test `f(21) === 42` as model
 * output (`assert`), MultiPL-E (`node:assert`'s loose `deepEqual`), HumanEval-X (`console.assert`)
 * and HumanEval (`check`) write it, and as a `call` whose expected value stays on the host.
 */
export const forms = {
  assert: assertForm("assert", "assert.strictEqual(f(21), 42);"),
  nodeAssert: assertForm(
    "node-assert",
    "const assert = require('node:assert');\n\nfunction test() {\n  let candidate = f;\n  assert.deepEqual(candidate(21), 42);\n}\n\ntest();\n",
  ),
  consoleAssert: assertForm(
    "console-assert",
    "const testF = () => {\n  console.assert(f(21) === 42)\n}\n\ntestF()\n",
  ),
  json: assertForm("json", "console.assert(JSON.stringify(f(21)) === JSON.stringify(42))"),
  check: {
    id: "check",
    problemId,
    kind: "check",
    entryPoint: "f",
    code: "function check(candidate) {\n  assert(candidate(21) === 42);\n}\n",
  },
  call: { id: "call", problemId, kind: "call", entryPoint: "f", args: [21], expected: 42 },
} satisfies Record<string, UnitTest>;

/** The forms most attacks run against. */
export const everyForm: readonly UnitTest[] = [
  forms.assert,
  forms.nodeAssert,
  forms.consoleAssert,
  forms.check,
  forms.call,
];

/** An assert test of the attack's own (a test that leans on the built-in it goes after). */
export const testOf = (id: string, code: string): UnitTest => assertForm(id, code);

/** A call test of `f(0)` that passes only when the candidate produced `expected` itself. */
export function producesTest(id: string, expected: string): UnitTest {
  return { id, problemId, kind: "call", entryPoint: "f", args: [0], expected };
}

/** An attack's (or a victim's) request: its program, its tests, the default limits with overrides. */
export function request(
  id: string,
  code: string,
  tests: readonly UnitTest[],
  limits: Partial<ExecutionLimits> = {},
): ExecutionRequest {
  return {
    candidate: { id, problemId, code },
    tests: [...tests],
    limits: { ...defaultLimits, ...limits },
    language: "javascript",
  };
}
