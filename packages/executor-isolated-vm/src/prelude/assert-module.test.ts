import nodeAssert from "node:assert";
import type { ExecutionRequest, Verdict } from "@coderm/core";
import { afterAll, describe, expect, it } from "vitest";
import { createIsolatedVmExecutor } from "../isolated-vm-executor.js";

/**
 * The isolate's `node:assert` against Node's own: each case is a statement over `assert` (the
 * legacy module) that either holds or throws in Node, and must do the same in the isolate.
 */
const cases: string[] = [
  "assert(1)",
  "assert(0)",
  "assert.ok('')",
  "assert.equal(1, '1')",
  "assert.equal(NaN, NaN)",
  "assert.equal(null, undefined)",
  "assert.equal(1, 2)",
  "assert.notEqual(1, '1')",
  "assert.notEqual(1, 2)",
  "assert.strictEqual(1, '1')",
  "assert.strictEqual(NaN, NaN)",
  "assert.strictEqual(0, -0)",
  "assert.notStrictEqual(0, -0)",
  "assert.notStrictEqual(1, 1)",
  "assert.deepEqual([1, 2], [1, 2])",
  "assert.deepEqual([1, 2], ['1', 2])",
  "assert.deepEqual([1, 2], [1, 2, 3])",
  "assert.deepEqual({ a: 1, b: [1] }, { b: [1], a: 1 })",
  "assert.deepEqual({ a: 1 }, { a: 1, b: undefined })",
  "assert.deepEqual(0, -0)",
  "assert.deepEqual(1, [1])",
  "assert.deepEqual([1], { 0: 1, length: 1 })",
  "assert.deepEqual(new Number(1), 1)",
  "assert.deepEqual([1, , 3], [1, undefined, 3])",
  "assert.deepEqual(new Date(0), new Date(0))",
  "assert.deepEqual(new Date(0), new Date(1))",
  "assert.deepEqual(/a/g, /a/g)",
  "assert.deepEqual(/a/g, /a/i)",
  "assert.deepEqual(new Set([1, 2]), new Set([2, 1]))",
  "assert.deepEqual(new Set([1, [2]]), new Set([[2], 1]))",
  "assert.deepEqual(new Set([1, 2]), new Set([1, 3]))",
  "assert.deepEqual(new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]]))",
  "assert.deepEqual(new Map([[1, 2]]), new Map([[1, 3]]))",
  "assert.deepEqual(Object.create(null), {})",
  "assert.deepEqual(new Error('x'), new Error('x'))",
  "assert.deepEqual(new Error('x'), new Error('y'))",
  "assert.deepEqual([[1, [2, [3]]]], [[1, [2, [3]]]])",
  "assert.deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))",
  "assert.deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))",
  "assert.deepStrictEqual([1, 2], [1, 2])",
  "assert.deepStrictEqual([1, 2], ['1', 2])",
  "assert.deepStrictEqual({ a: 1 }, { a: 1, b: undefined })",
  "assert.deepStrictEqual(0, -0)",
  "assert.deepStrictEqual(NaN, NaN)",
  "assert.deepStrictEqual(Object.create(null), {})",
  "assert.deepStrictEqual([1, , 3], [1, undefined, 3])",
  "assert.deepStrictEqual(new Number(1), new Number(1))",
  "assert.deepStrictEqual(new Number(1), new Number(2))",
  "assert.deepStrictEqual({ [Symbol.for('s')]: 1 }, { [Symbol.for('s')]: 1 })",
  "assert.deepStrictEqual({ [Symbol.for('s')]: 1 }, { [Symbol.for('s')]: 2 })",
  "assert.deepStrictEqual(new Set([{ a: 1 }]), new Set([{ a: 1 }]))",
  "assert.deepStrictEqual(new Map([['k', [1]]]), new Map([['k', [1]]]))",
  "assert.deepStrictEqual([new Date(5)], [new Date(5)])",
  "{ const a = [1]; a.push(a); const b = [1]; b.push(b); assert.deepStrictEqual(a, b); }",
  "assert.deepStrictEqual(class A {}, class A {})",
  "assert.notDeepEqual([1], ['1'])",
  "assert.notDeepEqual([1], [2])",
  "assert.notDeepStrictEqual([1], ['1'])",
  "assert.notDeepStrictEqual([1], [1])",
  "assert.throws(() => { throw new TypeError('bad'); })",
  "assert.throws(() => {})",
  "assert.throws(() => { throw new TypeError('bad'); }, TypeError)",
  "assert.throws(() => { throw new TypeError('bad'); }, RangeError)",
  "assert.throws(() => { throw new TypeError('bad'); }, /bad/)",
  "assert.throws(() => { throw new TypeError('bad'); }, /good/)",
  "assert.throws(() => { throw new TypeError('bad'); }, { name: 'TypeError', message: 'bad' })",
  "assert.throws(() => { throw new TypeError('bad'); }, { message: /ba/ })",
  "assert.throws(() => { throw new TypeError('bad'); }, { message: 'good' })",
  "assert.throws(() => { throw new TypeError('bad'); }, (error) => error instanceof TypeError)",
  "assert.doesNotThrow(() => 1)",
  "assert.doesNotThrow(() => { throw new Error('x'); })",
  "assert.match('abc', /b/)",
  "assert.match('abc', /d/)",
  "assert.doesNotMatch('abc', /d/)",
  "assert.doesNotMatch('abc', /b/)",
  "assert.ifError(null)",
  "assert.ifError(new Error('x'))",
  "assert.fail('x')",
  "assert.strict.equal(1, '1')",
  "assert.strict.deepEqual([1], ['1'])",
  "assert.strict.notEqual(1, '1')",
  "assert.strictEqual(1, 2, 'custom message')",
  "assert.strictEqual(1, 2, new TypeError('thrown as is'))",
];

