/**
 * Dev-only scripted OpenAI-compatible HTTP server that answers like vLLM, plus the reward-model
 * routes of vLLM, SGLang, text-embeddings-inference and the CodeRM-NT server. Tests only: never
 * import this package from shipped code.
 */

/** An HTTP error answer: the body is vLLM's error JSON; `Retry-After` is set when given. */
export interface StatusFault {
  /** HTTP status, e.g. 429, 500, 503. */
  status: number;
  /** Seconds for the `Retry-After` header (fractions allowed). */
  retryAfterSeconds?: number;
  /** The error message; a default names the injected status. */
  message?: string;
}

/** Destroys the socket: before any response (`"before-headers"`) or mid-body (default). */
export interface DropFault {
  kind: "drop";
  when?: "before-headers" | "mid-body";
}

/** Waits `ms` milliseconds, then answers normally. */
export interface SlowFault {
  kind: "slow";
  ms: number;
}

/** Answers 200 with a truncated, invalid JSON body. */
export interface MalformedFault {
  kind: "malformed";
}

/** A fault to inject into one request, via `failNext` or returned from `respond`. */
export type Fault = StatusFault | DropFault | SlowFault | MalformedFault;

/** What `respond` is given: the parsed request for one sample of one prompt. */
export interface ScriptRequest {
  /** `"chat"` for `/v1/chat/completions`, `"completions"` for `/v1/completions`. */
  endpoint: "chat" | "completions";
  model: string;
  /** Chat messages as sent (chat only). */
  messages?: Array<{ role: string; content?: unknown; [key: string]: unknown }>;
  /** The prompt of this choice (completions only; one of the list when a list was sent). */
  prompt?: string;
  /** Index of the prompt in a prompt list (0 for chat and single prompts). */
  promptIndex: number;
  /** Index of the sample, 0..n-1. */
  sampleIndex: number;
  n: number;
  temperature: number | null;
  topP: number | null;
  /** `max_tokens` (or `max_completion_tokens`). */
  maxTokens: number | null;
  stop: string[];
  seed: number | null;
  stream: boolean;
  /** The whole parsed JSON body. */
  body: Record<string, unknown>;
}

/**
 * The script: the completion text for one sample. An array gives the texts of all samples
 * (element `sampleIndex`, the last one when shorter); a `Fault` fails the whole request.
 */
export type Respond = (
  request: ScriptRequest,
) => string | string[] | Fault | Promise<string | string[] | Fault>;

/** The reward-model servers the test server can answer as. */
export type RewardServerKind = "vllm" | "sglang" | "tei" | "coderm-nt";

/**
 * The reward route a request reached: vLLM's `/classify` and `/pooling`, SGLang's `/classify`
 * (with `text`) and `/v1/embeddings`, text-embeddings-inference's `/predict` (with `inputs`), the
 * CodeRM-NT authors' `/predict` (with `question` and `response`).
 */
export type RewardEndpoint =
  | "vllm-classify"
  | "vllm-pooling"
  | "sglang-classify"
  | "sglang-embeddings"
  | "tei-predict"
  | "coderm-nt-predict";

/** What the `reward` script is given: one item (one conversation or text) of a reward request. */
export interface RewardScriptRequest {
  endpoint: RewardEndpoint;
  /** The body's `model`, where it has one. */
  model: string | null;
  /**
   * The question (user turn): from `messages`, from the CodeRM-NT body, or parsed from a
   * ChatML text (Qwen2.5's template); null when a text is not ChatML.
   */
  question: string | null;
  /** The response (assistant turn), found as `question` is; CodeRM-NT's after its `</think>` cut. */
  response: string | null;
  /** The raw text of a text item (vLLM `input`, SGLang `text`/`input`, TEI `inputs`). */
  text: string | null;
  /** The chat messages of a vLLM chat-form request. */
  messages: Array<{ role: string; content?: unknown; [key: string]: unknown }> | null;
  /** The item's position in a batched request (0 for one-item requests). */
  index: number;
  /** vLLM's `truncate_prompt_tokens`, or TEI's `truncate` flag; null where absent. */
  truncate: number | boolean | null;
  /** The whole parsed JSON body. */
  body: Record<string, unknown>;
}

