// @ts-check
/**
 * A dev-only, scripted OpenAI-compatible HTTP server that answers the way vLLM does.
 * Tests only: never import this from shipped code. Types live in `index.d.ts`.
 *
 * Tokens are counted as whitespace-separated words: `usage.prompt_tokens` is the number of
 * words in the prompt (chat: in every message's text content), `usage.completion_tokens` the
 * number of words in each returned text, summed over choices. `max_tokens` truncates a text
 * to that many words (`finish_reason: "length"`); `stop` cuts a text before the first stop
 * string it contains (`finish_reason: "stop"`, `stop_reason` set to that string).
 *
 * The reward-model routes (vLLM's `/classify`, `/pooling` and `/version`, SGLang's `/classify`
 * and `/v1/embeddings`, the `/predict` of text-embeddings-inference and of the CodeRM-NT server)
 * live in `reward-routes.js`; faults and recording apply to them as to every request.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { answerRewardRoute } from "./reward-routes.js";

export { parseChatMl } from "./reward-routes.js";
export { testTls } from "./test-tls.js";

/** @typedef {import("./index.d.ts").OpenAITestServerSettings} OpenAITestServerSettings */
/** @typedef {import("./index.d.ts").OpenAITestServer} OpenAITestServer */
/** @typedef {import("./index.d.ts").OpenAITestServerHandle} OpenAITestServerHandle */
/** @typedef {import("./index.d.ts").Fault} Fault */
/** @typedef {import("./index.d.ts").ScriptRequest} ScriptRequest */
/** @typedef {import("./index.d.ts").RecordedRequest} RecordedRequest */
/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */

const ERROR_TYPES = /** @type {Record<number, string>} */ ({
  400: "BadRequestError",
  401: "AuthenticationError",
  403: "PermissionDeniedError",
  404: "NotFoundError",
  409: "ConflictError",
  422: "UnprocessableEntityError",
  429: "RateLimitError",
  500: "InternalServerError",
  503: "ServiceUnavailableError",
});

/** Splits a text into word tokens, each carrying its leading whitespace, so joining restores it. */
function tokenize(/** @type {string} */ text) {
  return text.match(/\s*\S+/g) ?? [];
}

/** Counts whitespace-separated words. */
export function countTokens(/** @type {string} */ text) {
  return tokenize(text).length;
}

/** @param {unknown} content */
function contentText(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part.text === "string" ? part.text : ""))
      .join(" ");
  }
  return "";
}

function sleep(/** @type {number} */ ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {unknown} value */
function isFault(value) {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    ("status" in value || "kind" in value)
  );
}

function randomId() {
  return Math.random().toString(16).slice(2, 18).padEnd(16, "0");
}

class RequestError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Validates a parsed body like vLLM and returns the normalized sampling parameters.
 * @param {"chat" | "completions"} endpoint
 * @param {any} body
 * @param {string[]} models
 */
function validate(endpoint, body, models) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RequestError(400, "Request body must be a JSON object.");
  }
  if (typeof body.model !== "string" || !models.includes(body.model)) {
    throw new RequestError(404, `The model \`${body.model}\` does not exist.`);
  }
  if (endpoint === "chat") {
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw new RequestError(400, "`messages` must be a non-empty list.");
    }
  } else {
    const ok =
      typeof body.prompt === "string" ||
      (Array.isArray(body.prompt) &&
        body.prompt.length > 0 &&
        body.prompt.every((/** @type {unknown} */ p) => typeof p === "string"));
    if (!ok) throw new RequestError(400, "`prompt` must be a string or a list of strings.");
  }
  const n = body.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RequestError(400, `n must be at least 1, got ${n}.`);
  const temperature = body.temperature ?? null;
  if (temperature !== null && (typeof temperature !== "number" || temperature < 0)) {
    throw new RequestError(400, `temperature must be non-negative, got ${temperature}.`);
  }
  const topP = body.top_p ?? null;
  if (topP !== null && (typeof topP !== "number" || topP <= 0 || topP > 1)) {
    throw new RequestError(400, `top_p must be in (0, 1], got ${topP}.`);
  }
  const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? null;
  if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw new RequestError(400, `max_tokens must be at least 1, got ${maxTokens}.`);
  }
  const stopRaw = body.stop ?? null;
  /** @type {string[]} */
  const stop =
    stopRaw === null
      ? []
      : typeof stopRaw === "string"
        ? [stopRaw]
        : Array.isArray(stopRaw)
          ? stopRaw
          : [];
  if (stopRaw !== null && typeof stopRaw !== "string" && !Array.isArray(stopRaw)) {
    throw new RequestError(400, "stop must be a string or a list of strings.");
  }
  const seed = body.seed ?? null;
  if (seed !== null && !Number.isInteger(seed)) {
    throw new RequestError(400, `seed must be an integer, got ${seed}.`);
  }
  return { n, temperature, topP, maxTokens, stop, seed };
}

