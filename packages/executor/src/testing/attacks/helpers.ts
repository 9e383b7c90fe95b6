import type { ExecutionLimits, ExecutionRequest, UnitTest } from "@coderm/core";
import type { AdversarialContext } from "./types.js";

/** What every category's attacks share: the task, its test forms, the default limits. */

export const problemId = "adversarial";

/** A Python string literal. */
const literal = (text: string) => JSON.stringify(text);

export const defaultLimits: ExecutionLimits = { timeMs: 1000, memoryMb: 256, outputBytes: 4096 };

/** The task every attack fails: `f(x)` must return `2 * x`; the forms below test `f(21) == 42`. */
export const forms = {
  assert: { id: "assert", problemId, kind: "assert", code: "assert f(21) == 42" },
  assertReversed: { id: "assert-reversed", problemId, kind: "assert", code: "assert 42 == f(21)" },
  assertStatement: { id: "assert-in", problemId, kind: "assert", code: "assert f(21) in [42]" },
  call: { id: "call", problemId, kind: "call", entryPoint: "f", args: [21], expected: 42 },
  check: {
    id: "check",
    problemId,
    kind: "check",
    entryPoint: "f",
    code: "def check(candidate):\n    assert candidate(21) == 42\n",
  },
  unittest: {
    id: "unittest",
    problemId,
    kind: "unittest",
    code: "import unittest\n\n\nclass TestF(unittest.TestCase):\n    def test_f(self):\n        self.assertEqual(f(21), 42)\n",
  },
  stdio: { id: "stdio", problemId, kind: "stdio", stdin: "21\n", expectedStdout: "42\n" },
} satisfies Record<string, UnitTest>;

/**
 * The assert, check and call forms of `f(21) == 42`: the tests a backend's own suites run a
 * doubling program against (hostile neighbours, machine load).
 */
export const doublingTests: readonly UnitTest[] = [forms.assert, forms.check, forms.call];

/** Tests of a square root, in the `abs(got - want) < tolerance` style of HumanEval. */
export const toleranceForms = {
  assert: {
    id: "assert-abs",
    problemId,
    kind: "assert",
    code: "assert abs(f(2.0) - 1.4142135623730951) < 1e-6",
  },
  check: {
    id: "check-abs",
    problemId,
    kind: "check",
    entryPoint: "f",
    code: "def check(candidate):\n    assert abs(candidate(2.0) - 1.4142135623730951) < 1e-6\n",
  },
  unittest: {
    id: "unittest-abs",
    problemId,
    kind: "unittest",
    code: "import unittest\n\n\nclass TestSqrt(unittest.TestCase):\n    def test_sqrt(self):\n        self.assertTrue(abs(f(2.0) - 1.4142135623730951) < 1e-6)\n",
  },
  call: {
    id: "call-float",
    problemId,
    kind: "call",
    entryPoint: "f",
    args: [2.0],
    expected: Math.SQRT2,
    atol: 1e-6,
  },
} satisfies Record<string, UnitTest>;

/** A test passes only when `f(0)` returns text whose SHA-256 is `hash`: proof of a real escape. */
export function hashTest(id: string, hash: string): UnitTest {
  return {
    id,
    problemId,
    kind: "assert",
    code: `assert __import__("hashlib").sha256(str(f(0)).encode()).hexdigest() == ${literal(hash)}`,
  };
}

/** A call test that expects the context's token, which only the worker's memory holds besides the child. */
export function tokenTest(context: AdversarialContext): UnitTest {
  return {
    id: "call-token",
    problemId,
    kind: "call",
    entryPoint: "f",
    args: ["probe"],
    expected: context.expectedToken,
  };
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
  };
}
