// @ts-check
/**
 * Scripted reward-model routes of the test server, shaped like the real servers of a one-output
 * sequence classifier (CodeRM-NT): vLLM's pooling runner (`/classify`, `/pooling`, `/version`),
 * SGLang with `--is-embedding` (`/classify` with `text`, `/v1/embeddings`), Hugging Face
 * text-embeddings-inference (`/predict` with `inputs`) and the CodeRM-NT authors' server
 * (`/predict` with `question` and `response`). Each answers with the reward the `reward` script
 * gives for one item, validating the body the way that server does.
 *
 * What vLLM does with a one-logit classifier's activation depends on its version (setting
 * `vllmVersion`): from 0.11.1 `use_activation` (and the deprecated `activation` and `softmax`)
 * turn the sigmoid off; 0.10.1 to 0.11.0 read `activation` only; older versions have no
 * per-request switch. vLLM ignores request fields it does not know (it logs them), so a field the
 * version does not read is dropped silently and the answer is sigmoid(reward): that is what this
 * server does too.
 */

/** @typedef {import("./index.d.ts").Fault} Fault */
/** @typedef {import("./index.d.ts").RewardScript} RewardScript */
/** @typedef {import("./index.d.ts").RewardScriptRequest} RewardScriptRequest */
/** @typedef {import("./index.d.ts").RewardEndpoint} RewardEndpoint */
/** @typedef {import("./index.d.ts").RewardServerKind} RewardServerKind */

/**
 * What a reward route answers: JSON, plain text, or a fault for the caller to carry out.
 * @typedef {{ status: number, json: unknown } | { status: number, text: string } | { fault: Fault }} RewardAnswer
 */

/**
 * @typedef {object} RewardRouteOptions
 * @property {string[]} models
 * @property {RewardScript} reward
 * @property {RewardServerKind | "all"} rewardServer
 * @property {string} vllmVersion
 * @property {"scalar" | "list" | "nested"} poolingOutput
 * @property {number} teiMaxClientBatchSize
 * @property {(message: string, status: number) => unknown} vllmError vLLM's error body
 */

const chatMl =
  /^<\|im_start\|>system\n[\s\S]*?<\|im_end\|>\n<\|im_start\|>user\n([\s\S]*?)<\|im_end\|>\n<\|im_start\|>assistant\n([\s\S]*?)<\|im_end\|>\n?$/;

/** The question and response of a ChatML text (Qwen2.5's template with a system turn), or nulls. */
export function parseChatMl(/** @type {string} */ text) {
  const match = chatMl.exec(text);
  return match ? { question: match[1] ?? "", response: match[2] ?? "" } : null;
}

function sigmoid(/** @type {number} */ x) {
  return 1 / (1 + Math.exp(-x));
}

/** @param {unknown} content */
function contentText(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((part) => (part && typeof part.text === "string" ? part.text : "")).join("");
  return "";
}

/** Counts whitespace-separated words (the test server's token count). */
function countWords(/** @type {string} */ text) {
  return (text.match(/\S+/g) ?? []).length;
}

/** @param {unknown} value */
function isFault(value) {
  return typeof value === "object" && value !== null && ("status" in value || "kind" in value);
}

/** @param {unknown} value */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "0.10.1.dev3+gabc" -> [0, 10, 1]. */
function versionParts(/** @type {string} */ version) {
  return (version.match(/^\d+(?:\.\d+)*/)?.[0] ?? "0").split(".").map(Number);
}

