import type { ExecutionRequest, UnitTest } from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createExecutionBatcher } from "./execution-batcher.js";

const test = (id: string): UnitTest => ({
  kind: "assert",
  id,
  problemId: "p",
  code: `assert ${id}`,
});
const request = (candidate: string, tests: UnitTest[]): ExecutionRequest => ({
  candidate: { id: candidate, problemId: "p", code: candidate },
  tests,
  limits: { timeMs: 1000, memoryMb: 256, outputBytes: 100 },
});

function countingExecutor(judge?: Parameters<typeof createMockExecutor>[0]) {
  const executor = createMockExecutor(judge);
  let calls = 0;
  const execute = executor.execute.bind(executor);
  return {
    executor: {
      ...executor,
      execute: (...args: Parameters<typeof execute>) => {
        calls += 1;
        return execute(...args);
      },
    },
    calls: () => calls,
  };
}

describe("createExecutionBatcher", () => {
  it("sends requests made within the wait as one executor call and routes each verdict back", async () => {
    const { executor, calls } = countingExecutor({
      judge: (candidate, unitTest) =>
        candidate.id === "b" && unitTest.id === "t2" ? "fail" : "pass",
    });
    const batcher = createExecutionBatcher(executor, { maxWaitMs: 20 });
    const seen: string[] = [];
    const a = batcher.submit(request("a", [test("t1"), test("t2")]), {
      onVerdict: (verdict) => seen.push(verdict.testId),
    });
    const b = batcher.submit(request("b", [test("t2")]));
    // the same pair twice in one batch: each request gets its own verdict
    const again = batcher.submit(request("b", [test("t2")]));
    expect(batcher.pending).toBe(3);
    const [first, second, third] = await Promise.all([a.done, b.done, again.done]);
    expect(calls()).toBe(1);
    expect([...first.values()].map((verdict) => verdict.status)).toEqual(["pass", "pass"]);
    expect(second.get("t2")!.status).toBe("fail");
    expect(third.get("t2")!.status).toBe("fail");
    expect(seen.sort()).toEqual(["t1", "t2"]);
    expect(batcher.pending).toBe(0);
    await batcher.close();
  });

  it("sends a full batch at once, and rejects what an executor failure leaves unjudged", async () => {
    const { executor, calls } = countingExecutor({
      judge: (candidate) => {
        if (candidate.id === "boom") throw new Error("harness died");
        return "pass";
      },
    });
    const batcher = createExecutionBatcher(executor, { maxWaitMs: 10_000, maxBatchSize: 2 });
    const one = batcher.submit(request("x", [test("t")]));
    const two = batcher.submit(request("y", [test("t")]));
    await Promise.all([one.done, two.done]);
    expect(calls()).toBe(1);
    const failing = batcher.submit(request("boom", [test("t")]));
    await batcher.close();
    await expect(failing.done).rejects.toThrow("harness died");
    expect(() => batcher.submit(request("z", [test("t")]))).toThrow(/closed/);
  });
});
