import { field, finiteReward, listOf, type ProtocolCodec } from "./protocol-codec.js";

/** The score of a one-label prediction list `[{"label", "score"}]`. */
function predictionScore(predictions: unknown, where: string): number {
  const [prediction] = listOf(predictions, 1, where);
  return finiteReward(field(prediction, "score", where), `${where}'s "score"`);
}

/**
 * Hugging Face text-embeddings-inference serving the classifier: `POST /predict` with
 * `{"inputs": [[text], ...], "raw_scores": true}` (chat-formatted texts, a batch of one-string
 * sequences; `raw_scores` skips the sigmoid TEI applies to one label), answering one
 * `[{"label", "score"}]` list per input. With `maxInputTokens`, `"truncate": true` is sent: TEI
 * then truncates to its own maximum input length (`--max-input-length` or the model's), not to
 * the number given.
 */
export const teiCodec: ProtocolCodec = {
  protocol: "tei",
  path: "/predict",
  batches: true,
  body(pairs, context) {
    return {
      inputs: pairs.map((pair) => [context.chatTemplate(pair.question, pair.response)]),
      raw_scores: true,
      ...(context.maxInputTokens === undefined ? {} : { truncate: true }),
    };
  },
  itemKey(pair, context) {
    return {
      text: context.chatTemplate(pair.question, pair.response),
      truncate: context.maxInputTokens !== undefined,
    };
  },
  rewards(answer, count) {
    return listOf(answer, count, "the answer").map((predictions, index) =>
      predictionScore(predictions, `the predictions of input ${index}`),
    );
  },
  hint(status) {
    return status === 413
      ? "TEI refuses batches over its --max-client-batch-size and inputs over its maximum length: lower batchSize, or set maxInputTokens to send truncate: true"
      : undefined;
  },
};
