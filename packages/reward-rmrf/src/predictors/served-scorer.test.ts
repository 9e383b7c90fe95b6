import type { UnitTest } from "@coderm/core";
import { createOpenAIGenerator } from "@coderm/generators";
import { createOpenAITestServer, type ScriptRequest } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { createServedTestScorer, readAnswer } from "./served-scorer.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

// A scripted judge: a test that divides by zero does not run; one that calls `g` reaches new
// lines; one with `-1` kills a mutant. It answers in the JSON the prompt asks for.
function judge(request: ScriptRequest): string {
  const prompt = String(request.messages?.at(-1)?.content ?? "");
  const candidate = prompt.split("A candidate test to add to the existing tests:")[1] ?? "";
  const runs = !candidate.includes("1 / 0");
  return JSON.stringify({
    runs,
    coverage_increase: candidate.includes("g("),
    mutation_increase: candidate.includes("-1"),
  });
}

const assertTest = (id: string, code: string): UnitTest => ({
  kind: "assert",
  id,
  problemId: "p",
  code,
});

describe("createServedTestScorer", () => {
  it("scores each test with one request to an OpenAI-compatible server, asking for JSON", async () => {
    const server = createOpenAITestServer({ models: ["judge"], respond: judge });
    servers.push(server);
    const { baseURL } = await server.start();
    const generator = createOpenAIGenerator({ model: "judge", baseURL, cache: false });
    const scorer = createServedTestScorer({ generator });
    const scores = await scorer.score({
      focalCode: "def f(x):\n    return x + 1\n\ndef g(x):\n    return -x\n",
      existingTests: "assert f(1) == 2",
      tests: [
        assertTest("a", "assert f(2) == 3"),
        assertTest("b", "assert g(2) == -2"),
        assertTest("c", "assert f(-1) == 0"),
        assertTest("d", "assert g(1 / 0) == 0"),
      ],
    });
    expect(scores).toEqual([
      { runs: 1, coverageGain: 0, mutationGain: 0 },
      { runs: 1, coverageGain: 1, mutationGain: 0 },
      { runs: 1, coverageGain: 0, mutationGain: 1 },
      // a test that does not run raises nothing, whatever the model says
      { runs: 0, coverageGain: 0, mutationGain: 0 },
    ]);
    const bodies = server.requests
      .filter((request) => request.path === "/v1/chat/completions")
      .map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(4);
    expect(bodies[0]!.temperature).toBe(0);
    expect(bodies[0]!.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "rmrf_labels", strict: true },
    });
    await generator.close();
  });

  it("leaves structured output out when asked, and names the test whose answer is unreadable", async () => {
    const server = createOpenAITestServer({
      models: ["judge"],
      respond: (request) =>
        String(request.messages?.at(-1)?.content).includes("assert f(0)")
          ? "I think so."
          : judge(request),
    });
    servers.push(server);
    const { baseURL } = await server.start();
    const generator = createOpenAIGenerator({ model: "judge", baseURL, cache: false });
    const scorer = createServedTestScorer({ generator, structuredOutput: false });
    const input = {
      focalCode: "def f(x):\n    return x\n",
      existingTests: "",
      tests: [assertTest("fine", "assert f(1) == 1"), assertTest("vague", "assert f(0) == 0")],
    };
    await expect(scorer.score(input)).rejects.toThrow(
      /item vague.*not the JSON asked for|not the JSON asked for.*vague/s,
    );
    const body = server.requests.find((request) => request.path === "/v1/chat/completions")!
      .body as Record<string, unknown>;
    expect(body.response_format).toBeUndefined();
    const neutral = createServedTestScorer({
      generator,
      structuredOutput: false,
      onUnreadable: "neutral",
    });
    expect((await neutral.score(input))[1]).toEqual({
      runs: 0.5,
      coverageGain: 0.5,
      mutationGain: 0.5,
    });
    await generator.close();
  });
});

describe("readAnswer", () => {
  it("reads booleans, yes/no words and probabilities inside surrounding text", () => {
    expect(
      readAnswer(
        '```json\n{"runs": "yes", "coverage_increase": "no", "mutation_increase": true}\n```',
        "t",
      ),
    ).toEqual({
      runs: 1,
      coverageGain: 0,
      mutationGain: 1,
    });
    expect(
      readAnswer('{"runs": 0.8, "coverage_increase": 0.9, "mutation_increase": 0.1}', "t"),
    ).toEqual({
      runs: 0.8,
      coverageGain: 0.8,
      mutationGain: 0.1,
    });
    expect(() =>
      readAnswer('{"runs": 2, "coverage_increase": 0, "mutation_increase": 0}', "t"),
    ).toThrow(/not the JSON asked for/);
  });
});
