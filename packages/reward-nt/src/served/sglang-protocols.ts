import { field, finiteReward, listOf, type ProtocolCodec } from "./protocol-codec.js";

/**
 * SGLang serving the reward model with `--is-embedding`: `POST /classify` with
 * `{"model", "text": [...]}`, the texts chat-formatted here (the `chatTemplate` setting), many a
 * request; the answer is one `{"embedding": [x], "meta_info"}` per text, the reward at
 * `embedding[0]`. SGLang's `/classify` has no truncation field, so `maxInputTokens` is not sent.
 */
export const sglangClassifyCodec: ProtocolCodec = {
  protocol: "sglang-classify",
  path: "/classify",
  batches: true,
  body(pairs, context) {
    return {
      model: context.model,
      text: pairs.map((pair) => context.chatTemplate(pair.question, pair.response)),
    };
  },
  itemKey(pair, context) {
    return { text: context.chatTemplate(pair.question, pair.response) };
  },
  rewards(answer, count) {
    return listOf(answer, count, "the answer").map((item, index) => {
      const embedding = field(item, "embedding", `item ${index}`);
      if (!Array.isArray(embedding) || embedding.length !== 1)
        throw new Error(
          `item ${index}'s "embedding" has ${Array.isArray(embedding) ? embedding.length : "no"} values; a one-output reward model gives one`,
        );
      return finiteReward(embedding[0], `item ${index}'s "embedding[0]"`);
    });
  },
};

/**
 * SGLang's OpenAI-compatible `POST /v1/embeddings` with `{"model", "input": [...]}` (chat-formatted
 * texts, many a request), as veRL calls it: each item's reward is its embedding's last value
 * (veRL reads `data[-1].embedding[-1]` for its one input). Items are matched by `index`. No
 * truncation field.
 */
export const sglangEmbeddingsCodec: ProtocolCodec = {
  protocol: "sglang-embeddings",
  path: "/v1/embeddings",
  batches: true,
  body(pairs, context) {
    return {
      model: context.model,
      input: pairs.map((pair) => context.chatTemplate(pair.question, pair.response)),
    };
  },
  itemKey(pair, context) {
    return { text: context.chatTemplate(pair.question, pair.response) };
  },
  rewards(answer, count) {
    const items = listOf(field(answer, "data", "the answer"), count, '"data"');
    const rewards: number[] = new Array(count);
    items.forEach((item, position) => {
      const index = (item as { index?: unknown }).index;
      const at = typeof index === "number" ? index : position;
      if (!Number.isInteger(at) || at < 0 || at >= count || rewards[at] !== undefined)
        throw new Error(`"data[${position}].index" is ${String(index)}, not a free input position`);
      const embedding = field(item, "embedding", `"data[${position}]"`);
      if (!Array.isArray(embedding) || embedding.length === 0)
        throw new Error(`"data[${position}].embedding" is empty`);
      rewards[at] = finiteReward(embedding.at(-1), `"data[${position}].embedding[-1]"`);
    });
    return rewards;
  },
};
