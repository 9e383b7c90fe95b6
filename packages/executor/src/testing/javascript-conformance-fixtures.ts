import type { UnitTest } from "@coderm/core";
import { expect } from "vitest";
import {
  assertTest,
  type ConformanceCase,
  type ConformanceFixtures,
  collect,
  request,
} from "./conformance.js";

const js = "javascript" as const;
const ts = "typescript" as const;

const checkTest = (id: string, entryPoint: string, code: string): UnitTest => ({
  id,
  problemId: "p",
  kind: "check",
  entryPoint,
  code,
});
const callTest = (
  id: string,
  entryPoint: string,
  args: unknown[],
  expected?: unknown,
  atol?: number,
): UnitTest => ({
  id,
  problemId: "p",
  kind: "call",
  entryPoint,
  args,
  ...(expected === undefined ? {} : { expected }),
  ...(atol === undefined ? {} : { atol }),
});

const cases: ConformanceCase[] = [
  {
    name: "judges assert tests in every benchmark's style as pass, fail and error",
    async run(executor) {
      const tests = [
        assertTest("global-pass", "assert(add(1, 2) === 3)"),
        assertTest("global-fail", "assert(add(1, 2) === 4)"),
        assertTest(
          "node-assert-pass",
          "const assert = require('node:assert');\n\nfunction test() {\n  let candidate = add;\n  assert.deepEqual(candidate(1, 2), 3);\n}\n\ntest();\n",
        ),
        assertTest(
          "node-assert-fail",
          "const assert = require('node:assert');\nassert.deepEqual(add(1, 2), 4);\n",
        ),
        assertTest(
          "strict-fail",
          "const assert = require('assert/strict');\nassert.equal(add(1, 2), '3');",
        ),
        assertTest(
          "console-assert-pass",
          "const testAdd = () => {\n  console.assert(add(1, 2) === 3)\n  console.assert(add(0, 0) === 0)\n}\n\ntestAdd()\n",
        ),
        assertTest(
          "console-assert-fail",
          "const testAdd = () => {\n  console.assert(add(1, 2) === 3)\n  console.assert(add(2, 2) === 5)\n}\n\ntestAdd()\n",
        ),
        assertTest("type-error", "add(1, 2).toFixed.call(null)"),
        assertTest("reference-error", "assert(plus(1, 2) === 3)"),
        assertTest("thrown-string", "throw 'nope'"),
        assertTest("syntax", "assert(add(1, 2) === = 3)"),
      ];
      const verdicts = await collect(executor, [
        request("good", "function add(a, b) {\n  return a + b;\n}\n", tests, {}, js),
        request("broken", "function add(a, b) {\n  return a + ;\n}\n", tests, {}, js),
        request(
          "throws-on-load",
          "throw new RangeError('at load');\nfunction add() {}\n",
          tests.slice(0, 1),
          {},
          js,
        ),
      ]);
      expect(verdicts.size).toBe(2 * tests.length + 1);
      for (const id of ["global-pass", "node-assert-pass", "console-assert-pass"])
        expect(verdicts.get(`good/${id}`)?.status, id).toBe("pass");
      for (const id of ["global-fail", "node-assert-fail", "strict-fail", "console-assert-fail"])
        expect(verdicts.get(`good/${id}`), id).toMatchObject({
          status: "fail",
          errorType: "AssertionError",
        });
      expect(verdicts.get("good/type-error")).toMatchObject({
        status: "error",
        errorType: "TypeError",
      });
      expect(verdicts.get("good/reference-error")).toMatchObject({
        status: "error",
        errorType: "ReferenceError",
      });
      expect(verdicts.get("good/thrown-string")?.status).toBe("error");
      expect(verdicts.get("good/syntax")).toMatchObject({
        status: "error",
        errorType: "SyntaxError",
      });
      for (const test of tests)
        expect(verdicts.get(`broken/${test.id}`), test.id).toMatchObject({
          status: "error",
          errorType: "SyntaxError",
        });
      expect(verdicts.get("throws-on-load/global-pass")).toMatchObject({
        status: "error",
        errorType: "RangeError",
      });
      for (const verdict of verdicts.values()) {
        expect(verdict.wallMs).toBeGreaterThanOrEqual(0);
        expect(verdict.cpuMs).toBeGreaterThanOrEqual(0);
      }
    },
  },
  {
    name: "fails a test whose assertion error is caught, and passes what assert.throws expects",
    async run(executor) {
      const verdicts = await collect(executor, [
        request(
          "swallow",
          "function twice(x, check) {\n  try { check(x * 3); } catch {}\n  return x * 2;\n}\n",
          [
            assertTest("caught", "twice(2, (value) => assert.strictEqual(value, 4));"),
            assertTest("throws", "assert.throws(() => assert.strictEqual(twice(2, () => {}), 5));"),
            assertTest("rejects", "assert.rejects(Promise.reject(new TypeError('x')), TypeError);"),
            assertTest(
              "async-fail",
              "(async () => { assert.strictEqual(await twice(2, () => {}), 5); })();",
            ),
          ],
          {},
          js,
        ),
      ]);
      expect(verdicts.get("swallow/caught")).toMatchObject({
        status: "fail",
        errorType: "AssertionError",
      });
      expect(verdicts.get("swallow/throws")?.status).toBe("pass");
      expect(verdicts.get("swallow/rejects")?.status).toBe("pass");
      expect(verdicts.get("swallow/async-fail")?.status).toBe("fail");
    },
  },
  {
    name: "runs check and call tests; a call's result is compared strictly and deeply",
    async run(executor) {
      const program =
        "const double = (x) => x * 2;\nfunction pairs(n) { return Array.from({ length: n }, (_, i) => [i, { i }]); }\nfunction third(x) { return x / 3; }\nfunction boom() { throw new TypeError('boom'); }\nfunction lambda() { return () => 1; }\n";
      const verdicts = await collect(executor, [
        request(
          "calls",
          program,
          [
            checkTest(
              "check-pass",
              "double",
              "function check(candidate) {\n  console.assert(candidate(2) === 4);\n  assert.strictEqual(candidate(-1), -2);\n}\n",
            ),
            checkTest(
              "check-fail",
              "double",
              "const check = (candidate) => { assert.strictEqual(candidate(2), 5); };",
            ),
            checkTest(
              "check-missing",
              "triple",
              "function check(candidate) { assert(candidate(1) === 3); }",
            ),
            callTest("call-pass", "double", [21], 42),
            callTest("call-fail", "double", [21], 43),
            callTest("call-string", "double", [21], "42"),
            callTest(
              "call-deep",
              "pairs",
              [2],
              [
                [0, { i: 0 }],
                [1, { i: 1 }],
              ],
            ),
            callTest(
              "call-deep-fail",
              "pairs",
              [2],
              [
                [0, { i: 0 }],
                [1, { i: "1" }],
              ],
            ),
            callTest("call-float", "third", [1], 0.3333333, 1e-6),
            callTest("call-float-default", "third", [0.3], 0.1),
            callTest("call-output", "pairs", [1]),
            callTest("call-error", "boom", []),
            callTest("call-missing", "triple", [1], 3),
            callTest("call-uncopyable", "lambda", [], 1),
          ],
          {},
          js,
        ),
      ]);
      const status = (id: string) => verdicts.get(`calls/${id}`)?.status;
      expect(status("check-pass")).toBe("pass");
      expect(status("check-fail")).toBe("fail");
      expect(verdicts.get("calls/check-missing")).toMatchObject({
        status: "error",
        errorType: "ReferenceError",
      });
      expect(status("call-pass")).toBe("pass");
      expect(status("call-fail")).toBe("fail");
      expect(status("call-string")).toBe("fail");
      expect(status("call-deep")).toBe("pass");
      expect(status("call-deep-fail")).toBe("fail");
      expect(status("call-float")).toBe("pass");
      expect(status("call-float-default")).toBe("pass");
      expect(verdicts.get("calls/call-output")).toMatchObject({
        status: "pass",
        value: [[0, { i: 0 }]],
      });
      expect(verdicts.get("calls/call-error")).toMatchObject({
        status: "error",
        errorType: "TypeError",
      });
      expect(verdicts.get("calls/call-missing")).toMatchObject({
        status: "error",
        errorType: "ReferenceError",
      });
      expect(status("call-uncopyable")).toBe("error");
    },
  },
  {
    name: "strips TypeScript types without checking them; invalid code is a SyntaxError",
    async run(executor) {
      const multiplE =
        "declare var require: any;\nconst assert = require('node:assert');\n\nfunction test() {\n  let candidate = strlen;\n  assert.deepEqual(candidate(''), 0);\n  assert.deepEqual(candidate('abc'), 3);\n}\n\ntest();\n";
      const tests = [
        assertTest("multipl-e", multiplE),
        assertTest("typed-test", "const n: number = strlen('ab');\nassert.strictEqual(n, 2);"),
      ];
      const verdicts = await collect(executor, [
        request(
          "typed",
          "interface Sized { length: number }\nfunction strlen<T extends Sized>(value: T): number {\n  return value.length;\n}\n",
          tests,
          {},
          ts,
        ),
        request(
          "enum",
          "enum Unit { One = 1 }\nnamespace Space { export const zero = 0; }\nfunction strlen(s: string): number { return s.length * Unit.One + Space.zero; }\n",
          tests,
          {},
          ts,
        ),
        request(
          "type-error",
          "function strlen(s: string): number {\n  const wrong: number = s as any as string;\n  return s.length;\n}\n",
          tests,
          {},
          ts,
        ),
        request(
          "invalid-typescript",
          "function strlen(s: string): number {\n  return s.length as;\n}\n",
          tests,
          {},
          ts,
        ),
        request(
          "javascript-typed",
          "function strlen(s: string): number { return s.length; }\n",
          tests.slice(0, 1),
          {},
          js,
        ),
      ]);
      for (const id of ["typed", "enum", "type-error"])
        for (const test of tests)
          expect(verdicts.get(`${id}/${test.id}`)?.status, `${id}/${test.id}`).toBe("pass");
      for (const test of tests)
        expect(verdicts.get(`invalid-typescript/${test.id}`)).toMatchObject({
          status: "error",
          errorType: "SyntaxError",
        });
      expect(verdicts.get("javascript-typed/multipl-e")).toMatchObject({
        status: "error",
        errorType: "SyntaxError",
      });
    },
  },
  {
    // within about twice the limit, plus what a backend gives back for waiting on a CPU
    name: "stops loops, promise floods and catastrophic regular expressions within a few times the limit",
    async run(executor) {
      const limits = { timeMs: 200 };
      const test = [assertTest("t", "assert.strictEqual(f(), 1)")];
      const verdicts = await collect(executor, [
        request("loop", "function f() { while (true) {} }", test, limits, js),
        request(
          "swallow",
          "function f() { for (;;) { try { for (;;) {} } catch {} } }",
          test,
          limits,
          js,
        ),
        request(
          "microtasks",
          "function f() { const again = () => Promise.resolve().then(again); again(); return 1; }",
          test,
          limits,
          js,
        ),
        request(
          "regex",
          "function f() { return /^(a+)+$/.test('a'.repeat(40) + 'b') ? 1 : 0; }",
          test,
          limits,
          js,
        ),
        request("at-load", "while (true) {}\nfunction f() { return 1; }", test, limits, js),
        request(
          "own-limit",
          "function f() { const end = Date.now() + 400; while (Date.now() < end) {} return 1; }",
          [{ ...test[0]!, timeMs: 1000 }],
          limits,
          js,
        ),
        request("after", "function f() { return 1; }", test, limits, js),
      ]);
      for (const id of ["loop", "swallow", "microtasks", "regex", "at-load"]) {
        const verdict = verdicts.get(`${id}/t`)!;
        expect(verdict.status, id).toBe("timeout");
        expect(verdict.wallMs, id).toBeLessThan(6.5 * limits.timeMs + 100);
      }
      expect(verdicts.get("own-limit/t")?.status).toBe("pass");
      expect(verdicts.get("after/t")?.status).toBe("pass");
    },
  },
  {
    name: "contains memory bombs, deep recursion and huge output, and keeps serving",
    async run(executor) {
      const test = [assertTest("t", "assert.strictEqual(f(), 1)")];
      const verdicts = await collect(executor, [
        request(
          "arrays",
          "function f() { const kept = []; for (;;) kept.push(new Array(1e6).fill(1.5)); }",
          test,
          { memoryMb: 64, timeMs: 5000 },
          js,
        ),
        request(
          "buffers",
          "function f() { const kept = []; for (;;) kept.push(new Float64Array(1e6)); }",
          test,
          { memoryMb: 64, timeMs: 5000 },
          js,
        ),
        request("recursion", "function f(n = 0) { return f(n + 1) + 1; }", test, {}, js),
        request(
          "print",
          "function f() { const chunk = 'x'.repeat(100000); for (let i = 0; i < 100; i++) console.log(chunk); return 1; }",
          test,
          { outputBytes: 1000, timeMs: 5000 },
          js,
        ),
        request("after", "function f() { return 1; }", test, { memoryMb: 64 }, js),
      ]);
      for (const id of ["arrays", "buffers"])
        expect(["oom", "error"], id).toContain(verdicts.get(`${id}/t`)?.status);
      expect(verdicts.get("recursion/t")).toMatchObject({
        status: "error",
        errorType: "RangeError",
      });
      const printed = verdicts.get("print/t")!;
      expect(printed.status).toBe("pass");
      expect(printed.output?.length ?? 0).toBeGreaterThan(0);
      expect(printed.output?.length ?? 0).toBeLessThanOrEqual(2000);
      expect(verdicts.get("after/t")?.status).toBe("pass");
    },
  },
  {
    name: "captures console output and runs every test in a fresh context",
    async run(executor) {
      const verdicts = await collect(executor, [
        request(
          "state",
          "let calls = 0;\nfunction f() { calls += 1; console.log('call', calls, { calls }); return calls; }\n",
          [
            assertTest("first", "globalThis.leak = 1; assert.strictEqual(f(), 1);"),
            assertTest(
              "second",
              "assert.strictEqual(typeof leak, 'undefined'); assert.strictEqual(f(), 1);",
            ),
          ],
          {},
          js,
        ),
      ]);
      expect(verdicts.get("state/first")).toMatchObject({
        status: "pass",
        output: "call 1 { calls: 1 }\n",
      });
      expect(verdicts.get("state/second")?.status).toBe("pass");
    },
  },
  {
    name: "gives candidates no Node API, no host object and no parent environment",
    async run(executor) {
      process.env.OPENAI_API_KEY = "sk-test-secret";
      const verdicts = await collect(executor, [
        request(
          "bare",
          "function f() { return 1; }\n",
          [
            assertTest("process", "assert.strictEqual(typeof process, 'undefined')"),
            assertTest("buffer", "assert.strictEqual(typeof Buffer, 'undefined')"),
            assertTest("fetch", "assert.strictEqual(typeof fetch, 'undefined')"),
            assertTest(
              "require-fs",
              "assert.throws(() => require('fs'), { code: 'MODULE_NOT_FOUND' })",
            ),
            assertTest(
              "function-this",
              "assert.strictEqual(typeof Function('return this')().process, 'undefined')",
            ),
            assertTest(
              "secret",
              "assert(!JSON.stringify(Object.getOwnPropertyNames(globalThis)).includes('sk-test-secret'))",
            ),
          ],
          {},
          js,
        ),
      ]);
      for (const [key, verdict] of verdicts) expect(verdict.status, key).toBe("pass");
    },
  },
  {
    name: "refuses test kinds it does not run with an unsupported error",
    async run(executor) {
      for (const kind of ["unittest", "stdio"] as const) {
        if (executor.capabilities.testKinds.includes(kind)) continue;
        const test: UnitTest =
          kind === "unittest"
            ? { id: "u", problemId: "p", kind, code: "" }
            : { id: "s", problemId: "p", kind, stdin: "", expectedStdout: "" };
        const error = await collect(executor, [
          request("x", "function f() {}", [test], {}, js),
        ]).catch((caught: unknown) => caught);
        expect((error as { code?: string }).code, kind).toBe("unsupported");
      }
    },
  },
];

/**
 * The JavaScript fixture pack of the conformance suite: assert tests in the styles of model
 * output, MultiPL-E (`node:assert`) and HumanEval-X (`console.assert`), caught assertion errors,
 * check and call tests (strict deep comparison, tolerances, values), TypeScript stripping, time and
 * memory limits, bounded output, a fresh context per test, no Node API, refused test kinds.
 */
export const javascriptConformanceFixtures: ConformanceFixtures = {
  language: "javascript",
  program: "function f() {\n  return 1;\n}\n",
  passingTest: assertTest("t-pass", "assert.strictEqual(f(), 1)"),
  failingTest: assertTest("t-fail", "assert.strictEqual(f(), 2)"),
  slowProgram: (index) =>
    `function f() {\n  const end = Date.now() + 500;\n  while (Date.now() < end) {}\n  return ${index};\n}\n`,
  slowTest: assertTest("t-slow", "assert.strictEqual(f(), -1)"),
  cases,
};
