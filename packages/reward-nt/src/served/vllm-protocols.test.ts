import type { OpenAITestServer } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import { qwen25ChatTemplate } from "./chat-template.js";
import type { CodecContext } from "./protocol-codec.js";
import {
  rewardCandidate,
  routes,
  startRewardServer,
  testProblem,
} from "./reward-server-fixture.js";
import { createServedRewardModel } from "./served-reward-model.js";
import {
  compareVersions,
  poolingScalar,
  vllmActivationFields,
  vllmClassifyCodec,
} from "./vllm-protocols.js";

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(settings: Parameters<typeof startRewardServer>[0]) {
  const started = await startRewardServer({ rewardServer: "vllm", ...settings });
  server = started.server;
  return started.root;
}

const input = { problem: testProblem, candidates: [rewardCandidate(1.5)] };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("vLLM versions and the activation field", () => {
  it("knows which versions read which field", () => {
    expect(vllmActivationFields("0.11.1")).toContain("use_activation");
    expect(vllmActivationFields("0.12.0rc1")).toContain("activation");
    expect(vllmActivationFields("0.11.0")).toEqual(["activation"]);
    expect(vllmActivationFields("0.10.1.dev5+gabc")).toEqual(["activation"]);
    expect(vllmActivationFields("0.10.0")).toEqual([]);
    expect(compareVersions("v0.9.2", "0.10.0")).toBe(-1);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
  });

  it("refuses a version that would ignore use_activation, before scoring anything", async () => {
    const root = await start({ vllmVersion: "0.10.2" });
    const model = createServedRewardModel({ baseURL: root, protocol: "vllm-classify" });
    await expect(model.score(input)).rejects.toMatchObject({
      code: "unsupported",
      field: "activationField",
      message: expect.stringMatching(
        /vLLM 0\.10\.2 .*"use_activation".*`activation` from 0\.10\.1/,
      ),
    });
    expect(routes(server!)).toEqual(["GET /version"]);
  });

  it("sends `activation` to a 0.10 server when told, and gets the raw reward", async () => {
    const root = await start({ vllmVersion: "0.10.2" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "vllm-classify",
      activationField: "activation",
    });
    expect(await model.score(input)).toEqual([1.5]);
    expect(server!.requests[1]!.body).toMatchObject({ activation: false });
  });

  it("refuses any field on a version without a per-request switch", async () => {
    const root = await start({ vllmVersion: "0.9.2" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "vllm-pooling",
      activationField: "activation",
    });
    await expect(model.score(input)).rejects.toMatchObject({ code: "unsupported" });
  });

  it("with activationField null, sends no field and checks no version", async () => {
    const root = await start({ vllmVersion: "0.9.2" });
    const model = createServedRewardModel({
      baseURL: root,
      protocol: "vllm-classify",
      activationField: null,
      clip: false,
    });
    // The server applies its sigmoid: what a server without the pooler config change answers.
    expect((await model.score(input))[0]).toBeCloseTo(sigmoid(1.5), 10);
    expect(routes(server!)).toEqual(["POST /classify"]);
    expect(server!.requests[0]!.body).not.toHaveProperty("use_activation");
  });

  it("skips the check when told, or when the server has no /version", async () => {
    const root = await start({ vllmVersion: "0.10.2" });
    const unchecked = createServedRewardModel({
      baseURL: root,
      protocol: "vllm-classify",
      checkServerVersion: false,
      clip: false,
    });
    expect((await unchecked.score(input))[0]).toBeCloseTo(sigmoid(1.5), 10);
    expect(routes(server!)).toEqual(["POST /classify"]);
    await server!.close();
    const started = await startRewardServer({ rewardServer: "all" });
    server = started.server;
    server.failNext({ status: 404 });
    const model = createServedRewardModel({ baseURL: started.root, protocol: "vllm-classify" });
    expect(await model.score(input)).toEqual([1.5]);
  });

  it("explains a 400 that names the activation field with the version history", async () => {
    const root = await start({
      vllmVersion: "0.11.1",
      reward: () => ({ status: 400, message: "use_activation: Extra inputs are not permitted" }),
    });
    const model = createServedRewardModel({ baseURL: root, protocol: "vllm-classify" });
    await expect(model.score(input)).rejects.toMatchObject({
      code: "rejected",
      message: expect.stringMatching(
        /400: use_activation: Extra inputs are not permitted \(vLLM reads `use_activation` from 0\.11\.1/,
      ),
    });
  });
});

describe("reading vLLM answers", () => {
  const context: CodecContext = {
    model: "m",
    chatTemplate: qwen25ChatTemplate,
    activationField: "use_activation",
    maxInputTokens: undefined,
  };

  it("takes the pooled scalar of every data shape, the last token of per-token values", () => {
    expect(poolingScalar(0.5)).toBe(0.5);
    expect(poolingScalar([0.5])).toBe(0.5);
    expect(poolingScalar([[0.5]])).toBe(0.5);
    expect(poolingScalar([[0.1], [0.2], [0.7]])).toBe(0.7);
    expect(() => poolingScalar([0.1, 0.2, 0.3])).toThrow(/3 values/);
    expect(() => poolingScalar([])).toThrow();
    expect(() => poolingScalar(["x"])).toThrow();
  });

  it("refuses a classifier with more than one class and a non-finite prob", () => {
    const answer = (item: object) => ({ data: [{ index: 0, label: "LABEL_0", ...item }] });
    expect(vllmClassifyCodec.rewards(answer({ probs: [-0.5], num_classes: 1 }), 1)).toEqual([-0.5]);
    expect(() =>
      vllmClassifyCodec.rewards(answer({ probs: [0.2, 0.8], num_classes: 2 }), 1),
    ).toThrow(/2 classes/);
    expect(() => vllmClassifyCodec.rewards(answer({ probs: [null] }), 1)).toThrow(/finite/);
    expect(() => vllmClassifyCodec.rewards({ data: [] }, 1)).toThrow(/0 items/);
  });

  it("writes no truncation field unless maxInputTokens is set", () => {
    const pair = { question: "q", response: "r" };
    expect(vllmClassifyCodec.body([pair], context)).not.toHaveProperty("truncate_prompt_tokens");
    expect(
      vllmClassifyCodec.body([pair], { ...context, maxInputTokens: 100 }).truncate_prompt_tokens,
    ).toBe(100);
  });
});