/** @param {string} version @param {string} than */
function atLeast(version, than) {
  const a = versionParts(version);
  const b = versionParts(than);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * Whether this vLLM version applies the classifier's activation (sigmoid for one logit) to a
 * request: the fields it reads, in the precedence of its `get_use_activation`.
 * @param {Record<string, unknown>} body @param {string} version
 */
function vllmActivates(body, version) {
  /** @type {string[]} */
  const fields = atLeast(version, "0.11.1")
    ? ["softmax", "activation", "use_activation"]
    : atLeast(version, "0.10.1")
      ? ["activation"]
      : [];
  for (const field of fields)
    if (typeof body[field] === "boolean") return /** @type {boolean} */ (body[field]);
  return true;
}

/**
 * Answers a reward route, or returns null when the path is none of them (for this server kind).
 * @param {RewardRouteOptions} options
 * @param {{ method: string, path: string, body: unknown, parseFailed: boolean }} request
 * @returns {Promise<RewardAnswer | null>}
 */
export async function answerRewardRoute(options, request) {
  const { path, method } = request;
  const kind = options.rewardServer;
  const serves = (/** @type {RewardServerKind} */ server) => kind === "all" || kind === server;
  /** @type {(() => Promise<RewardAnswer>) | null} */
  let handler = null;
  let expected = "POST";
  const body = /** @type {any} */ (request.body);
  const has = (/** @type {string} */ field) => isObject(body) && field in body;
  if (path === "/version" && serves("vllm")) {
    expected = "GET";
    handler = async () => ({ status: 200, json: { version: options.vllmVersion } });
  } else if (path === "/classify" && (serves("vllm") || serves("sglang"))) {
    const sglang = kind === "sglang" || (kind === "all" && has("text") && !has("messages"));
    handler = sglang
      ? () => sglangClassify(options, body)
      : () => vllmPooled(options, body, "classify");
  } else if (path === "/pooling" && serves("vllm")) {
    handler = () => vllmPooled(options, body, "pooling");
  } else if (path === "/v1/embeddings" && serves("sglang")) {
    handler = () => sglangEmbeddings(options, body);
  } else if (path === "/predict" && (serves("tei") || serves("coderm-nt"))) {
    const coderm =
      kind === "coderm-nt" ||
      (kind === "all" && !has("inputs") && (has("question") || has("response")));
    handler = coderm ? () => codermPredict(options, body) : () => teiPredict(options, body);
  }
  if (handler === null) return null;
  if (method !== expected) return { status: 405, json: { detail: "Method Not Allowed" } };
  if (request.parseFailed) {
    return path === "/predict"
      ? { status: 400, text: "Failed to parse the request body as JSON" }
      : { status: 400, json: options.vllmError("Request body is not valid JSON.", 400) };
  }
  return handler();
}

/**
 * Runs the script on every item; a fault from any item fails the whole request.
 * @param {RewardRouteOptions} options @param {RewardScriptRequest[]} items
 * @returns {Promise<{ rewards: number[] } | { fault: Fault }>}
 */
async function score(options, items) {
  /** @type {number[]} */
  const rewards = [];
  for (const item of items) {
    const answer = await options.reward(item);
    if (isFault(answer)) return { fault: /** @type {Fault} */ (answer) };
    rewards.push(Number(answer));
  }
  return { rewards };
}

/**
 * @param {RewardEndpoint} endpoint @param {any} body @param {number} index
 * @param {{ text?: string, messages?: any[], question?: string, response?: string, truncate?: number | boolean | null }} item
 * @returns {RewardScriptRequest}
 */
function scriptRequest(endpoint, body, index, item) {
  let question = item.question ?? null;
  let response = item.response ?? null;
  if (item.messages) {
    question = contentText(item.messages.find((m) => m?.role === "user")?.content);
    response = contentText(item.messages.find((m) => m?.role === "assistant")?.content);
  } else if (item.text !== undefined) {
    const parsed = parseChatMl(item.text);
    question = parsed?.question ?? null;
    response = parsed?.response ?? null;
  }
  return {
    endpoint,
    model: typeof body?.model === "string" ? body.model : null,
    question,
    response,
    text: item.text ?? null,
    messages: item.messages ?? null,
    index,
    truncate: item.truncate ?? null,
    body,
  };
}

function usage(/** @type {number} */ tokens) {
  return {
    prompt_tokens: tokens,
    total_tokens: tokens,
    completion_tokens: 0,
    prompt_tokens_details: null,
  };
}

function randomId() {
  return Math.random().toString(16).slice(2, 18).padEnd(16, "0");
}

/**
 * vLLM's `/classify` and `/pooling` of a one-logit classifier (`--runner pooling --convert
 * classify`): the chat form (`messages`, one conversation) or the completion form (`input`, a
 * string or a list).
 * @param {RewardRouteOptions} options @param {any} body @param {"classify" | "pooling"} route
 * @returns {Promise<RewardAnswer>}
 */
async function vllmPooled(options, body, route) {
  const fail = (/** @type {number} */ status, /** @type {string} */ message) => ({
    status,
    json: options.vllmError(message, status),
  });
  const requestName = route === "classify" ? "ClassificationRequest" : "PoolingRequest";
  if (!isObject(body)) return fail(400, `${requestName}: the request body must be a JSON object.`);
  if (body.model !== undefined && body.model !== null && !options.models.includes(body.model))
    return fail(404, `The model \`${body.model}\` does not exist.`);
  const truncate = body.truncate_prompt_tokens ?? null;
  if (truncate !== null && (!Number.isInteger(truncate) || truncate < -1))
    return fail(400, "truncate_prompt_tokens: Input should be greater than or equal to -1");
  /** @type {{ text?: string, messages?: any[] }[]} */
  let items;
  if ("messages" in body) {
    const ok =
      Array.isArray(body.messages) &&
      body.messages.length > 0 &&
      body.messages.every((/** @type {any} */ m) => isObject(m) && typeof m.role === "string");
    if (!ok) return fail(400, "messages: Input should be a valid list of chat messages");
    items = [{ messages: body.messages }];
  } else if ("input" in body) {
    const input = body.input;
    const ok =
      typeof input === "string" ||
      (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string"));
    if (!ok) return fail(400, "input: Input should be a valid string or list of strings");
    items = (typeof input === "string" ? [input] : input).map((/** @type {string} */ text) => ({
      text,
    }));
  } else {
    return fail(
      400,
      `2 validation errors for ${requestName}: input: Field required (completion form); messages: Field required (chat form)`,
    );
  }
  const endpoint = route === "classify" ? "vllm-classify" : "vllm-pooling";
  const scored = await score(
    options,
    items.map((item, index) => scriptRequest(endpoint, body, index, { ...item, truncate })),
  );
  if ("fault" in scored) return scored;
  const activate = vllmActivates(body, options.vllmVersion);
  const values = scored.rewards.map((r) => (activate ? sigmoid(r) : r));
  const tokens = items.reduce(
    (sum, item) =>
      sum +
      (item.text !== undefined
        ? countWords(item.text)
        : (item.messages ?? []).reduce((s, m) => s + countWords(contentText(m?.content)), 0)),
    0,
  );
  const created = Math.floor(Date.now() / 1000);
  const model = typeof body.model === "string" ? body.model : options.models[0];
  if (route === "classify") {
    return {
      status: 200,
      json: {
        id: `classify-${randomId()}`,
        object: "list",
        created,
        model,
        data: values.map((value, index) => ({
          index,
          label: "LABEL_0",
          probs: [value],
          num_classes: 1,
        })),
        usage: usage(tokens),
      },
    };
  }
  const shape = (/** @type {number} */ value) =>
    options.poolingOutput === "scalar"
      ? value
      : options.poolingOutput === "nested"
        ? [[value]]
        : [value];
  return {
    status: 200,
    json: {
      id: `pool-${randomId()}`,
      object: "list",
      created,
      model,
      data: values.map((value, index) => ({ index, object: "pooling", data: shape(value) })),
      usage: usage(tokens),
    },
  };
}

/**
 * SGLang's native `/classify` (a reward model served with `--is-embedding`): `text` is a string or
 * a list of chat-formatted strings; the answer is one object, or a list, with the raw score at
 * `embedding[0]`.
 * @param {RewardRouteOptions} options @param {any} body
 * @returns {Promise<RewardAnswer>}
 */
async function sglangClassify(options, body) {
  const text = isObject(body) ? body.text : undefined;
  const ok =
    typeof text === "string" ||
    (Array.isArray(text) && text.length > 0 && text.every((x) => typeof x === "string"));
  if (!ok)
    return {
      status: 400,
      json: { error: { message: "Either text or input_ids should be provided." } },
    };
  const texts = typeof text === "string" ? [text] : text;
  const scored = await score(
    options,
    texts.map((/** @type {string} */ t, /** @type {number} */ index) =>
      scriptRequest("sglang-classify", body, index, { text: t }),
    ),
  );
  if ("fault" in scored) return scored;
  const results = scored.rewards.map((reward, index) => ({
    embedding: [reward],
    meta_info: {
      id: randomId(),
      prompt_tokens: countWords(texts[index] ?? ""),
      e2e_latency: 0.01,
    },
  }));
  return { status: 200, json: typeof text === "string" ? results[0] : results };
}

/**
 * SGLang's OpenAI-compatible `/v1/embeddings`: `input` is a string or a list; each item's
 * embedding is the classifier's output (one value).
 * @param {RewardRouteOptions} options @param {any} body
 * @returns {Promise<RewardAnswer>}
 */
async function sglangEmbeddings(options, body) {
  const input = isObject(body) ? body.input : undefined;
  const ok =
    typeof input === "string" ||
    (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string"));
  if (!ok)
    return {
      status: 400,
      json: {
        object: "error",
        message: "1 validation error for EmbeddingRequest\ninput\n  Field required",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
    };
  const texts = typeof input === "string" ? [input] : input;
  const scored = await score(
    options,
    texts.map((/** @type {string} */ t, /** @type {number} */ index) =>
      scriptRequest("sglang-embeddings", body, index, { text: t }),
    ),
  );
  if ("fault" in scored) return scored;
  const tokens = texts.reduce(
    (/** @type {number} */ sum, /** @type {string} */ t) => sum + countWords(t),
    0,
  );
  return {
    status: 200,
    json: {
      data: scored.rewards.map((reward, index) => ({
        embedding: [reward],
        index,
        object: "embedding",
      })),
      model: typeof body.model === "string" ? body.model : options.models[0],
      object: "list",
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}

/**
 * text-embeddings-inference's `/predict` of a one-label classifier: `inputs` is a string, a pair
 * `[a, b]` (one input) or a batch `[[a], [a, b], ...]`; `raw_scores: false` (the default) applies
 * the sigmoid. Malformed bodies are axum's 422 in plain text; a batch over the client limit is
 * TEI's 413 `{error, error_type: "Validation"}`.
 * @param {RewardRouteOptions} options @param {any} body
 * @returns {Promise<RewardAnswer>}
 */
async function teiPredict(options, body) {
  const reject = (/** @type {string} */ why) => ({
    status: 422,
    text: `Failed to deserialize the JSON body into the target type: ${why}`,
  });
  if (!isObject(body)) return reject("invalid type: expected struct PredictRequest");
  if (!("inputs" in body)) return reject("missing field `inputs` at line 1 column 2");
  for (const flag of ["raw_scores", "truncate"])
    if (flag in body && typeof body[flag] !== "boolean")
      return reject(`${flag}: invalid type: expected a boolean`);
  const inputs = body.inputs;
  const expecting =
    "expected a string, a pair of strings [string, string] or a batch of mixed strings and pairs [[string], [string, string], ...]";
  /** @type {string[]} */
  let texts;
  let batch = false;
  if (typeof inputs === "string") texts = [inputs];
  else if (
    Array.isArray(inputs) &&
    inputs.length > 0 &&
    inputs.every((x) => typeof x === "string")
  ) {
    if (inputs.length > 2) return reject(`inputs: invalid length ${inputs.length}, ${expecting}`);
    // A pair is one input, tokenized as a sequence pair; the script sees the two joined.
    texts = [inputs.join("")];
  } else if (
    Array.isArray(inputs) &&
    inputs.length > 0 &&
    inputs.every((x) => Array.isArray(x) && x.every((y) => typeof y === "string"))
  ) {
    const bad = inputs.find((x) => x.length < 1 || x.length > 2);
    if (bad) return reject(`inputs: invalid length ${bad.length}, ${expecting}`);
    batch = true;
    texts = inputs.map((x) => x.join(""));
  } else {
    return reject(`inputs: invalid length 0, ${expecting}`);
  }
  if (texts.length > options.teiMaxClientBatchSize)
    return {
      status: 413,
      json: {
        error: `batch size ${texts.length} > maximum allowed batch size ${options.teiMaxClientBatchSize}`,
        error_type: "Validation",
      },
    };
  const truncate = body.truncate === true;
  const scored = await score(
    options,
    texts.map((text, index) => scriptRequest("tei-predict", body, index, { text, truncate })),
  );
  if ("fault" in scored) return scored;
  const raw = body.raw_scores === true;
  const predictions = scored.rewards.map((reward) => [
    { score: raw ? reward : sigmoid(reward), label: "LABEL_0" },
  ]);
  return { status: 200, json: batch ? predictions : predictions[0] };
}

/**
 * The CodeRM-NT authors' `/predict` (FastAPI): `{question, response}`, one pair; the server keeps
 * the text after the last `</think>` and clips the reward to [-4, 4]. A missing field is
 * FastAPI's 422 `{detail: [...]}`.
 * @param {RewardRouteOptions} options @param {any} body
 * @returns {Promise<RewardAnswer>}
 */
async function codermPredict(options, body) {
  const object = isObject(body) ? body : {};
  /** @type {unknown[]} */
  const detail = [];
  for (const field of ["question", "response"]) {
    if (!(field in object))
      detail.push({ type: "missing", loc: ["body", field], msg: "Field required", input: body });
    else if (typeof object[field] !== "string")
      detail.push({
        type: "string_type",
        loc: ["body", field],
        msg: "Input should be a valid string",
        input: object[field],
      });
  }
  if (detail.length > 0) return { status: 422, json: { detail } };
  const response = String(object.response);
  const cut = response.lastIndexOf("</think>");
  const kept = cut === -1 ? response : response.slice(cut + "</think>".length);
  const scored = await score(options, [
    scriptRequest("coderm-nt-predict", body, 0, {
      question: String(object.question),
      response: kept,
    }),
  ]);
  if ("fault" in scored) return scored;
  const reward = Math.min(4, Math.max(-4, scored.rewards[0] ?? 0));
  return { status: 200, json: { rewards: reward } };
}
