import {
  CodermError,
  type Completion,
  type GenerationJob,
  type GenerationUsage,
  type Sampling,
  type TextGenerator,
} from "@coderm/core";
import OpenAI from "openai";
import {
  createSqliteGenerationCache,
  type GenerationCache,
  type GenerationKey,
  type StoredCompletion,
} from "./generation-cache.js";
import { createHttpFetch } from "./http-fetch.js";

/** Settings of {@link createOpenAIGenerator}. */
export interface OpenAIGeneratorSettings {
  /** The served model's name. */
  model: string;
  /** Server base URL (`http://host:8000/v1`); default `OPENAI_BASE_URL`, else the hosted API. */
  baseURL?: string;
  /** API key; default `OPENAI_API_KEY` (local servers accept any). Never logged. */
  apiKey?: string;
  sampling?: Sampling;
  /** Requests in flight at once (64). */
  concurrency?: number;
  /** Retries of a request on 429, 5xx, timeouts and dropped connections, with backoff (8). */
  maxRetries?: number;
  /** Time limit of one request (10 minutes). */
  timeoutMs?: number;
  /** Most requests this generator may make; past it, generation stops with `budget-exhausted`. */
  requestBudget?: number;
  /** A generation cache, or false for none; default: the SQLite store under the cache directory. */
  cache?: GenerationCache | false;
  /** A fetch implementation (proxies, tests); default: keep-alive `node:http(s)` (see `createHttpFetch`). */
  fetch?: typeof fetch;
}

/**
 * A generator over an OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp, a hosted API) through
 * the `openai` SDK: chat or plain completions, `n` samples per request (with more requests when a
 * server returns fewer), bounded concurrency over keep-alive connections, retries with backoff
 * that honour Retry-After, a request budget, token usage, and a cache so an interrupted run resumes
 * and a rerun makes no request.
 */
