import { CodermError, type Problem, type RewardModel } from "@coderm/core";
import { z } from "zod";
import { type ChatTemplate, type ChatTemplateName, resolveChatTemplate } from "./chat-template.js";
import { type RetryPolicy, requestJson } from "./http-client.js";
import { createLimiter } from "./limiter.js";
import type {
  CodecContext,
  ProtocolCodec,
  ScoringPair,
  ServedRewardProtocol,
} from "./protocol-codec.js";
import { protocolCodecs } from "./protocol-codecs.js";
import { detectProtocol } from "./protocol-detection.js";
import {
  prepareResponse,
  type ResponseConventions,
  type ResponseFormat,
  type RewardPenalties,
} from "./response-text.js";
import { type RewardScoreCache, rewardScoreKey } from "./score-cache.js";
import { checkVllmActivationField } from "./vllm-version-check.js";

/** Settings of {@link createServedRewardModel}. */
export interface ServedRewardModelSettings {
  /** The server's root URL, e.g. `http://127.0.0.1:8000` (a trailing `/v1` is dropped). */
  baseURL: string;
  /** The request shape the server speaks, or `"auto"` to find it by probing once. */
  protocol: ServedRewardProtocol | "auto";
  /** The served model's name: `model` in bodies, and part of the cache key. Default `Rishubi/CodeRM-NT`. */
  model?: string;
  /** Stable name in reports (`nt` by default). */
  name?: string;
  /** Sent as `Authorization: Bearer <apiKey>` (vLLM's and TEI's `--api-key`); never in errors. */
  apiKey?: string;
  /** More request headers. */
  headers?: Record<string, string>;
  /** The question of a problem (default: its prompt). */
  question?: (problem: Problem) => string;
  /** How a candidate's code becomes the response (default `"fenced"`). */
  responseFormat?: ResponseFormat;
  /**
   * How the text protocols (`sglang-classify`, `sglang-embeddings`, `tei`) format a pair:
   * `"qwen2.5"` (default: Qwen2.5's ChatML with its default system prompt, CodeRM-NT's base) or a
   * function. vLLM and the CodeRM-NT server apply the model's own template.
   */
  chatTemplate?: ChatTemplateName | ChatTemplate;
  /**
   * The vLLM request field that turns the classifier's sigmoid off (`use_activation` by default,
   * vLLM 0.11.1 and later; `activation` for 0.10.1 to 0.11.0); null sends none (for a server whose
   * pooler config already turns it off).
   */
  activationField?: string | null;
  /**
   * Before the first vLLM request, ask `GET /version` and refuse a version that would ignore
   * `activationField` (default true).
   */
  checkServerVersion?: boolean;
  /** Responses come from a reasoning model: one without `</think>` gets the missing-think penalty. */
  thinking?: boolean;
  /** A response without a non-empty fenced code block gets the no-code penalty (default false). */
  requireCodeBlock?: boolean;
  /** Rewards given without asking: `missingThink` (default -4), `noCode` (default -1). */
  penalties?: Partial<RewardPenalties>;
  /** The range rewards are clipped to (default [-4, 4], as CodeRM-NT's server); false keeps them. */
  clip?: readonly [number, number] | false;
  /**
   * A truncation length (CodeRM-NT trained on 2,048 tokens), sent where the protocol has a field:
   * vLLM's `truncate_prompt_tokens` (which keeps the last tokens), TEI's `truncate: true` (TEI's
   * own maximum length). The CodeRM-NT server and SGLang have none: nothing is sent.
   */
  maxInputTokens?: number;
  /** Pairs a request for the protocols that batch (SGLang, TEI); default 32. */
  batchSize?: number;
  /** Requests in flight at once, across calls (default 8). */
  concurrency?: number;
  /** Retries on 429, 5xx, connection errors and timeouts (default 4). */
  retries?: number;
  /** The first backoff delay in ms, doubled each retry with jitter (default 500). */
  retryBaseDelayMs?: number;
  /** The longest wait before a retry in ms, `Retry-After` included (default 30,000). */
  maxRetryDelayMs?: number;
  /** The time limit of one request in ms (default 120,000). */
  timeoutMs?: number;
  /** Cancels every request of the model (the reward input carries no signal). */
  signal?: AbortSignal;
  /** Rewards already given (see `createMemoryRewardScoreCache`, `createSqliteRewardScoreCache`). */
  cache?: RewardScoreCache;
  /** Fields merged into every request body (after the protocol's own; part of the cache key). */
  extraBody?: Record<string, unknown>;
}