/**
 * Applies `stop` then `max_tokens` to a scripted text.
 * @param {string} text @param {string[]} stop @param {number | null} maxTokens
 */
function finish(text, stop, maxTokens) {
  /** @type {"stop" | "length"} */
  let finishReason = "stop";
  /** @type {string | null} */
  let stopReason = null;
  let cut = -1;
  for (const s of stop) {
    const at = s === "" ? -1 : text.indexOf(s);
    if (at !== -1 && (cut === -1 || at < cut)) {
      cut = at;
      stopReason = s;
    }
  }
  if (cut !== -1) text = text.slice(0, cut);
  const tokens = tokenize(text);
  if (maxTokens !== null && tokens.length > maxTokens) {
    text = tokens.slice(0, maxTokens).join("");
    finishReason = "length";
    stopReason = null;
  }
  return { text, finishReason, stopReason, tokens: tokenize(text) };
}

/** @param {string} message @param {number} status @param {"flat" | "nested"} shape */
function errorBody(message, status, shape) {
  const type = ERROR_TYPES[status] ?? "InternalServerError";
  if (shape === "nested") return { error: { message, type, param: null, code: status } };
  return { object: "error", message, type, param: null, code: status };
}

/**
 * Creates (but does not start) a scripted OpenAI-compatible test server.
 * @param {OpenAITestServerSettings} [settings]
 * @returns {OpenAITestServer}
 */
