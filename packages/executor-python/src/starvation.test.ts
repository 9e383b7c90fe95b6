import { type ChildProcess, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import type { UnitTest } from "@coderm/core";
import { collect, doublingTests, request } from "@coderm/executor/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalExecutor, type LocalExecutor } from "./local-executor.js";

// A program that needs 40 ms of CPU time whatever the load, under a 100 ms limit.
const program = [
  "import time",
  "def f(x):",
  "    start = time.process_time()",
  "    while time.process_time() - start < 0.04:",
  "        pass",
  "    return 2 * x",
  "def sleeper(x):",
  "    time.sleep(5)",
  "def spin(x):",
  "    while True:",
  "        pass",
].join("\n");

const tests: UnitTest[] = [
  ...doublingTests,
  { id: "sleeper", problemId: "p", kind: "assert", code: "assert sleeper(1) == 2" },
  { id: "spin", problemId: "p", kind: "assert", code: "assert spin(1) == 2" },
];

describe("a machine overloaded by other processes", () => {
  let hogs: ChildProcess[] = [];
  let executor: LocalExecutor;

  beforeAll(async () => {
    executor = createLocalExecutor({ workers: 1 });
    await executor.fingerprint(); // started before the load
    // three busy processes per core, each in a session of its own (so each counts as much as
    // the harness's session where the kernel groups tasks by session): a candidate process gets
    // about a quarter of a CPU
    hogs = Array.from({ length: availableParallelism() * 3 }, () =>
      spawn("python3", ["-S", "-c", "while True: pass"], { stdio: "ignore", detached: true }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  afterAll(async () => {
    for (const hog of hogs) hog.kill("SIGKILL");
    await executor.close();
  });

  it("does not turn a program's time spent waiting for a CPU into a timeout", async () => {
    const verdicts = await collect(executor, [request("c", program, tests, { timeMs: 100 })]);
    for (const id of ["assert", "check", "call"]) {
      const verdict = verdicts.get(`c/${id}`)!;
      expect(verdict.status, `${id}: ${JSON.stringify(verdict)}`).toBe("pass");
    }
    // the load was real: some test took longer than its limit on the wall clock
    expect(
      Math.max(...["assert", "check", "call"].map((id) => verdicts.get(`c/${id}`)!.wallMs)),
    ).toBeGreaterThan(100);
    // a sleeping or spinning program still times out, as on a quiet machine
    expect(verdicts.get("c/sleeper")).toMatchObject({ status: "timeout", errorType: "Timeout" });
    expect(verdicts.get("c/spin")).toMatchObject({ status: "timeout" });
    expect(verdicts.get("c/sleeper")!.wallMs).toBeLessThan(1000);
  }, 60_000);
});
