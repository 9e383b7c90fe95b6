import type { ChatTemplate } from "./chat-template.js";

/**
 * The request shapes a served CodeRM-NT can be asked in:
 * - `coderm-nt`: the authors' reward server, `POST /predict` `{question, response}` -> `{rewards}`;
 * - `vllm-classify`: vLLM's pooling runner, `POST /classify` with chat `messages` -> `probs[0]`;
 * - `vllm-pooling`: vLLM's `POST /pooling` with chat `messages` -> the item's `data`;
 * - `sglang-classify`: SGLang with `--is-embedding`, `POST /classify` `{text: [...]}` -> `embedding[0]`;
 * - `sglang-embeddings`: SGLang's `POST /v1/embeddings` `{input: [...]}` -> the embedding's last value;
 * - `tei`: Hugging Face text-embeddings-inference, `POST /predict` `{inputs, raw_scores: true}`.
 */
export type ServedRewardProtocol =
  | "coderm-nt"
  | "vllm-classify"
  | "vllm-pooling"
  | "sglang-classify"
  | "sglang-embeddings"
  | "tei";

/** Every protocol, in the order `"auto"` tries them. */
export const servedRewardProtocols: readonly ServedRewardProtocol[] = [
  "coderm-nt",
  "tei",
  "vllm-classify",
  "sglang-classify",
  "vllm-pooling",
  "sglang-embeddings",
];

/** One (question, response) pair to score, after the input conventions were applied. */
export interface ScoringPair {
  question: string;
  response: string;
}

/** What a codec needs of the model's settings to write a request. */
export interface CodecContext {
  /** The served model's name (`model` in the bodies that carry one). */
  model: string;
  /** Formats a pair as one text, for the protocols that take text. */
  chatTemplate: ChatTemplate;
  /** The vLLM field that turns the classifier's activation off; null sends none. */
  activationField: string | null;
  /** The truncation length, where the protocol has a field for it. */
  maxInputTokens: number | undefined;
}

/** How one protocol writes requests and reads answers. */
export interface ProtocolCodec {
  readonly protocol: ServedRewardProtocol;
  /** The route under the server's root, e.g. `/classify`. */
  readonly path: string;
  /** Whether one request carries many pairs (otherwise one pair a request). */
  readonly batches: boolean;
  /** The JSON body asking for these pairs (one unless {@link batches}). */
  body(pairs: readonly ScoringPair[], context: CodecContext): Record<string, unknown>;
  /** What of one pair reaches the server and can change its score: the cache key's part. */
  itemKey(pair: ScoringPair, context: CodecContext): unknown;
  /**
   * One raw reward per pair, in order, from the server's JSON answer; throws an `Error` saying
   * what was expected when the answer has another shape.
   */
  rewards(answer: unknown, count: number): number[];
  /** More words for a rejection (a 4xx) of this protocol, where it has a likely cause. */
  hint?(status: number, message: string, context: CodecContext): string | undefined;
}

/** A finite number, or an `Error` naming what was found. */
export function finiteReward(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new Error(`${where} is ${JSON.stringify(value) ?? String(value)}, not a finite number`);
  return value;
}

/** A list of exactly `count` items, or an `Error` naming what was found. */
export function listOf(value: unknown, count: number, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list`);
  if (value.length !== count)
    throw new Error(`${where} has ${value.length} items for ${count} inputs`);
  return value;
}

/** The value at `key` of an object, or an `Error` naming what was found. */
export function field(value: unknown, key: string, where: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !(key in value))
    throw new Error(`${where} has no "${key}"`);
  return (value as Record<string, unknown>)[key];
}
