import { createOpenAITestServer, type OpenAITestServer } from "@coderm/openai-test-server";
import { type OpenedExecutor, openExecutor } from "@coderm/pipeline";
import { createMemoryRewardScoreCache, createServedRewardModel } from "@coderm/reward-nt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRewardServer, type RewardServer } from "./server.js";

let opened: OpenedExecutor;
let rewardServer: OpenAITestServer;
let server: RewardServer;

// The reward model (behind the CodeRM-NT authors' server shape) gives 2.5 to a response that
// doubles, -1 to any other, and 9 (clipped to 4) to one that says "flatter me".
beforeAll(async () => {
  rewardServer = createOpenAITestServer({
    rewardServer: "coderm-nt",
    reward: ({ response }) =>
      response?.includes("flatter me") ? 9 : response?.includes("2 * x") ? 2.5 : -1,
  });
  const { port } = await rewardServer.start();
  opened = await openExecutor({ workers: 2, cache: false });
  server = await createRewardServer({
    executor: opened,
    rewardModel: createServedRewardModel({
      baseURL: `http://127.0.0.1:${port}`,
      protocol: "coderm-nt",
      cache: createMemoryRewardScoreCache(),
    }),
    hybridWeight: 0.1,
    logLevel: "silent",
  });
});
afterAll(async () => {
  await server.close(0);
  await opened.close();
  await rewardServer.close();
});

const block = (code: string) => `Sure:\n\`\`\`python\n${code}\n\`\`\`\n`;
const doubling = block("def f(x):\n    return 2 * x");
const adding = block("def f(x):\n    return x + 21");
const question = "Write f(x) that doubles x.";

describe("the reward service with a served reward model", () => {
  it("scores rm items by the model alone and hybrid items by tests plus the weighted model", async () => {
    const tests = ["assert f(21) == 42", "assert f(0) == 0"];
    const response = await server.app.inject({
      method: "POST",
      url: "/v1/reward",
      payload: {
        items: [
          { id: "rm", problem: { prompt: question }, response: doubling, mode: "rm" },
          { id: "rm-wrong", problem: { prompt: question }, response: adding, mode: "rm" },
          { id: "clipped", problem: { prompt: question }, response: "flatter me", mode: "rm" },
          {
            id: "hybrid",
            problem: { prompt: question },
            response: doubling,
            tests,
            mode: "hybrid",
          },
          {
            id: "hybrid-wrong",
            problem: { prompt: question },
            response: adding,
            tests,
            mode: "hybrid",
            weight: 1,
          },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().results).toMatchObject([
      { id: "rm", reward: 2.5, modelReward: 2.5, status: "ok", total: 0 },
      { id: "rm-wrong", reward: -1, modelReward: -1, status: "ok" },
      { id: "clipped", reward: 4, modelReward: 4 },
      { id: "hybrid", reward: 1 + 0.1 * 2.5, modelReward: 2.5, passed: 2, total: 2 },
      { id: "hybrid-wrong", reward: 0 + 1 * -1, modelReward: -1, passed: 1, total: 2 },
    ]);
    // the model read the question and the whole response, as CodeRM-NT's server takes them
    const predicted = rewardServer.requests.filter((request) => request.path === "/predict");
    expect(predicted.map((request) => request.body)).toContainEqual({
      question,
      response: doubling,
    });
  });

  it("names the field when an rm item has no question, and needs tests in the other modes", async () => {
    const noQuestion = await server.app.inject({
      method: "POST",
      url: "/v1/reward",
      payload: { items: [{ response: doubling, mode: "rm" }] },
    });
    expect(noQuestion.statusCode).toBe(400);
    expect(noQuestion.json().error).toMatchObject({ field: "items[0].problem" });
    const noTests = await server.app.inject({
      method: "POST",
      url: "/v1/reward",
      payload: { items: [{ response: doubling, mode: "hybrid" }] },
    });
    expect(noTests.statusCode).toBe(400);
    expect(noTests.json().error.message).toContain("tests are needed");
  });

  it("answers CodeRM-NT's /predict as its authors' server does, from the reward cache", async () => {
    const before = rewardServer.requests.length;
    const response = await server.app.inject({
      method: "POST",
      url: "/predict",
      payload: { question, response: doubling },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ rewards: 2.5 });
    // asked before (the rm item above): the cache answered
    expect(rewardServer.requests.length).toBe(before);
  });

  it("answers 503 on /predict when the reward model keeps failing", async () => {
    rewardServer.failNext({ status: 500 }, 10);
    const response = await server.app.inject({
      method: "POST",
      url: "/predict",
      payload: { question, response: "a response never scored" },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.message).toContain("reward model");
    rewardServer.reset();
  });
});
