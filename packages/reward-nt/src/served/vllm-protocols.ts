import {
  type CodecContext,
  field,
  finiteReward,
  listOf,
  type ProtocolCodec,
  type ScoringPair,
} from "./protocol-codec.js";

/**
 * Which request fields turn a classifier's activation off in which vLLM versions. A one-logit
 * classifier's activation is a sigmoid, so a version that does not read the field sent answers
 * sigmoid(reward); vLLM ignores unknown request fields (it only logs them), so that happens
 * silently.
 */
export const vllmActivationHistory =
  "vLLM reads `use_activation` from 0.11.1 (with `activation` and `softmax` as deprecated aliases), " +
  "`activation` from 0.10.1 to 0.11.0, and has no per-request switch before 0.10.1 (there, turn the " +
  "classifier's activation off in the server's pooler config and set activationField to null)";

/** The activation fields a vLLM version reads on `/classify` and `/pooling` (see {@link vllmActivationHistory}). */
export function vllmActivationFields(version: string): readonly string[] {
  if (compareVersions(version, "0.11.1") >= 0) return ["use_activation", "activation", "softmax"];
  if (compareVersions(version, "0.10.1") >= 0) return ["activation"];
  return [];
}

/** Compares dotted release numbers ("0.10.1.dev3+g1234" reads as 0.10.1). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) =>
    (/^\d+(?:\.\d+)*/.exec(version.trim().replace(/^v/, ""))?.[0] ?? "0").split(".").map(Number);
  const left = parts(a);
  const right = parts(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** The chat-form body shared by `/classify` and `/pooling`: one conversation a request. */
function chatBody(pair: ScoringPair, context: CodecContext): Record<string, unknown> {
  return {
    model: context.model,
    messages: [
      { role: "user", content: pair.question },
      { role: "assistant", content: pair.response },
    ],
    ...(context.activationField === null ? {} : { [context.activationField]: false }),
    ...(context.maxInputTokens === undefined
      ? {}
      : { truncate_prompt_tokens: context.maxInputTokens }),
  };
}

function chatKey(pair: ScoringPair, context: CodecContext): unknown {
  return {
    question: pair.question,
    response: pair.response,
    activationField: context.activationField,
    truncatePromptTokens: context.maxInputTokens ?? null,
  };
}

function activationHint(_status: number, message: string, context: CodecContext) {
  const names = [context.activationField ?? "use_activation", "use_activation", "activation"];
  return names.some((name) => message.includes(name)) ? vllmActivationHistory : undefined;
}

/** The one item of a vLLM answer's `data`, checked to have index 0. */
function onlyItem(answer: unknown): unknown {
  const [item] = listOf(field(answer, "data", "the answer"), 1, '"data"');
  return item;
}

/**
 * vLLM's pooling runner (`vllm serve M --runner pooling --convert classify`): `POST /classify`
 * with `{"model", "messages": [user, assistant], "use_activation": false}` (the field name is
 * the `activationField` setting), one conversation a request since the chat form takes one; the
 * reward is `data[0].probs[0]` (with `num_classes` 1). `maxInputTokens` goes as
 * `truncate_prompt_tokens`, which keeps the *last* tokens (left truncation), unlike the right
 * truncation of training.
 */
export const vllmClassifyCodec: ProtocolCodec = {
  protocol: "vllm-classify",
  path: "/classify",
  batches: false,
  body: ([pair], context) => chatBody(pair!, context),
  itemKey: chatKey,
  rewards(answer) {
    const item = onlyItem(answer);
    const classes = (item as { num_classes?: unknown }).num_classes;
    if (typeof classes === "number" && classes !== 1)
      throw new Error(
        `the served model has ${classes} classes; CodeRM-NT is a one-output classifier`,
      );
    const probs = field(item, "probs", '"data[0]"');
    if (!Array.isArray(probs) || probs.length === 0) throw new Error('"data[0].probs" is empty');
    return [finiteReward(probs[0], '"data[0].probs[0]"')];
  },
  hint: activationHint,
};

/**
 * The reward in a pooling item's `data`: a number, `[x]`, `[[x]]`, or one value per token
 * (`[[a], [b], ...]`, where the sequence's reward is the last token's, as the classifier pools).
 */
export function poolingScalar(data: unknown): number {
  if (typeof data === "number") return finiteReward(data, '"data[0].data"');
  if (Array.isArray(data) && data.length > 0) {
    if (data.every((value) => typeof value === "number")) {
      if (data.length === 1) return finiteReward(data[0], '"data[0].data[0]"');
    } else if (data.every((value) => Array.isArray(value) && value.length === 1)) {
      const last = data.at(-1) as unknown[];
      return finiteReward(last[0], '"data[0].data[-1][0]"');
    }
    throw new Error(
      `"data[0].data" has ${data.flat(Infinity).length} values; a one-output classifier pools to one`,
    );
  }
  throw new Error(`"data[0].data" is ${JSON.stringify(data)}, not a number or a list of numbers`);
}

/**
 * vLLM's `POST /pooling` with the chat form `{"model", "messages", "use_activation": false}`;
 * the reward is the item's `data` (a number, `[x]`, `[[x]]`, or per-token values, last taken).
 * Truncation as {@link vllmClassifyCodec}.
 */
export const vllmPoolingCodec: ProtocolCodec = {
  protocol: "vllm-pooling",
  path: "/pooling",
  batches: false,
  body: ([pair], context) => chatBody(pair!, context),
  itemKey: chatKey,
  rewards(answer) {
    return [poolingScalar(field(onlyItem(answer), "data", '"data[0]"'))];
  },
  hint: activationHint,
};