async function nodeOutcome(statement: string): Promise<"pass" | "throws"> {
  try {
    new Function("assert", statement)(nodeAssert);
    return "pass";
  } catch {
    return "throws";
  }
}

describe("the isolate's node:assert", () => {
  const executor = createIsolatedVmExecutor({ workers: 2 });
  afterAll(() => executor.close());

  it("holds and throws where Node's own assert does", async () => {
    const request: ExecutionRequest = {
      candidate: { id: "none", problemId: "assert", code: "" },
      tests: cases.map((code, index) => ({
        id: String(index),
        problemId: "assert",
        kind: "assert",
        code,
      })),
      limits: { timeMs: 2000, memoryMb: 128, outputBytes: 1024 },
      language: "javascript",
    };
    const verdicts = new Map<string, Verdict>();
    for await (const verdict of executor.execute([request])) verdicts.set(verdict.testId, verdict);
    const differences: string[] = [];
    for (const [index, code] of cases.entries()) {
      const expected = await nodeOutcome(code);
      const verdict = verdicts.get(String(index))!;
      const got = verdict.status === "pass" ? "pass" : "throws";
      if (got !== expected)
        differences.push(
          `${code}: node ${expected}, isolate ${verdict.status} ${verdict.message ?? ""}`,
        );
      if (got === "throws" && verdict.status !== "fail" && verdict.status !== "error")
        differences.push(`${code}: ${verdict.status}`);
    }
    expect(differences).toEqual([]);
  });

  it("fails with AssertionError and Node's error for an Error message", async () => {
    const request: ExecutionRequest = {
      candidate: { id: "none", problemId: "assert", code: "" },
      tests: [
        {
          id: "generated",
          problemId: "assert",
          kind: "assert",
          code: "assert.deepStrictEqual([1], [2])",
        },
        {
          id: "error",
          problemId: "assert",
          kind: "assert",
          code: "assert.strictEqual(1, 2, new TypeError('as is'))",
        },
      ],
      limits: { timeMs: 2000, memoryMb: 128, outputBytes: 1024 },
      language: "javascript",
    };
    const verdicts = new Map<string, Verdict>();
    for await (const verdict of executor.execute([request])) verdicts.set(verdict.testId, verdict);
    expect(verdicts.get("generated")).toMatchObject({
      status: "fail",
      errorType: "AssertionError",
    });
    expect(verdicts.get("generated")?.message).toContain("[ 1 ]");
    expect(verdicts.get("error")).toMatchObject({
      status: "error",
      errorType: "TypeError",
      message: "as is",
    });
  });
});
