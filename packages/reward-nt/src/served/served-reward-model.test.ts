import type { OpenAITestServer } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { qwen25ChatTemplate } from "./chat-template.js";
import {
  rewardCandidate,
  routes,
  startRewardServer,
  testModel,
  testProblem,
} from "./reward-server-fixture.js";
import { createServedRewardModel } from "./served-reward-model.js";

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(settings: Parameters<typeof startRewardServer>[0] = {}) {
  const started = await startRewardServer(settings);
  server = started.server;
  return started;
}

const good = rewardCandidate(2.5);
const bad = rewardCandidate(-1.25, "return a - b");
const fenced = (code: string) => `\`\`\`python\n${code}\n\`\`\``;
const question = testProblem.prompt;

describe("the contract of each protocol", () => {
  it("coderm-nt: POST /predict {question, response} per pair, reading rewards", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const model = createServedRewardModel({ baseURL: root, protocol: "coderm-nt" });
    expect(await model.score({ problem: testProblem, candidates: [good, bad] })).toEqual([
      2.5, -1.25,
    ]);
    expect(routes(server!)).toEqual(["POST /predict", "POST /predict"]);
    expect(server!.requests.map((r) => r.body)).toEqual(
      expect.arrayContaining([
        { question, response: fenced(good.code) },
        { question, response: fenced(bad.code) },
      ]),
    );
    expect(server!.requests[0]!.headers["content-type"]).toBe("application/json");
  });

  it("vllm-classify: checks /version, then one chat conversation per request", async () => {
    const { root } = await start({ rewardServer: "vllm" });
    const model = createServedRewardModel({
      baseURL: `${root}/v1/`,
      protocol: "vllm-classify",
      maxInputTokens: 2048,
    });
    expect(await model.score({ problem: testProblem, candidates: [good, bad] })).toEqual([
      2.5, -1.25,
    ]);
    expect(routes(server!)).toEqual(["GET /version", "POST /classify", "POST /classify"]);
    const bodies = server!.requests.slice(1).map((r) => r.body);
    expect(bodies).toContainEqual({
      model: testModel,
      messages: [
        { role: "user", content: question },
        { role: "assistant", content: fenced(good.code) },
      ],
      use_activation: false,
      truncate_prompt_tokens: 2048,
    });
  });

  it("vllm-pooling: POST /pooling with messages, reading each shape of data", async () => {
    for (const poolingOutput of ["scalar", "list", "nested"] as const) {
      const { root } = await start({ rewardServer: "vllm", poolingOutput });
      const model = createServedRewardModel({ baseURL: root, protocol: "vllm-pooling" });
      expect(await model.score({ problem: testProblem, candidates: [good] })).toEqual([2.5]);
      expect(routes(server!)).toEqual(["GET /version", "POST /pooling"]);
      expect(server!.requests[1]!.body).toEqual({
        model: testModel,
        messages: [
          { role: "user", content: question },
          { role: "assistant", content: fenced(good.code) },
        ],
        use_activation: false,
      });
      await server!.close();
    }
  });

  it("sglang-classify: POST /classify {model, text: [ChatML...]} in batches", async () => {
    const { root } = await start({ rewardServer: "sglang" });
    const model = createServedRewardModel({ baseURL: root, protocol: "sglang-classify" });
    expect(await model.score({ problem: testProblem, candidates: [good, bad] })).toEqual([
      2.5, -1.25,
    ]);
    expect(routes(server!)).toEqual(["POST /classify"]);
    expect(server!.requests[0]!.body).toEqual({
      model: testModel,
      text: [
        `<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n${fenced(good.code)}<|im_end|>\n`,
        qwen25ChatTemplate(question, fenced(bad.code)),
      ],
    });
  });

  it("sglang-embeddings: POST /v1/embeddings {model, input}, the embedding's last value", async () => {
    const { root } = await start({ rewardServer: "sglang" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "sglang-embeddings",
      chatTemplate: (q, r) => `Q: ${q}\nA: ${r}`,
    });
    expect(await model.score({ problem: testProblem, candidates: [good, bad] })).toEqual([
      2.5, -1.25,
    ]);
    expect(routes(server!)).toEqual(["POST /v1/embeddings"]);
    expect(server!.requests[0]!.body).toEqual({
      model: testModel,
      input: [`Q: ${question}\nA: ${fenced(good.code)}`, `Q: ${question}\nA: ${fenced(bad.code)}`],
    });
  });

  it("tei: POST /predict {inputs: [[text]...], raw_scores: true}, truncate with maxInputTokens", async () => {
    const { root } = await start({ rewardServer: "tei" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "tei",
      maxInputTokens: 2048,
    });
    expect(await model.score({ problem: testProblem, candidates: [good, bad] })).toEqual([
      2.5, -1.25,
    ]);
    expect(server!.requests.map((r) => r.body)).toEqual([
      {
        inputs: [
          [qwen25ChatTemplate(question, fenced(good.code))],
          [qwen25ChatTemplate(question, fenced(bad.code))],
        ],
        raw_scores: true,
        truncate: true,
      },
    ]);
  });

  it("sends the api key as a bearer token and extraBody in every body", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "coderm-nt",
      apiKey: "sk-secret",
      extraBody: { priority: 1 },
    });
    await model.score({ problem: testProblem, candidates: [good] });
    expect(server!.requests[0]!.headers.authorization).toBe("[redacted]");
    expect(server!.requests[0]!.body).toMatchObject({ priority: 1, question });
  });
});