/** A CodeRM-NT reward model behind a server. */
export interface ServedRewardModel extends RewardModel {
  readonly ranks: true;
  /** The protocol in use: the setting, or what detection found (undefined before it ran). */
  readonly protocol: ServedRewardProtocol | undefined;
  /** The protocol, detecting it first under `"auto"`. */
  resolveProtocol(): Promise<ServedRewardProtocol>;
}

const numberSettings = z.object({
  batchSize: z.number().int().min(1),
  concurrency: z.number().int().min(1),
  retries: z.number().int().min(0),
  retryBaseDelayMs: z.number().min(0),
  maxRetryDelayMs: z.number().min(0),
  timeoutMs: z.number().positive(),
  maxInputTokens: z.number().int().min(1).optional(),
});

/**
 * A `RewardModel` over a served CodeRM-NT (a one-output sequence classifier): each candidate is
 * scored as (question = the problem's prompt, response = its code in a fenced block), one number,
 * higher better. The input conventions of CodeRM-NT's RL callback come first (text after the last
 * `</think>`, penalties for an unfinished think or missing code, given without asking), then the
 * cache, then the server in the `protocol`'s shape: batched where the protocol batches, at most
 * `concurrency` requests in flight, retried with backoff. Rewards are clipped to `clip`.
 */