/**
 * The reward script: the raw reward (the classifier's logit) of one item. Servers apply what the
 * real ones would (vLLM's and TEI's sigmoid unless turned off, CodeRM-NT's clip to [-4, 4]). A
 * `Fault` fails the whole request (a `slow` one delays it, then the rewards are 0).
 */
export type RewardScript = (
  request: RewardScriptRequest,
) => number | Fault | Promise<number | Fault>;

/** Settings of `createOpenAITestServer`. */
export interface OpenAITestServerSettings {
  /** Served model names; others get vLLM's 404. Default `["test-model"]`. */
  models?: string[];
  /** The script; default answers `"Sample <i> from <model>."`. */
  respond?: Respond;
  /** Delay before every answer, in milliseconds. Default 0. */
  latencyMs?: number;
  /**
   * Error body shape: `"flat"` (default, vLLM's `{object: "error", message, type, param, code}`)
   * or `"nested"` (newer vLLM and OpenAI: `{error: {message, type, param, code}}`).
   */
  errorShape?: "flat" | "nested";
  /** Serve HTTPS with this key and certificate (PEM), e.g. {@link testTls}. Default: plain HTTP. */
  tls?: { key: string; cert: string };
  /** The reward of each item on the reward routes. Default: 0. */
  reward?: RewardScript;
  /**
   * Which reward server the reward routes answer as: one kind (the other kinds' routes are 404,
   * and a body of another kind's shape gets this kind's validation error), or `"all"` (default:
   * `/classify` and `/predict` pick the form by the body's fields).
   */
  rewardServer?: RewardServerKind | "all";
  /**
   * The vLLM version answered at `GET /version`, which decides the activation fields `/classify`
   * and `/pooling` read: `use_activation` (with the deprecated `activation` and `softmax`) from
   * 0.11.1, `activation` from 0.10.1, none before. Unread fields are ignored, as vLLM does, and
   * the value is then sigmoid(reward). Default `"0.11.1"`.
   */
  vllmVersion?: string;
  /** The shape of each `/pooling` item's `data`: `x`, `[x]` (default) or `[[x]]`. */
  poolingOutput?: "scalar" | "list" | "nested";
  /** text-embeddings-inference's `--max-client-batch-size` (default 32): larger batches get 413. */
  teiMaxClientBatchSize?: number;
}

/**
 * A throwaway self-signed certificate and key for 127.0.0.1 and localhost, for the server's TLS
 * mode; trusted only where a test passes `testTls.cert` as a certificate authority.
 */
export const testTls: { key: string; cert: string };

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** URL path without query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Parsed JSON body; the raw text when it was not JSON; null when empty. */
  body: unknown;
  /** Request headers; the `authorization` value is replaced by `"[redacted]"`. */
  headers: Record<string, string | string[] | undefined>;
  /** `Date.now()` when the body was read. */
  time: number;
}

/** Where a started server listens. */
export interface OpenAITestServerHandle {
  /** `http://127.0.0.1:PORT/v1` (`https` with `tls`), ready for `new OpenAI({ baseURL })`. */
  baseURL: string;
  port: number;
  close(): Promise<void>;
}

/** A scripted OpenAI-compatible test server. */
export interface OpenAITestServer {
  /** Every request received, in order (including faulted ones). */
  readonly requests: RecordedRequest[];
  /** The base URL; throws before `start()`. */
  readonly baseURL: string;
  /** Listens on 127.0.0.1 on a free port (idempotent). */
  start(): Promise<OpenAITestServerHandle>;
  /** Queues `fault` for the next `count` requests (default 1), whatever their path. */
  failNext(fault: Fault, count?: number): void;
  /** Clears recorded requests and queued faults. */
  reset(): void;
  /** Closes the server and all its (keep-alive) connections. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates (does not start) a scripted OpenAI-compatible test server. */
export function createOpenAITestServer(settings?: OpenAITestServerSettings): OpenAITestServer;

/** The question and response of a ChatML text (Qwen2.5's chat template), or null. */
export function parseChatMl(text: string): { question: string; response: string } | null;

/** Counts tokens the way the server does: whitespace-separated words. */
export function countTokens(text: string): number;
