import type { UnitTest } from "@coderm/core";
import { expect } from "vitest";
import {
  assertTest,
  type ConformanceCase,
  type ConformanceFixtures,
  collect,
  request,
} from "./conformance.js";

const cases: ConformanceCase[] = [
  {
    name: "judges assert tests as pass, fail and error, one verdict a pair",
    async run(executor) {
      const tests = [
        assertTest("t-pass", "assert add(1, 2) == 3"),
        assertTest("t-fail", "assert add(1, 2) == 4"),
        assertTest("t-error", "assert add(1, None) == 1"),
        assertTest("t-syntax", "assert add(1, 2) == = 3"),
      ];
      const verdicts = await collect(executor, [
        request("good", "def add(a, b):\n    return a + b\n", tests),
        request("broken", "def add(a, b)\n    return a + b\n", tests),
      ]);
      expect(verdicts.size).toBe(8);
      expect(verdicts.get("good/t-pass")?.status).toBe("pass");
      expect(verdicts.get("good/t-fail")).toMatchObject({
        status: "fail",
        errorType: "AssertionError",
      });
      expect(verdicts.get("good/t-error")).toMatchObject({
        status: "error",
        errorType: "TypeError",
      });
      expect(verdicts.get("good/t-syntax")).toMatchObject({
        status: "error",
        errorType: "SyntaxError",
      });
      for (const test of tests)
        expect(verdicts.get(`broken/${test.id}`)).toMatchObject({
          status: "error",
          errorType: "SyntaxError",
        });
      for (const verdict of verdicts.values()) {
        expect(verdict.wallMs).toBeGreaterThanOrEqual(0);
        expect(verdict.cpuMs).toBeGreaterThanOrEqual(0);
      }
    },
  },
  {
    name: "runs check, unittest, call and stdio tests",
    async run(executor) {
      const check: UnitTest = {
        id: "check",
        problemId: "p",
        kind: "check",
        entryPoint: "double",
        code: "def check(candidate):\n    assert candidate(2) == 4\n    assert candidate(-1) == -2\n",
      };
      const unittest: UnitTest = {
        id: "unittest",
        problemId: "p",
        kind: "unittest",
        code: "import unittest\nclass TestDouble(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(double(3), 6)\n    def test_b(self):\n        self.assertEqual(double(0), 1)\n",
      };
      const call = (id: string, args: unknown[], expected?: unknown, atol?: number): UnitTest => ({
        id,
        problemId: "p",
        kind: "call",
        entryPoint: "double",
        args,
        ...(expected === undefined ? {} : { expected }),
        ...(atol === undefined ? {} : { atol }),
      });
      const stdio = (id: string, stdin: string, expectedStdout: string): UnitTest => ({
        id,
        problemId: "p",
        kind: "stdio",
        stdin,
        expectedStdout,
      });
      const verdicts = await collect(executor, [
        request(
          "double",
          "import sys\ndef double(x):\n    return x * 2\nif __name__ == '__main__':\n    print(double(int(sys.stdin.readline())))\n",
          [
            check,
            unittest,
            call("call-pass", [21], 42),
            call("call-fail", [21], 43),
            call("call-float", [0.1], 0.2000001, 1e-3),
            call("call-output", [12345678901234567890n]),
            stdio("stdio-pass", "5\n", "10\n"),
            stdio("stdio-fail", "5\n", "11"),
          ],
        ),
      ]);
      expect(verdicts.get("double/check")?.status).toBe("pass");
      const unittestVerdict = verdicts.get("double/unittest");
      expect(unittestVerdict?.status).toBe("fail");
      expect(unittestVerdict?.methods).toEqual([
        { name: "TestDouble.test_a", status: "pass" },
        { name: "TestDouble.test_b", status: "fail" },
      ]);
      expect(verdicts.get("double/call-pass")?.status).toBe("pass");
      expect(verdicts.get("double/call-fail")?.status).toBe("fail");
      expect(verdicts.get("double/call-float")?.status).toBe("pass");
      expect(verdicts.get("double/call-output")).toMatchObject({
        status: "pass",
        value: 24691357802469135780n,
      });
      expect(verdicts.get("double/stdio-pass")?.status).toBe("pass");
      expect(verdicts.get("double/stdio-fail")?.status).toBe("fail");
    },
  },
  {
    name: "reports each test's line coverage when asked, as coverage.py counts lines",
    async run(executor) {
      // line 1 is a docstring and lines 5-6 an excluded suite: neither is executable
      const code =
        '"""Signs."""\ndef sign(x):\n    if x > 0:\n        return 1\n    if x < 0:  # pragma: no cover\n        return -1\n    return (\n        0\n    )\n';
      const positive = [2, 3, 4];
      const zero = [2, 3, 7];
      const tests: UnitTest[] = [
        assertTest("positive", "assert sign(3) == 1"),
        assertTest("zero", "assert sign(0) == 0"),
        assertTest("positive-again", "assert sign(3) != 2"),
        assertTest("loaded-only", "assert 1 == 1"),
        {
          id: "check",
          problemId: "p",
          kind: "check",
          entryPoint: "sign",
          code: "def check(candidate):\n    for value in (5, 6):\n        assert candidate(value) == 1\n",
        },
        {
          id: "unittest",
          problemId: "p",
          kind: "unittest",
          code: "import unittest\nclass T(unittest.TestCase):\n    def test_zero(self):\n        self.assertEqual(sign(0), 0)\n",
        },
        { id: "call", problemId: "p", kind: "call", entryPoint: "sign", args: [4], expected: 1 },
      ];
      const covered = await collect(executor, [
        { ...request("sign", code, tests), coverage: true },
        request("plain", code, tests),
        { ...request("broken", "def sign(:\n    pass\n", tests.slice(0, 1)), coverage: true },
      ]);
      const expected: Record<string, number[]> = {
        positive,
        zero,
        "positive-again": positive,
        "loaded-only": [2],
        check: positive,
        unittest: zero,
        call: positive,
      };
      for (const [test, lines] of Object.entries(expected)) {
        const verdict = covered.get(`sign/${test}`);
        expect(verdict?.status, test).toBe("pass");
        expect(verdict?.coverage, test).toEqual({ executable: [2, 3, 4, 7], covered: lines });
        expect(covered.get(`plain/${test}`)?.status, test).toBe("pass");
        expect(covered.get(`plain/${test}`), test).not.toHaveProperty("coverage");
      }
      expect(covered.get("broken/positive")).toMatchObject({
        status: "error",
        errorType: "SyntaxError",
        coverage: { executable: [], covered: [] },
      });
    },
  },
  {
    // within about twice the limit, plus the time a backend gives back for waiting on a CPU on a
    // loaded machine (up to 4 times the limit in the Python harness)
    name: "stops Python and C-level infinite loops within a few times the limit",
    async run(executor) {
      const limits = { timeMs: 200 };
      const verdicts = await collect(executor, [
        request(
          "python-loop",
          "def f():\n    while True:\n        pass\n",
          [assertTest("t", "assert f() == 1")],
          limits,
        ),
        request(
          "c-loop",
          "def f():\n    return sum(range(10**12))\n",
          [assertTest("t", "assert f() == 1")],
          limits,
        ),
        request(
          "swallow",
          "def f():\n    while True:\n        try:\n            while True: pass\n        except BaseException:\n            pass\n",
          [assertTest("t", "assert f() == 1")],
          limits,
        ),
        request("after", "def f():\n    return 1\n", [assertTest("t", "assert f() == 1")], limits),
      ]);
      for (const id of ["python-loop", "c-loop", "swallow"]) {
        const verdict = verdicts.get(`${id}/t`)!;
        expect(verdict.status, id).toBe("timeout");
        expect(verdict.wallMs, id).toBeLessThan(6.5 * limits.timeMs + 100);
      }
      expect(verdicts.get("after/t")?.status).toBe("pass");
    },
  },
  {
    name: "contains memory bombs, fork bombs, huge output and deep recursion, and keeps serving",
    async run(executor) {
      const verdicts = await collect(executor, [
        request(
          "memory",
          "def f():\n    return len([0] * 10**10)\n",
          [assertTest("t", "assert f() == 1")],
          { memoryMb: 256 },
        ),
        request(
          "fork",
          "import os\ndef f():\n    pids = []\n    for _ in range(10000):\n        pids.append(os.fork())\n    return 1\n",
          [assertTest("t", "assert f() == 1")],
        ),
        request(
          "print",
          "def f():\n    chunk = 'x' * 1_000_000\n    for _ in range(100):\n        print(chunk)\n    return 1\n",
          [assertTest("t", "assert f() == 1")],
          { outputBytes: 1000, timeMs: 5000 },
        ),
        request("recursion", "def f(n=0):\n    return f(n + 1)\n", [
          assertTest("t", "assert f() == 1"),
        ]),
        request("after", "def f():\n    return 1\n", [assertTest("t", "assert f() == 1")]),
      ]);
      expect(["oom", "error"]).toContain(verdicts.get("memory/t")?.status);
      expect(verdicts.get("fork/t")?.status).not.toBe("pass");
      const printed = verdicts.get("print/t")!;
      expect(printed.status).toBe("pass");
      expect(printed.output?.length ?? 0).toBeLessThanOrEqual(2000);
      expect(verdicts.get("recursion/t")).toMatchObject({
        status: "error",
        errorType: "RecursionError",
      });
      expect(verdicts.get("after/t")?.status).toBe("pass");
    },
  },
  {
    name: "never passes a candidate that exits early",
    async run(executor) {
      const exits = {
        "sys-exit": "import sys\nsys.exit(0)\n",
        "os-exit": "import os\nos._exit(0)\n",
        "system-exit": "raise SystemExit\n",
        "exit-in-call": "import sys\ndef f():\n    sys.exit(0)\n",
        "os-exit-in-call": "import os\ndef f():\n    os._exit(0)\n",
        "kill-self": "import os, signal\ndef f():\n    os.kill(os.getpid(), signal.SIGKILL)\n",
      };
      const tests = [assertTest("t1", "assert f() == 1"), assertTest("t2", "assert f() != 1")];
      const verdicts = await collect(
        executor,
        Object.entries(exits).map(([id, code]) => request(id, code, tests)),
      );
      expect(verdicts.size).toBe(12);
      for (const [key, verdict] of verdicts) expect(verdict.status, key).not.toBe("pass");
    },
  },
  {
    name: "keeps the parent's environment away from candidates",
    async run(executor) {
      process.env.OPENAI_API_KEY = "sk-test-secret";
      const verdicts = await collect(executor, [
        request("env", "import os\n", [
          assertTest("key", "assert 'OPENAI_API_KEY' not in os.environ"),
          assertTest(
            "any",
            "assert not any('sk-test-secret' in value for value in os.environ.values())",
          ),
        ]),
      ]);
      expect(verdicts.get("env/key")?.status).toBe("pass");
      expect(verdicts.get("env/any")?.status).toBe("pass");
    },
  },
];

/**
 * The Python fixture pack of the conformance suite: verdict kinds of every test kind (assert,
 * check, unittest, call, stdio), line coverage per test, Python and C-level infinite loops,
 * memory and fork bombs, huge output, deep recursion, early exits and environment secrets.
 */
export const pythonConformanceFixtures: ConformanceFixtures = {
  language: "python",
  program: "def f():\n    return 1\n",
  passingTest: assertTest("t-pass", "assert f() == 1"),
  failingTest: assertTest("t-fail", "assert f() == 2"),
  slowProgram: (index) => `import time\ndef f():\n    time.sleep(0.5)\n    return ${index}\n`,
  slowTest: assertTest("t-slow", "assert f() == -1"),
  cases,
};