export function createServedRewardModel(settings: ServedRewardModelSettings): ServedRewardModel {
  const root = serverRoot(settings.baseURL);
  const parsed = numberSettings.safeParse({
    batchSize: settings.batchSize ?? 32,
    concurrency: settings.concurrency ?? 8,
    retries: settings.retries ?? 4,
    retryBaseDelayMs: settings.retryBaseDelayMs ?? 500,
    maxRetryDelayMs: settings.maxRetryDelayMs ?? 30_000,
    timeoutMs: settings.timeoutMs ?? 120_000,
    maxInputTokens: settings.maxInputTokens,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CodermError("invalid-input", `served reward model: ${issue.message}`, {
      field: issue.path.join("."),
    });
  }
  const numbers = parsed.data;
  const clip = settings.clip ?? ([-4, 4] as const);
  if (clip !== false && !(clip[0] <= clip[1]))
    throw new CodermError("invalid-input", `the clip range [${clip}] is empty`, { field: "clip" });
  const model = settings.model ?? "Rishubi/CodeRM-NT";
  const context: CodecContext = {
    model,
    chatTemplate: resolveChatTemplate(settings.chatTemplate ?? "qwen2.5"),
    activationField:
      settings.activationField === undefined ? "use_activation" : settings.activationField,
    maxInputTokens: numbers.maxInputTokens,
  };
  const conventions: ResponseConventions = {
    format: settings.responseFormat ?? "fenced",
    thinking: settings.thinking ?? false,
    requireCodeBlock: settings.requireCodeBlock ?? false,
    penalties: { missingThink: -4, noCode: -1, ...settings.penalties },
  };
  const policy: RetryPolicy = {
    retries: numbers.retries,
    baseDelayMs: numbers.retryBaseDelayMs,
    maxDelayMs: numbers.maxRetryDelayMs,
    timeoutMs: numbers.timeoutMs,
  };
  const headers: Record<string, string> = {
    ...(settings.apiKey === undefined ? {} : { authorization: `Bearer ${settings.apiKey}` }),
    ...settings.headers,
  };
  const signal = settings.signal === undefined ? {} : { signal: settings.signal };
  const limiter = createLimiter(numbers.concurrency);
  const questionOf = settings.question ?? ((problem: Problem) => problem.prompt);

  let protocol: ServedRewardProtocol | undefined =
    settings.protocol === "auto" ? undefined : settings.protocol;
  let detecting: Promise<ServedRewardProtocol> | undefined;
  const resolveProtocol = async (): Promise<ServedRewardProtocol> => {
    if (protocol !== undefined) return protocol;
    detecting ??= detectProtocol({
      root,
      headers,
      policy,
      context,
      ...signal,
      ...(settings.extraBody === undefined ? {} : { extraBody: settings.extraBody }),
    }).then(
      (found) => {
        protocol = found;
        return found;
      },
      (error: unknown) => {
        detecting = undefined;
        throw error;
      },
    );
    return detecting;
  };

  let versionChecked: Promise<unknown> | undefined;
  const checkVersion = (found: ServedRewardProtocol): Promise<unknown> => {
    const field = context.activationField;
    if (!found.startsWith("vllm-") || field === null || settings.checkServerVersion === false)
      return Promise.resolve();
    versionChecked ??= checkVllmActivationField({
      root,
      headers,
      policy,
      protocol: found,
      activationField: field,
      ...signal,
    }).catch((error: unknown) => {
      versionChecked = undefined;
      throw error;
    });
    return versionChecked;
  };

  /** Asks the server for the rewards of `pairs` (one request), storing them in the cache. */
  const ask = async (codec: ProtocolCodec, batch: [string, ScoringPair][]) => {
    const url = root + codec.path;
    const pairs = batch.map(([, pair]) => pair);
    const answer = await requestJson({
      method: "POST",
      url,
      body: { ...codec.body(pairs, context), ...settings.extraBody },
      headers,
      protocol: codec.protocol,
      policy,
      ...signal,
      hint: (status, message) => codec.hint?.(status, message, context),
    });
    let rewards: number[];
    try {
      rewards = codec.rewards(answer, pairs.length);
    } catch (error) {
      throw new CodermError(
        "parse-error",
        `the ${codec.protocol} reward server at POST ${url} answered in another shape: ${(error as Error).message}`,
        { cause: error, details: { url, protocol: codec.protocol } },
      );
    }
    return batch.map(([key], index) => {
      const reward = rewards[index]!;
      settings.cache?.set(key, reward);
      return [key, reward] as const;
    });
  };

  return {
    name: settings.name ?? "nt",
    needsPassMatrix: false,
    ranks: true,
    get protocol() {
      return protocol;
    },
    resolveProtocol,
    async score(input) {
      const question = questionOf(input.problem);
      const rewards: (number | undefined)[] = new Array(input.candidates.length);
      const asks: { position: number; pair: ScoringPair }[] = [];
      input.candidates.forEach((candidate, position) => {
        const prepared = prepareResponse(input.problem, candidate, conventions);
        if (prepared.kind === "penalty") rewards[position] = prepared.reward;
        else asks.push({ position, pair: { question, response: prepared.response } });
      });
      if (asks.length > 0) {
        const found = await resolveProtocol();
        const codec = protocolCodecs[found];
        const keys = asks.map(({ pair }) =>
          rewardScoreKey({
            protocol: found,
            model,
            item: { pair: codec.itemKey(pair, context), extraBody: settings.extraBody ?? null },
          }),
        );
        const missing = new Map<string, ScoringPair>();
        asks.forEach(({ position, pair }, index) => {
          const key = keys[index]!;
          const cached = settings.cache?.get(key);
          if (cached !== undefined) rewards[position] = cached;
          else missing.set(key, pair);
        });
        if (missing.size > 0) {
          await checkVersion(found);
          const size = codec.batches ? numbers.batchSize : 1;
          const entries = [...missing];
          const batches: [string, ScoringPair][][] = [];
          for (let start = 0; start < entries.length; start += size)
            batches.push(entries.slice(start, start + size));
          const answered = new Map(
            (
              await Promise.all(batches.map((batch) => limiter.run(() => ask(codec, batch))))
            ).flat(),
          );
          asks.forEach(({ position }, index) => {
            rewards[position] ??= answered.get(keys[index]!);
          });
        }
      }
      return rewards.map((reward) => {
        if (reward === undefined) throw new CodermError("internal", "a reward went missing");
        return clip === false ? reward : Math.min(clip[1], Math.max(clip[0], reward));
      });
    },
  };
}

/** The server's root: the URL without trailing slashes and without a trailing `/v1`. */
function serverRoot(baseURL: string): string {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new CodermError("invalid-input", `the base URL ${JSON.stringify(baseURL)} is not a URL`, {
      field: "baseURL",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CodermError("invalid-input", `the base URL must be http(s), got ${url.protocol}`, {
      field: "baseURL",
    });
  return url.href.replace(/\/+$/, "").replace(/\/v1$/, "");
}
