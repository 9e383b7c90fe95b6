import { describe, expect, it } from "vitest";
import { CodermError } from "../errors.js";
import type { ExecutionRequest } from "../model.js";
import { createMockExecutor } from "./mock-executor.js";
import { createMockRewardModel } from "./mock-reward-model.js";
import { createMockTestScorer } from "./mock-test-scorer.js";
import { createMockTextGenerator } from "./mock-text-generator.js";

const request: ExecutionRequest = {
  candidate: { id: "c", problemId: "p", code: "x = 1" },
  tests: [
    { id: "t1", problemId: "p", kind: "assert", code: "assert x == 1" },
    { id: "t2", problemId: "p", kind: "stdio", stdin: "", expectedStdout: "" },
  ],
  limits: { timeMs: 100, memoryMb: 64, outputBytes: 0 },
};

describe("createMockExecutor", () => {
  it("answers every pair with its judge and records the requests", async () => {
    const executor = createMockExecutor({
      judge: (_candidate, test) => (test.id === "t1" ? "pass" : { status: "fail", message: "no" }),
    });
    const verdicts = [];
    for await (const verdict of executor.execute([request])) verdicts.push(verdict);
    expect(verdicts.map((verdict) => [verdict.testId, verdict.status])).toEqual([
      ["t1", "pass"],
      ["t2", "fail"],
    ]);
    expect(verdicts[1]!.message).toBe("no");
    expect(executor.requests).toEqual([request]);
    expect(executor.executed).toBe(2);
    expect(await executor.fingerprint()).toBe("mock");
  });

  it("refuses kinds it does not claim, cancellation and use after close", async () => {
    const executor = createMockExecutor({ capabilities: { testKinds: ["assert"] } });
    const run = async (signal?: AbortSignal) => {
      for await (const _ of executor.execute([request], signal ? { signal } : {})) {
      }
    };
    await expect(run()).rejects.toThrow(/test kind "stdio"/);
    const controller = new AbortController();
    controller.abort();
    await expect(run(controller.signal)).rejects.toSatisfy(
      (error) => CodermError.isInstance(error) && error.code === "cancelled",
    );
    await executor.close();
    expect(executor.closed).toBe(true);
    await expect(run()).rejects.toThrow(/closed/);
  });
});

describe("createMockRewardModel", () => {
  it("scores with its function, the last candidate best by default", async () => {
    const model = createMockRewardModel();
    const input = {
      problem: { id: "p", prompt: "", entryPoint: "f", language: "python" as const },
      candidates: [request.candidate, { ...request.candidate, id: "d" }],
    };
    expect(await model.score(input)).toEqual([0, 1]);
    expect(model.inputs).toEqual([input]);
    expect(model.needsPassMatrix).toBe(false);
  });
});

describe("createMockTextGenerator", () => {
  it("answers n samples a job and routes a failing job to onJobError", async () => {
    const generator = createMockTextGenerator({
      respond: (job, index) => {
        if (job.id === "bad") throw new CodermError("rejected", "too long");
        return `${job.id}:${index}`;
      },
    });
    const texts: string[] = [];
    const dropped: string[] = [];
    for await (const completion of generator.generate(
      [
        { id: "a", template: "t", prompt: "p", n: 2 },
        { id: "bad", template: "t", prompt: "p", n: 1 },
      ],
      { onJobError: (job) => dropped.push(job.id) > 0 },
    ))
      texts.push(completion.text);
    expect(texts).toEqual(["a:0", "a:1"]);
    expect(dropped).toEqual(["bad"]);
    expect(generator.usage.requests).toBe(2);
  });
});

describe("createMockTestScorer", () => {
  it("gives one score a test", async () => {
    const scorer = createMockTestScorer();
    const scores = await scorer.score({ focalCode: "", existingTests: "", tests: request.tests });
    expect(scores).toHaveLength(2);
    expect(scores[0]).toEqual({ runs: 0.5, coverageGain: 0.5, mutationGain: 0.5 });
  });
});
