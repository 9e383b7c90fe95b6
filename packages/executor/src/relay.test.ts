import {
  AsyncQueue,
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
const test = (id: string, code = `assert f() == "${id}"`): UnitTest => assertTest(id, code);
const request = (id: string, code: string, tests: UnitTest[]): ExecutionRequest =>
  conformanceRequest(id, code, tests, limits);

/** A backend that answers each request's tests in reverse order (`drop` of them never). */
function reversing(drop = 0): Executor {
  return {
    name: "reversing",
    capabilities: { languages: ["python"], testKinds: ["assert"], sandboxLevels: ["process"] },
    fingerprint: async () => "reversing",
    execute(requests) {
      const output = new AsyncQueue<Verdict>();
      (async () => {
        for await (const forwarded of requests) {
          for (const unitTest of [...forwarded.tests].reverse().slice(drop))
            output.push({
              candidateId: forwarded.candidate.id,
              testId: unitTest.id,
              status:
                "code" in unitTest && forwarded.candidate.code.includes(unitTest.code)
                  ? "pass"
                  : "fail",
              wallMs: 0,
              cpuMs: 0,
            });
        }
        output.end();
      })();
      return output;
    },
    close: async () => {},
  };
}

async function all(executor: Executor, requests: ExecutionRequest[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for await (const verdict of executor.execute(requests)) verdicts.push(verdict);
  return verdicts;
}

describe("wrappers relaying verdicts", () => {
  it("route verdicts that come out of order, tests that share an id included", async () => {
    const executor = withDeduplication(reversing());
    const verdicts = await all(executor, [
      request("c", "one two", [test("a", "one"), test("b", "nine"), test("a", "two")]),
    ]);
    expect(
      verdicts
        .map((verdict) => `${verdict.candidateId}/${verdict.testId}/${verdict.status}`)
        .sort(),
    ).toEqual(["c/a/pass", "c/a/pass", "c/b/fail"]);
  });

  it("end with an internal error when the backend leaves a pair without a verdict", async () => {
    const executor = withDeduplication(reversing(1));
    await expect(all(executor, [request("c", "x", [test("a"), test("b")])])).rejects.toMatchObject({
      code: "internal",
      message: expect.stringContaining("reversing executor ended its stream without a verdict"),
    });
  });

  it("start no backend execution when there is nothing to forward", async () => {
    const backend = createMockExecutor();
    const executor = withDeduplication(backend);
    expect(await all(executor, [request("c", "x", [])])).toEqual([]);
    expect(await all(executor, [])).toEqual([]);
    expect(backend.requests).toEqual([]);
  });

  it("end at once for a signal aborted before the call", async () => {
    const executor = withDeduplication(createMockExecutor());
    await expect(
      (async () => {
        for await (const _ of executor.execute([request("c", "x", [test("a")])], {
          signal: AbortSignal.abort(),
        }));
      })(),
    ).rejects.toMatchObject({ code: "cancelled" });
  });
});