describe("batching and concurrency", () => {
  it("splits batching protocols into batchSize requests and keeps the order", async () => {
    const { root } = await start({ rewardServer: "tei" });
    const rewards = [0.5, 1, 1.5, 2, 2.5];
    const candidates = rewards.map((reward) => rewardCandidate(reward));
    const model = createServedRewardModel({ baseURL: root, protocol: "tei", batchSize: 2 });
    expect(await model.score({ problem: testProblem, candidates })).toEqual(rewards);
    const sizes = server!.requests.map((r) => (r.body as { inputs: unknown[] }).inputs.length);
    expect(sizes.sort()).toEqual([1, 2, 2]);
  });

  it("asks once for candidates with the same response", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const model = createServedRewardModel({ baseURL: root, protocol: "coderm-nt" });
    const twin = { ...good, id: "twin" };
    expect(await model.score({ problem: testProblem, candidates: [good, twin, bad] })).toEqual([
      2.5, 2.5, -1.25,
    ]);
    expect(server!.requests).toHaveLength(2);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const { root } = await start({
      rewardServer: "coderm-nt",
      reward: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 40));
        inFlight -= 1;
        return 1;
      },
    });
    const candidates = [1, 2, 3, 4, 5, 6].map((reward) => rewardCandidate(reward));
    const model = createServedRewardModel({ baseURL: root, protocol: "coderm-nt", concurrency: 2 });
    expect(await model.score({ problem: testProblem, candidates })).toEqual([1, 1, 1, 1, 1, 1]);
    expect(most).toBe(2);
  });
});

describe("the input conventions", () => {
  it("clips to [-4, 4] by default, to the given range, or not at all", async () => {
    const { root } = await start({ rewardServer: "tei" });
    const candidates = [rewardCandidate(9), rewardCandidate(-7.5), rewardCandidate(0.5)];
    const score = (clip?: readonly [number, number] | false) =>
      createServedRewardModel({
        baseURL: root,
        protocol: "tei",
        ...(clip === undefined ? {} : { clip }),
      }).score({ problem: testProblem, candidates });
    expect(await score()).toEqual([4, -4, 0.5]);
    expect(await score([-1, 1])).toEqual([1, -1, 0.5]);
    expect(await score(false)).toEqual([9, -7.5, 0.5]);
  });

  it("under thinking, gives -4 without </think> and sends only the text after it", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const model = createServedRewardModel({ baseURL: root, protocol: "coderm-nt", thinking: true });
    const thought = {
      ...good,
      id: "t",
      code: `<think>plan</think>first</think>\n${fenced("def add(a, b):\n    # reward 3\n    return a + b")}`,
    };
    expect(await model.score({ problem: testProblem, candidates: [good, thought] })).toEqual([
      -4, 3,
    ]);
    expect(server!.requests.map((r) => r.body)).toEqual([
      {
        question,
        response: `\n${fenced("def add(a, b):\n    # reward 3\n    return a + b")}`,
      },
    ]);
  });

  it("gives an unfinished <think> the missing-think penalty even without thinking", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "coderm-nt",
      penalties: { missingThink: -3 },
    });
    const unfinished = { ...good, id: "u", code: "<think>still going" };
    expect(await model.score({ problem: testProblem, candidates: [unfinished] })).toEqual([-3]);
    expect(server!.requests).toHaveLength(0);
  });

  it("under requireCodeBlock, gives -1 to a response without code and asks for the rest", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const empty = { ...good, id: "e", code: "  \n" };
    const prose = { ...good, id: "p", code: "I would add them." };
    const fencedModel = createServedRewardModel({
      baseURL: root,
      protocol: "coderm-nt",
      requireCodeBlock: true,
    });
    expect(await fencedModel.score({ problem: testProblem, candidates: [empty, good] })).toEqual([
      -1, 2.5,
    ]);
    expect(server!.requests).toHaveLength(1);
    const rawModel = createServedRewardModel({
      baseURL: root,
      protocol: "coderm-nt",
      requireCodeBlock: true,
      responseFormat: "raw",
      penalties: { noCode: -2 },
    });
    expect(await rawModel.score({ problem: testProblem, candidates: [prose] })).toEqual([-2]);
    expect(server!.requests).toHaveLength(1);
  });

  it("sends a candidate that holds a fence as is", async () => {
    const { root } = await start({ rewardServer: "coderm-nt" });
    const model = createServedRewardModel({ baseURL: root, protocol: "coderm-nt" });
    const answer = { ...good, id: "a", code: `Here:\n${fenced("x = 1  # reward 1")}` };
    expect(await model.score({ problem: testProblem, candidates: [answer] })).toEqual([1]);
    expect(server!.requests[0]!.body).toEqual({ question, response: answer.code });
  });
});

describe("settings", () => {
  it("refuses bad numbers and URLs with the field named", () => {
    expect(() =>
      createServedRewardModel({ baseURL: "http://x", protocol: "tei", batchSize: 0 }),
    ).toThrow(expect.objectContaining({ code: "invalid-input", field: "batchSize" }));
    expect(() => createServedRewardModel({ baseURL: "ftp://x", protocol: "tei" })).toThrow(
      expect.objectContaining({ field: "baseURL" }),
    );
    expect(() =>
      createServedRewardModel({ baseURL: "http://x", protocol: "tei", clip: [1, -1] }),
    ).toThrow(expect.objectContaining({ field: "clip" }));
  });

  it("names itself nt, ranks, and reads no pass matrix", () => {
    const model = createServedRewardModel({ baseURL: "http://x", protocol: "tei" });
    expect([model.name, model.ranks, model.needsPassMatrix, model.protocol]).toEqual([
      "nt",
      true,
      false,
      "tei",
    ]);
  });
});