export function createOpenAIGenerator(settings: OpenAIGeneratorSettings): TextGenerator {
  const client = new OpenAI({
    apiKey: settings.apiKey ?? process.env.OPENAI_API_KEY ?? "none",
    ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }),
    maxRetries: settings.maxRetries ?? 8,
    timeout: settings.timeoutMs ?? 600_000,
    fetch: settings.fetch ?? createHttpFetch(),
  });
  const cache =
    settings.cache === false ? undefined : (settings.cache ?? createSqliteGenerationCache());
  const concurrency = settings.concurrency ?? 64;
  const usage: GenerationUsage = { requests: 0, promptTokens: 0, completionTokens: 0, cached: 0 };
  let nSupported = true;

  const request = async (
    job: GenerationJob,
    sampling: Sampling,
    n: number,
    signal: AbortSignal | undefined,
  ): Promise<StoredCompletion[]> => {
    if (settings.requestBudget !== undefined && usage.requests >= settings.requestBudget)
      throw new CodermError(
        "budget-exhausted",
        `the request budget of ${settings.requestBudget} requests is spent`,
      );
    const common = {
      model: settings.model,
      n,
      ...(sampling.temperature === undefined ? {} : { temperature: sampling.temperature }),
      ...(sampling.topP === undefined ? {} : { top_p: sampling.topP }),
      ...(sampling.maxTokens === undefined ? {} : { max_tokens: sampling.maxTokens }),
      ...(sampling.stop === undefined ? {} : { stop: [...sampling.stop] }),
      ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
    };
    usage.requests += 1;
    try {
      if (job.messages !== undefined) {
        const response = await client.chat.completions.create(
          {
            ...common,
            messages: job.messages.map((message) => ({ ...message })),
            ...(job.responseFormat === undefined
              ? {}
              : {
                  response_format: {
                    type: "json_schema" as const,
                    json_schema: {
                      name: job.responseFormat.name,
                      schema: job.responseFormat.schema,
                      strict: true,
                    },
                  },
                }),
          },
          { signal },
        );
        account(response.usage);
        return response.choices.map((choice) => ({
          text: choice.message?.content ?? "",
          finishReason: choice.finish_reason ?? null,
          completionTokens: 0,
        }));
      }
      const response = await client.completions.create(
        {
          ...common,
          prompt: job.prompt ?? "",
          // vLLM's structured output on completions (OpenAI's API has none there)
          ...(job.responseFormat === undefined ? {} : { guided_json: job.responseFormat.schema }),
        },
        { signal },
      );
      account(response.usage);
      return response.choices.map((choice) => ({
        text: choice.text ?? "",
        finishReason: choice.finish_reason ?? null,
        completionTokens: 0,
      }));
    } catch (error) {
      usage.requests -= 1;
      throw explain(error, settings, job);
    }
  };
  const account = (served: { prompt_tokens?: number; completion_tokens?: number } | undefined) => {
    usage.promptTokens += served?.prompt_tokens ?? 0;
    usage.completionTokens += served?.completion_tokens ?? 0;
  };

  /** Every sample of a job: cached ones first, then requests until all n are there. */
  const run = async (
    job: GenerationJob,
    emit: (completion: Completion) => void,
    signal?: AbortSignal,
  ) => {
    if (job.messages === undefined && job.prompt === undefined)
      throw new CodermError("invalid-input", "a generation job needs messages or a prompt", {
        item: job.id,
      });
    const sampling = { ...settings.sampling, ...job.sampling };
    const key: GenerationKey = {
      model: settings.model,
      template: job.template,
      prompt: job.messages ?? job.prompt,
      ...(job.responseFormat === undefined ? {} : { responseFormat: job.responseFormat }),
      sampling: { ...sampling, stop: sampling.stop === undefined ? undefined : [...sampling.stop] },
    };
    const stored = cache?.lookup(key) ?? new Map<number, StoredCompletion>();
    for (const [index, completion] of stored) {
      if (index >= job.n) continue;
      usage.cached += 1;
      emit({
        jobId: job.id,
        index,
        text: completion.text,
        finishReason: completion.finishReason,
        cached: true,
      });
    }
    const missing = Array.from({ length: job.n }, (_, index) => index).filter(
      (index) => !stored.has(index),
    );
    while (missing.length > 0) {
      const want = nSupported ? missing.length : 1;
      let got: StoredCompletion[];
      try {
        got = await request(job, sampling, want, signal);
      } catch (error) {
        // Servers that refuse n > 1 get one request per sample.
        if (
          want > 1 &&
          CodermError.isInstance(error) &&
          error.code === "rejected" &&
          /\bn\b/.test(error.message)
        ) {
          nSupported = false;
          continue;
        }
        throw error;
      }
      if (got.length === 0)
        throw new CodermError("unavailable", `the server returned no choices for job ${job.id}`, {
          item: job.id,
        });
      const fresh = new Map<number, StoredCompletion>();
      for (const completion of got.slice(0, missing.length))
        fresh.set(missing.shift()!, completion);
      cache?.put(key, fresh);
      for (const [index, completion] of fresh)
        emit({
          jobId: job.id,
          index,
          text: completion.text,
          finishReason: completion.finishReason,
          cached: false,
        });
    }
  };

  return {
    usage,
    generate(jobs, options = {}) {
      return (async function* () {
        // Requests start whenever a slot frees, whether or not the caller is reading: completions
        // wait in `ready` rather than holding back the next requests.
        const ready: Completion[] = [];
        let wake: (() => void) | undefined;
        let failure: unknown;
        let active = 0;
        let exhausted = false;
        let pumping = false;
        let stopped = false;
        const notify = () => {
          wake?.();
          wake = undefined;
        };
        const iterator = (
          Symbol.asyncIterator in jobs
            ? (jobs as AsyncIterable<GenerationJob>)[Symbol.asyncIterator]()
            : (jobs as Iterable<GenerationJob>)[Symbol.iterator]()
        ) as AsyncIterator<GenerationJob> | Iterator<GenerationJob>;
        const emit = (completion: Completion) => {
          ready.push(completion);
          notify();
        };
        const pump = async () => {
          if (pumping) return;
          pumping = true;
          try {
            while (!exhausted && !stopped && failure === undefined && active < concurrency) {
              const next = await iterator.next();
              if (next.done) {
                exhausted = true;
                break;
              }
              active += 1;
              const job = next.value;
              run(job, emit, options.signal)
                .catch((error: unknown) => {
                  if (options.signal?.aborted || !options.onJobError?.(job, error))
                    failure ??= error;
                })
                .finally(() => {
                  active -= 1;
                  notify();
                  void pump();
                });
            }
          } catch (error) {
            failure ??= error;
          } finally {
            pumping = false;
            notify();
          }
        };
        const finished = () => exhausted && active === 0 && !pumping;
        void pump();
        try {
          while (true) {
            while (ready.length > 0) yield ready.shift()!;
            if (failure !== undefined) throw failure;
            if (finished()) return;
            await new Promise<void>((resolve) => {
              wake = resolve;
              if (ready.length > 0 || failure !== undefined || finished()) notify();
            });
          }
        } finally {
          stopped = true;
        }
      })();
    },
    async close() {
      cache?.close();
    },
  };
}

/** An SDK error as a CodermError naming the server and model, never the key. */
function explain(error: unknown, settings: OpenAIGeneratorSettings, job: GenerationJob): unknown {
  if (CodermError.isInstance(error)) return error;
  const where = `${settings.baseURL ?? process.env.OPENAI_BASE_URL ?? "the OpenAI API"} (model ${settings.model})`;
  if (error instanceof OpenAI.APIConnectionError)
    return new CodermError("unavailable", `cannot reach ${where}: ${error.message}`, {
      item: job.id,
      cause: error,
    });
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const code = status === 429 || status >= 500 ? "unavailable" : "rejected";
    return new CodermError(code, `${where} answered ${status}: ${error.message}`, {
      item: job.id,
      cause: error,
      details: { status },
    });
  }
  if (error instanceof SyntaxError)
    return new CodermError(
      "parse-error",
      `${where} sent a response that is not JSON: ${error.message}`,
      {
        item: job.id,
        cause: error,
      },
    );
  return error;
}
