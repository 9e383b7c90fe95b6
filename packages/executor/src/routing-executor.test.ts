import type { ExecutionRequest, Executor, Verdict } from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createRoutingExecutor } from "./routing-executor.js";

const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 1000 };
const request = (id: string, language?: ExecutionRequest["language"]): ExecutionRequest => ({
  candidate: { id, problemId: "p", code: id },
  tests: [{ id: "t", problemId: "p", kind: "assert", code: "assert f()" }],
  limits,
  ...(language === undefined ? {} : { language }),
});

async function all(executor: Executor, requests: ExecutionRequest[]): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for await (const verdict of executor.execute(requests)) verdicts.push(verdict);
  return verdicts;
}

function backends() {
  const python = createMockExecutor({
    name: "local",
    fingerprint: "python 3.11",
    capabilities: { sandboxLevels: ["process", "bwrap"] },
  });
  const javascript = createMockExecutor({
    name: "isolated-vm",
    fingerprint: "node 24",
    judge: () => "fail",
    capabilities: {
      languages: ["javascript", "typescript"],
      testKinds: ["assert", "stdio"],
      sandboxLevels: ["process"],
    },
  });
  return { python, javascript };
}

describe("createRoutingExecutor", () => {
  it("routes each request by its language and merges the verdicts", async () => {
    const { python, javascript } = backends();
    const executor = createRoutingExecutor({ python, javascript });
    const verdicts = await all(executor, [
      request("py-default"),
      request("js", "javascript"),
      request("py", "python"),
    ]);
    expect(
      Object.fromEntries(verdicts.map((verdict) => [verdict.candidateId, verdict.status])),
    ).toEqual({
      "py-default": "pass",
      js: "fail",
      py: "pass",
    });
    expect(python.requests.map((forwarded) => forwarded.candidate.id)).toEqual([
      "py-default",
      "py",
    ]);
    expect(javascript.requests.map((forwarded) => forwarded.candidate.id)).toEqual(["js"]);
    expect(executor.name).toBe("local+isolated-vm");
    expect(executor.capabilities).toEqual({
      languages: ["python", "javascript"],
      testKinds: ["assert", "unittest", "check", "call", "stdio"],
      sandboxLevels: ["process", "bwrap"],
    });
    await executor.close();
    expect(python.closed && javascript.closed).toBe(true);
  });

  it("takes a list, each language going to the first executor that runs it", async () => {
    const { python, javascript } = backends();
    const executor = createRoutingExecutor([python, javascript]);
    expect(executor.capabilities.languages).toEqual(["python", "javascript", "typescript"]);
    await all(executor, [request("ts", "typescript")]);
    expect(javascript.requests).toHaveLength(1);
    const fingerprint = await executor.fingerprint();
    expect(fingerprint).toContain("python 3.11");
    expect(fingerprint).toContain("node 24");
  });

  it("refuses a language no route runs with a typed error naming it", async () => {
    const { python } = backends();
    const executor = createRoutingExecutor({ python });
    await expect(all(executor, [request("js", "javascript")])).rejects.toMatchObject({
      code: "unsupported",
      field: "language",
      item: "js",
      message: expect.stringContaining("javascript"),
    });
  });

  it("refuses a route whose executor does not run its language, and no routes at all", () => {
    const { python } = backends();
    expect(() => createRoutingExecutor({ javascript: python })).toThrow(
      /javascript route's executor \(local\) does not run javascript/,
    );
    expect(() => createRoutingExecutor([])).toThrow(/at least one route/);
  });

  it("passes a route's error on", async () => {
    const broken = createMockExecutor({
      judge: () => {
        throw new Error("route broke");
      },
    });
    const executor = createRoutingExecutor({ python: broken });
    await expect(all(executor, [request("x")])).rejects.toThrow("route broke");
  });
});