export function createOpenAITestServer(settings = {}) {
  const models = settings.models ?? ["test-model"];
  const respond =
    settings.respond ??
    ((/** @type {ScriptRequest} */ r) => `Sample ${r.sampleIndex} from ${r.model}.`);
  const latencyMs = settings.latencyMs ?? 0;
  const errorShape = settings.errorShape ?? "flat";
  /** @type {import("./reward-routes.js").RewardRouteOptions} */
  const rewardOptions = {
    models,
    reward: settings.reward ?? (() => 0),
    rewardServer: settings.rewardServer ?? "all",
    vllmVersion: settings.vllmVersion ?? "0.11.1",
    poolingOutput: settings.poolingOutput ?? "list",
    teiMaxClientBatchSize: settings.teiMaxClientBatchSize ?? 32,
    vllmError: (message, status) => errorBody(message, status, errorShape),
  };
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Fault[]} */
  const faultQueue = [];
  /** @type {OpenAITestServerHandle | null} */
  let handle = null;

  /** @type {import("node:http").RequestListener} */
  const listener = (req, res) => {
    handle_(req, res).catch((error) => {
      if (!res.headersSent) {
        sendJson(res, 500, errorBody(String(error?.message ?? error), 500, errorShape));
      } else {
        res.destroy();
      }
    });
  };
  const server = settings.tls
    ? createHttpsServer({ keepAlive: true, ...settings.tls }, listener)
    : createHttpServer({ keepAlive: true }, listener);
  server.keepAliveTimeout = 30_000;

  /** @param {ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
  function sendJson(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  /**
   * @param {ServerResponse} res
   * @param {{ status: number, json: unknown } | { status: number, text: string }} answer
   */
  function sendAnswer(res, answer) {
    if ("json" in answer) return sendJson(res, answer.status, answer.json);
    res.writeHead(answer.status, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(answer.text),
    });
    res.end(answer.text);
  }

  /** @param {IncomingMessage} req */
  async function readBody(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    return Buffer.concat(chunks).toString("utf8");
  }

  /**
   * Carries out a fault; returns true when the response is finished (or the socket gone),
   * false when the request should go on normally (after a `slow` delay).
   * @param {Fault} fault @param {ServerResponse} res @param {IncomingMessage} req
   */
  async function applyFault(fault, res, req) {
    if ("status" in fault) {
      /** @type {Record<string, string>} */
      const headers = {};
      if (fault.retryAfterSeconds !== undefined) {
        headers["retry-after"] = String(fault.retryAfterSeconds);
      }
      const message = fault.message ?? `Injected fault: HTTP ${fault.status}.`;
      sendJson(res, fault.status, errorBody(message, fault.status, errorShape), headers);
      return true;
    }
    if (fault.kind === "slow") {
      await sleep(fault.ms);
      return false;
    }
    if (fault.kind === "drop") {
      if ((fault.when ?? "mid-body") === "mid-body") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "4096" });
        await new Promise((resolve) => res.write('{"id":"chatcmpl-', () => resolve(undefined)));
      }
      req.socket.destroy();
      return true;
    }
    if (fault.kind === "malformed") {
      const text = '{"id": "cmpl-malformed", "choices": [';
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
      return true;
    }
    throw new Error(`Unknown fault ${JSON.stringify(fault)}`);
  }

  /** @param {IncomingMessage} req @param {ServerResponse} res */
  async function handle_(req, res) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const raw = await readBody(req);
    /** @type {unknown} */
    let body = raw === "" ? null : raw;
    let parseFailed = false;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        parseFailed = true;
      }
    }
    /** @type {Record<string, string | string[] | undefined>} */
    const headers = { ...req.headers };
    if (headers.authorization !== undefined) headers.authorization = "[redacted]";
    requests.push({ method: req.method ?? "GET", path, body, headers, time: Date.now() });

    const queued = faultQueue.shift();
    if (queued && (await applyFault(queued, res, req))) return;
    if (latencyMs > 0) await sleep(latencyMs);

    const rewardAnswer = await answerRewardRoute(rewardOptions, {
      method: req.method ?? "GET",
      path,
      body,
      parseFailed,
    });
    if (rewardAnswer !== null) {
      if ("fault" in rewardAnswer) {
        // A `slow` fault from the script waits, then answers as if the reward were 0.
        if (await applyFault(rewardAnswer.fault, res, req)) return;
        const again = await answerRewardRoute(
          { ...rewardOptions, reward: () => 0 },
          { method: req.method ?? "GET", path, body, parseFailed },
        );
        if (again === null || "fault" in again) throw new Error("unreachable");
        return sendAnswer(res, again);
      }
      return sendAnswer(res, rewardAnswer);
    }

    /** @type {"chat" | "completions" | "models" | null} */
    const route =
      path === "/v1/chat/completions"
        ? "chat"
        : path === "/v1/completions"
          ? "completions"
          : path === "/v1/models"
            ? "models"
            : null;
    if (route === null) return sendJson(res, 404, { detail: "Not Found" });
    const expectedMethod = route === "models" ? "GET" : "POST";
    if (req.method !== expectedMethod) return sendJson(res, 405, { detail: "Method Not Allowed" });
    if (route === "models") {
      const created = Math.floor(Date.now() / 1000);
      return sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({
          id,
          object: "model",
          created,
          owned_by: "vllm",
          root: id,
          parent: null,
          max_model_len: 32768,
          permission: [],
        })),
      });
    }
    if (parseFailed) {
      return sendJson(res, 400, errorBody("Request body is not valid JSON.", 400, errorShape));
    }

    /** @type {ReturnType<typeof validate>} */
    let params;
    try {
      params = validate(route, body, models);
    } catch (error) {
      if (error instanceof RequestError) {
        return sendJson(res, error.status, errorBody(error.message, error.status, errorShape));
      }
      throw error;
    }
    const request = /** @type {any} */ (body);
    const prompts =
      route === "chat"
        ? [null]
        : typeof request.prompt === "string"
          ? [request.prompt]
          : request.prompt;
    const promptTokens =
      route === "chat"
        ? request.messages.reduce(
            (/** @type {number} */ sum, /** @type {any} */ m) =>
              sum + countTokens(contentText(m?.content)),
            0,
          )
        : prompts.reduce(
            (/** @type {number} */ sum, /** @type {string} */ p) => sum + countTokens(p),
            0,
          );

    /** @type {{ index: number, text: string, finishReason: "stop" | "length", stopReason: string | null, tokens: string[] }[]} */
    const choices = [];
    for (let promptIndex = 0; promptIndex < prompts.length; promptIndex++) {
      for (let sampleIndex = 0; sampleIndex < params.n; sampleIndex++) {
        /** @type {ScriptRequest} */
        const scriptRequest = {
          endpoint: route,
          model: request.model,
          messages: route === "chat" ? request.messages : undefined,
          prompt: route === "chat" ? undefined : prompts[promptIndex],
          promptIndex,
          sampleIndex,
          n: params.n,
          temperature: params.temperature,
          topP: params.topP,
          maxTokens: params.maxTokens,
          stop: params.stop,
          seed: params.seed,
          stream: request.stream === true,
          body: request,
        };
        const answer = await respond(scriptRequest);
        if (isFault(answer)) {
          const fault = /** @type {Fault} */ (answer);
          if (await applyFault(fault, res, req)) return;
          continue;
        }
        const text = Array.isArray(answer)
          ? (answer[Math.min(sampleIndex, answer.length - 1)] ?? "")
          : /** @type {string} */ (answer);
        choices.push({
          index: promptIndex * params.n + sampleIndex,
          ...finish(String(text), params.stop, params.maxTokens),
        });
      }
    }
    const completionTokens = choices.reduce((sum, c) => sum + c.tokens.length, 0);
    const usage = {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens + completionTokens,
      completion_tokens: completionTokens,
    };
    const id = (route === "chat" ? "chatcmpl-" : "cmpl-") + randomId();
    const created = Math.floor(Date.now() / 1000);
    const model = request.model;

    if (request.stream === true) {
      return stream(res, route, id, created, model, choices, usage, request.stream_options);
    }
    if (route === "chat") {
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: choices.map((c) => ({
          index: c.index,
          message: { role: "assistant", content: c.text, reasoning_content: null, tool_calls: [] },
          logprobs: null,
          finish_reason: c.finishReason,
          stop_reason: c.stopReason,
        })),
        usage,
        prompt_logprobs: null,
      });
    }
    return sendJson(res, 200, {
      id,
      object: "text_completion",
      created,
      model,
      choices: choices.map((c) => ({
        index: c.index,
        text: c.text,
        logprobs: null,
        finish_reason: c.finishReason,
        stop_reason: c.stopReason,
        prompt_logprobs: null,
      })),
      usage,
    });
  }

  /**
   * Writes vLLM-shaped SSE chunks: per choice a role chunk (chat), one chunk per token, a
   * finish chunk; then an optional usage chunk and `data: [DONE]`.
   * @param {ServerResponse} res
   * @param {"chat" | "completions"} route
   * @param {string} id @param {number} created @param {string} model
   * @param {{ index: number, text: string, finishReason: string, stopReason: string | null, tokens: string[] }[]} choices
   * @param {{ prompt_tokens: number, total_tokens: number, completion_tokens: number }} usage
   * @param {any} streamOptions
   */
  function stream(res, route, id, created, model, choices, usage, streamOptions) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
    });
    const object = route === "chat" ? "chat.completion.chunk" : "text_completion";
    const includeUsage = streamOptions?.include_usage === true;
    /** @param {unknown[]} chunkChoices @param {unknown} [chunkUsage] */
    const send = (chunkChoices, chunkUsage) => {
      /** @type {Record<string, unknown>} */
      const chunk = { id, object, created, model, choices: chunkChoices };
      if (chunkUsage !== undefined) chunk.usage = chunkUsage;
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    };
    for (const c of choices) {
      if (route === "chat") {
        send([
          {
            index: c.index,
            delta: { role: "assistant", content: "" },
            logprobs: null,
            finish_reason: null,
          },
        ]);
      }
      for (const token of c.tokens) {
        send([
          route === "chat"
            ? { index: c.index, delta: { content: token }, logprobs: null, finish_reason: null }
            : {
                index: c.index,
                text: token,
                logprobs: null,
                finish_reason: null,
                stop_reason: null,
              },
        ]);
      }
      send([
        route === "chat"
          ? {
              index: c.index,
              delta: { content: "" },
              logprobs: null,
              finish_reason: c.finishReason,
              stop_reason: c.stopReason,
            }
          : {
              index: c.index,
              text: "",
              logprobs: null,
              finish_reason: c.finishReason,
              stop_reason: c.stopReason,
            },
      ]);
    }
    if (includeUsage) send([], usage);
    res.end("data: [DONE]\n\n");
  }

  return {
    requests,
    get baseURL() {
      if (handle === null) throw new Error("The OpenAI test server is not started.");
      return handle.baseURL;
    },
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) faultQueue.push(fault);
    },
    reset() {
      requests.length = 0;
      faultQueue.length = 0;
    },
    async start() {
      if (handle !== null) return handle;
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
          server.off("error", reject);
          resolve(undefined);
        });
      });
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("No TCP address.");
      const port = address.port;
      handle = {
        baseURL: `${settings.tls ? "https" : "http"}://127.0.0.1:${port}/v1`,
        port,
        close: () => close(),
      };
      return handle;
    },
    close,
    [Symbol.asyncDispose]: close,
  };

  async function close() {
    if (!server.listening) return;
    handle = null;
    await new Promise((resolve) => {
      server.close(() => resolve(undefined));
      server.closeAllConnections();
    });
  }
}
