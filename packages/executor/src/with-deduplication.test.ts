import {
  CodermError,
  type ExecutionRequest,
  type Executor,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { assertTest, request as conformanceRequest } from "./testing/conformance.js";
import { withDeduplication } from "./with-deduplication.js";

const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 1000 };
const test = (id: string): UnitTest => assertTest(id, `assert f() == "${id}"`);
const request = (id: string, code: string, tests: UnitTest[]): ExecutionRequest =>
  conformanceRequest(id, code, tests, limits);

async function all(
  executor: Executor,
  requests: ExecutionRequest[],
  signal?: AbortSignal,
): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  for await (const verdict of executor.execute(requests, signal ? { signal } : {})) {
    const key = `${verdict.candidateId}/${verdict.testId}`;
    expect(verdicts.has(key), key).toBe(false);
    verdicts.set(key, verdict);
  }
  return verdicts;
}

/** A mock whose verdicts wait until `release()`; passes when the code contains the test id. */
function heldMock() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const backend = createMockExecutor({
    judge: async (candidate, unitTest) => {
      await gate;
      return candidate.code.includes(unitTest.id) ? "pass" : "fail";
    },
  });
  return { backend, release: open };
}

describe("withDeduplication", () => {
  it("runs identical pairs of one execution once and answers each", async () => {
    const backend = createMockExecutor({
      judge: (candidate, unitTest) => (candidate.code.includes(unitTest.id) ? "pass" : "fail"),
    });
    const executor = withDeduplication(backend);
    const tests = [test("a"), test("b")];
    const verdicts = await all(executor, [
      request("1", "a", tests),
      request("2", "a", tests),
      request("3", "a", [test("b"), test("c")]),
      request("4", "b", tests),
    ]);
    expect(verdicts.size).toBe(8);
    expect(verdicts.get("2/a")?.status).toBe("pass");
    expect(verdicts.get("3/b")?.status).toBe("fail");
    expect(verdicts.get("4/b")?.status).toBe("pass");
    expect(backend.executed).toBe(5);
    // Each candidate's leading pairs went in one request.
    expect(backend.requests.map((forwarded) => forwarded.tests.length)).toEqual([2, 1, 2]);
    expect(executor.stats).toMatchObject({ executed: 5, cached: 0, deduplicated: 3 });
    expect(executor.stats.byStatus).toMatchObject({ pass: 3, fail: 5 });
    await executor.close();
    expect(backend.closed).toBe(true);
  });

  it("shares a verdict only between byte-identical programs", async () => {
    // The backend sees comments and positions, as a program reading its own source does.
    const backend = createMockExecutor({
      judge: (candidate) => (candidate.code.includes("#") ? "fail" : "pass"),
    });
    const executor = withDeduplication(backend);
    const tests = [test("a")];
    const verdicts = await all(executor, [
      request("right", "a = 1\n", tests),
      request("comment", "a = 1  # twin\n", tests),
      request("shifted", "\na = 1\n", tests),
      request("spaced", "a  =  1\n", tests),
      // What the content id ignores is never run (executors run the normalized text): shared.
      request("trailing", "a = 1\n  \n\n", tests),
    ]);
    expect(verdicts.get("right/a")?.status).toBe("pass");
    expect(verdicts.get("comment/a")?.status).toBe("fail");
    expect(verdicts.get("trailing/a")?.status).toBe("pass");
    expect(backend.requests.map((forwarded) => forwarded.candidate.code)).toEqual([
      "a = 1\n",
      "a = 1  # twin\n",
      "\na = 1\n",
      "a  =  1\n",
    ]);
    expect(executor.stats).toMatchObject({ executed: 4, deduplicated: 1 });
    await executor.close();
  });

  it("runs a pair in flight in two concurrent executions once", async () => {
    const { backend, release } = heldMock();
    const executor = withDeduplication(backend);
    const first = all(executor, [request("x", "a", [test("a"), test("b")])]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = all(executor, [request("y", "a", [test("a")])]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const [one, two] = await Promise.all([first, second]);
    expect(one.get("x/a")?.status).toBe("pass");
    expect(one.get("x/b")?.status).toBe("fail");
    expect(two.get("y/a")?.status).toBe("pass");
    expect(backend.executed).toBe(2);
    expect(executor.stats).toMatchObject({ executed: 2, deduplicated: 1 });
    await executor.close();
  });

  it("lets a waiting execution run a pair whose execution was cancelled", async () => {
    const { backend, release } = heldMock();
    const executor = withDeduplication(backend);
    const controller = new AbortController();
    const tests = [test("a"), test("b")];
    const cancelled = all(executor, [request("x", "a", tests)], controller.signal).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting = all(executor, [request("y", "a", tests)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const error = await cancelled;
    expect(CodermError.isInstance(error) && error.code).toBe("cancelled");
    release();
    const verdicts = await waiting;
    expect(verdicts.get("y/a")?.status).toBe("pass");
    expect(verdicts.get("y/b")?.status).toBe("fail");
    await executor.close();
  });

  it("ends at once with a cancelled error when aborted", async () => {
    const { backend, release } = heldMock();
    const executor = withDeduplication(backend);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    await expect(
      all(executor, [request("x", "a", [test("a")])], controller.signal),
    ).rejects.toMatchObject({ code: "cancelled" });
    expect(performance.now() - started).toBeLessThan(500);
    release();
    await executor.close();
  });

  it("validates requests, naming the request and the field", async () => {
    const executor = withDeduplication(createMockExecutor());
    const bad = { ...request("bad-one", "a", [test("a")]), limits: { ...limits, memoryMb: 1 } };
    await expect(all(executor, [bad])).rejects.toMatchObject({
      code: "invalid-input",
      field: "limits.memoryMb",
      item: "bad-one",
    });
    await executor.close();
  });

  it("keeps going for other callers when a caller stops reading", async () => {
    const { backend, release } = heldMock();
    const executor = withDeduplication(backend);
    const leaving = (async () => {
      for await (const _ of executor.execute([request("x", "a", [test("a"), test("b")])])) break;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const staying = all(executor, [request("y", "a", [test("b")])]);
    release();
    await leaving;
    expect((await staying).get("y/b")?.status).toBe("fail");
    await executor.close();
  });
});
