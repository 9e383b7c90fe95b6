import {
  CodermError,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Builds an assert test. */
export function assertTest(id: string, code: string): UnitTest {
  return { id, problemId: "p", kind: "assert", code };
}

/** Builds a request for one program. */
export function request(
  id: string,
  code: string,
  tests: UnitTest[],
  limits: Partial<ExecutionLimits> = {},
): ExecutionRequest {
  return {
    candidate: { id, problemId: "p", code },
    tests,
    limits: { timeMs: 1000, memoryMb: 512, outputBytes: 4096, ...limits },
  };
}

/** Runs requests and returns the verdicts keyed `candidate/test`. */
export async function collect(
  executor: Executor,
  requests: ExecutionRequest[],
): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  for await (const verdict of executor.execute(requests)) {
    const key = `${verdict.candidateId}/${verdict.testId}`;
    expect(verdicts.has(key), `one verdict for ${key}`).toBe(false);
    verdicts.set(key, verdict);
  }
  return verdicts;
}

/**
 * The behaviour every {@link Executor} backend must show, as a vitest suite: verdict kinds for
 * every test kind, limits, hostile candidates, bad requests and cancellation. Each backend's
 * tests call it with a factory; the executor is created once and closed at the end.
 */
export function describeExecutorConformance(name: string, create: () => Promise<Executor>): void {
  describe(`${name} executor conformance`, () => {
    let executor: Executor;
    beforeAll(async () => {
      executor = await create();
    });
    afterAll(async () => {
      await executor?.close();
    });

    it("judges assert tests as pass, fail and error, one verdict a pair", async () => {
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
    });

    it("runs check, unittest, call and stdio tests", async () => {
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
    });

    it("stops Python and C-level infinite loops within about twice the limit", async () => {
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
        expect(verdict.wallMs, id).toBeLessThan(2.5 * limits.timeMs + 100);
      }
      expect(verdicts.get("after/t")?.status).toBe("pass");
    });

    it("contains memory bombs, fork bombs, huge output and deep recursion, and keeps serving", async () => {
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
    });

    it("never passes a candidate that exits early", async () => {
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
    });

    it("keeps the parent's environment away from candidates", async () => {
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
    });

    it("gives duplicated pairs a verdict each", async () => {
      const tests = [assertTest("t", "assert f() == 1")];
      const verdicts = await collect(executor, [
        request("a", "def f():\n    return 1\n", tests),
        request("b", "def f():\n    return 1\n", tests),
      ]);
      expect(verdicts.get("a/t")?.status).toBe("pass");
      expect(verdicts.get("b/t")?.status).toBe("pass");
    });

    it("rejects bad requests with a typed error naming the field, and keeps working", async () => {
      const cases: [unknown, string][] = [
        [
          {
            ...request("x", "pass", []),
            tests: [{ id: "t", problemId: "p", kind: "pytest", code: "" }],
          },
          "tests[0].kind",
        ],
        [request("x", "pass", [], { timeMs: 0 }), "limits.timeMs"],
        [request("x", "s = '\ud800'", []), "candidate.code"],
        [
          {
            candidate: { id: "x", problemId: "p" },
            tests: [],
            limits: { timeMs: 1, memoryMb: 64, outputBytes: 0 },
          },
          "candidate.code",
        ],
      ];
      for (const [bad, field] of cases) {
        const error = await collect(executor, [bad as ExecutionRequest]).catch(
          (caught: unknown) => caught,
        );
        expect(CodermError.isInstance(error), field).toBe(true);
        expect((error as CodermError).field).toBe(field);
        expect((error as CodermError).message).toContain("bad execution request");
      }
      const verdicts = await collect(executor, [
        request("ok", "x = 1\n", [assertTest("t", "assert x == 1")]),
      ]);
      expect(verdicts.get("ok/t")?.status).toBe("pass");
    });

    it("cancels through an AbortSignal", async () => {
      const controller = new AbortController();
      const slow = Array.from({ length: 6 }, (_, index) =>
        request(
          `slow-${index}`,
          `import time\ndef f():\n    time.sleep(0.5)\n    return ${index}\n`,
          [assertTest("t", "assert f() == -1")],
        ),
      );
      const started = performance.now();
      setTimeout(() => controller.abort(), 200);
      const error = await (async () => {
        for await (const _ of executor.execute(slow, { signal: controller.signal })) {
          // drain
        }
      })().catch((caught: unknown) => caught);
      expect((error as CodermError).code).toBe("cancelled");
      expect(performance.now() - started).toBeLessThan(1500);
      const verdicts = await collect(executor, [
        request("after-cancel", "x = 2\n", [assertTest("t", "assert x == 2")]),
      ]);
      expect(verdicts.get("after-cancel/t")?.status).toBe("pass");
    });
  });
}
