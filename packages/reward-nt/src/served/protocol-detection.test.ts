import type { OpenAITestServer, RewardServerKind } from "@coderm/openai-test-server";
import { afterEach, describe, expect, it } from "vitest";
import type { ServedRewardProtocol } from "./protocol-codec.js";
import {
  rewardCandidate,
  routes,
  startRewardServer,
  testProblem,
} from "./reward-server-fixture.js";
import { createServedRewardModel } from "./served-reward-model.js";

let server: OpenAITestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const input = { problem: testProblem, candidates: [rewardCandidate(2), rewardCandidate(-1)] };

describe('protocol "auto"', () => {
  const cases: [RewardServerKind, ServedRewardProtocol, string[]][] = [
    ["coderm-nt", "coderm-nt", ["POST /predict"]],
    ["tei", "tei", ["POST /predict", "POST /predict"]],
    ["vllm", "vllm-classify", ["POST /predict", "POST /predict", "POST /classify"]],
    [
      "sglang",
      "sglang-classify",
      ["POST /predict", "POST /predict", "POST /classify", "POST /classify"],
    ],
  ];
  for (const [kind, expected, probes] of cases) {
    it(`finds ${expected} on a ${kind} server, once, then scores with it`, async () => {
      const started = await startRewardServer({ rewardServer: kind });
      server = started.server;
      const model = createServedRewardModel({ baseURL: started.root, protocol: "auto" });
      expect(model.protocol).toBeUndefined();
      expect(await model.score(input)).toEqual([2, -1]);
      expect(model.protocol).toBe(expected);
      expect(routes(server).slice(0, probes.length)).toEqual(probes);
      const afterFirst = server.requests.length;
      await model.score(input);
      expect(server.requests.slice(afterFirst).map((r) => r.path)).not.toContain("/version");
      // No probe again: one request a pair, or one batch for the protocols that batch.
      const batches = expected === "tei" || expected === "sglang-classify";
      expect(server.requests.length - afterFirst).toBe(batches ? 1 : 2);
    });
  }

  it("falls through to vLLM's /pooling when /classify is refused", async () => {
    const started = await startRewardServer({
      rewardServer: "vllm",
      reward: (request) =>
        request.endpoint === "vllm-classify" ? { status: 400, message: "classify is off" } : 1,
    });
    server = started.server;
    const model = createServedRewardModel({ baseURL: started.root, protocol: "auto" });
    expect(await model.resolveProtocol()).toBe("vllm-pooling");
  });

  it("says what every probe got when none answers", async () => {
    const started = await startRewardServer({
      rewardServer: "coderm-nt",
      reward: () => ({ status: 400, message: "no" }),
    });
    server = started.server;
    const model = createServedRewardModel({ baseURL: started.root, protocol: "auto" });
    const error = await model.resolveProtocol().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "unsupported" });
    const message = (error as Error).message;
    for (const protocol of ["coderm-nt", "tei", "vllm-classify", "sglang-classify", "vllm-pooling"])
      expect(message).toContain(`${protocol} (POST /`);
    expect(message).toContain("coderm-nt (POST /predict: 400 no)");
    expect(message).toContain("sglang-embeddings (POST /v1/embeddings: 404");
  });

  it("fails at once, as unavailable, when nothing listens", async () => {
    const started = await startRewardServer();
    await started.server.close();
    const model = createServedRewardModel({ baseURL: started.root, protocol: "auto", retries: 0 });
    await expect(model.score(input)).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringContaining(`${started.root}/predict`),
    });
  });
});
