import { describe, expect, it } from "vitest";
import { qwen25ChatTemplate, resolveChatTemplate } from "./chat-template.js";
import {
  afterThinking,
  fenceCode,
  hasCodeBlock,
  prepareResponse,
  type ResponseConventions,
} from "./response-text.js";
import { testProblem } from "./reward-server-fixture.js";
import { sglangClassifyCodec, sglangEmbeddingsCodec } from "./sglang-protocols.js";
import { teiCodec } from "./tei-protocol.js";

const conventions: ResponseConventions = {
  format: "fenced",
  thinking: false,
  requireCodeBlock: false,
  penalties: { missingThink: -4, noCode: -1 },
};
const candidate = (code: string) => ({ id: "c", problemId: testProblem.id, code });

describe("the input conventions", () => {
  it("keeps the text after the last </think>", () => {
    expect(afterThinking("<think>a</think>b</think>c")).toBe("c");
    expect(afterThinking("no think")).toBe("no think");
  });

  it("fences raw code in the problem's language, leaving fenced text as is", () => {
    expect(fenceCode("x = 1\n\n", "python")).toBe("```python\nx = 1\n```");
    expect(fenceCode("see ```js\nx\n```", "python")).toBe("see ```js\nx\n```");
  });

  it("finds only fenced blocks with content", () => {
    expect(hasCodeBlock("```python\nx = 1\n```")).toBe(true);
    expect(hasCodeBlock("```python\n  \n```")).toBe(false);
    expect(hasCodeBlock("x = 1")).toBe(false);
  });

  it("formats with a function when given one", () => {
    const prepared = prepareResponse(testProblem, candidate("x"), {
      ...conventions,
      format: (code, problem) => `${problem.entryPoint}: ${code}`,
    });
    expect(prepared).toEqual({ kind: "ask", response: "add: x" });
  });

  it("penalizes a missing </think> before looking for code", () => {
    const prepared = prepareResponse(testProblem, candidate(""), {
      ...conventions,
      thinking: true,
      requireCodeBlock: true,
    });
    expect(prepared).toEqual({ kind: "penalty", reward: -4, reason: "missing-think" });
  });
});

describe("chat templates", () => {
  it("writes Qwen2.5's ChatML with its default system prompt and no generation prompt", () => {
    expect(qwen25ChatTemplate("Q?", "A.")).toBe(
      "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
        "<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\nA.<|im_end|>\n",
    );
  });

  it("resolves names and functions, refusing unknown names", () => {
    expect(resolveChatTemplate("qwen2.5")).toBe(qwen25ChatTemplate);
    const custom = (q: string, r: string) => q + r;
    expect(resolveChatTemplate(custom)).toBe(custom);
    expect(() => resolveChatTemplate("llama3" as "qwen2.5")).toThrow(
      expect.objectContaining({ code: "invalid-input", field: "chatTemplate" }),
    );
  });
});

describe("reading SGLang and TEI answers", () => {
  it("matches SGLang embeddings by index and takes each last value", () => {
    const answer = {
      data: [
        { index: 1, embedding: [9, -2], object: "embedding" },
        { index: 0, embedding: [3], object: "embedding" },
      ],
    };
    expect(sglangEmbeddingsCodec.rewards(answer, 2)).toEqual([3, -2]);
    expect(() =>
      sglangEmbeddingsCodec.rewards(
        {
          data: [
            { index: 0, embedding: [1] },
            { index: 0, embedding: [2] },
          ],
        },
        2,
      ),
    ).toThrow(/not a free input position/);
  });

  it("refuses an SGLang /classify embedding of more than one value", () => {
    expect(sglangClassifyCodec.rewards([{ embedding: [0.5] }], 1)).toEqual([0.5]);
    expect(() => sglangClassifyCodec.rewards([{ embedding: [0.5, 0.1] }], 1)).toThrow(/2 values/);
    expect(() => sglangClassifyCodec.rewards([{ embedding: [1] }], 2)).toThrow(/1 items for 2/);
  });

  it("refuses a TEI answer with more than one label", () => {
    expect(teiCodec.rewards([[{ label: "LABEL_0", score: -1 }]], 1)).toEqual([-1]);
    expect(() =>
      teiCodec.rewards(
        [
          [
            { label: "a", score: 0.6 },
            { label: "b", score: 0.4 },
          ],
        ],
        1,
      ),
    ).toThrow(/2 items for 1/);
  });
});
