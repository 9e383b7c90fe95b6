import { setTimeout as sleep } from "node:timers/promises";
import { CodermError } from "@coderm/core";

/** How requests are retried and bounded in time. */
export interface RetryPolicy {
  /** Retries after the first attempt, on 429, 5xx, connection errors and timeouts. */
  retries: number;
  /** The first backoff delay (ms); each retry doubles it, with jitter. */
  baseDelayMs: number;
  /** The longest wait before a retry (ms), `Retry-After` included. */
  maxDelayMs: number;
  /** The time limit of one attempt (ms). */
  timeoutMs: number;
}

/** One JSON request to a reward server. */
export interface JsonRequest {
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  headers: Record<string, string>;
  /** The protocol named in errors. */
  protocol: string;
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** More words for a rejection (4xx), given its status and the server's message. */
  hint?: (status: number, message: string) => string | undefined;
}

/** How a request failed, in a `CodermError`'s `details.failure`. */
type RequestFailure = "http" | "connection" | "timeout" | "parse";

/** True for statuses worth another attempt: 408, 429 and 5xx. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Sends a JSON request and returns the parsed JSON of a 2xx answer. It retries 408, 429, 5xx,
 * connection errors and timed-out attempts with exponential backoff (waiting what `Retry-After`
 * says when the server says it), and fails with a `CodermError` naming the URL, the protocol and
 * the server's message: `rejected` (another 4xx), `unavailable` (429/5xx/no connection after the
 * retries), `timeout`, `parse-error` (a 2xx that is not JSON) or `cancelled` (the signal).
 * `details` holds `url`, `protocol`, `failure` and, for answers, `status`.
 */
export async function requestJson(request: JsonRequest): Promise<unknown> {
  const { policy, signal } = request;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw cancelled(request, signal.reason);
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let status: number;
    let text: string;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: "application/json",
          ...(request.body === undefined ? {} : { "content-type": "application/json" }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: combined,
      });
      status = response.status;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw cancelled(request, error);
      const timedOut = timeout.aborted;
      if (attempt < policy.retries) {
        await wait(backoff(policy, attempt), request);
        continue;
      }
      throw timedOut
        ? failure(
            "timeout",
            request,
            `no answer within ${policy.timeoutMs} ms`,
            "timeout",
            attempt,
            error,
          )
        : failure(
            "unavailable",
            request,
            `cannot connect: ${connectionReason(error)}`,
            "connection",
            attempt,
            error,
          );
    }
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text);
      } catch (error) {
        throw failure(
          "parse-error",
          request,
          `answered ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`,
          "parse",
          attempt,
          error,
          { status },
        );
      }
    }
    const message = serverMessage(text);
    if (isRetryableStatus(status) && attempt < policy.retries) {
      await wait(Math.min(retryAfterMs ?? backoff(policy, attempt), policy.maxDelayMs), request);
      continue;
    }
    const hint = isRetryableStatus(status) ? undefined : request.hint?.(status, message);
    throw failure(
      isRetryableStatus(status) ? "unavailable" : "rejected",
      request,
      `answered ${status}: ${message}${hint === undefined ? "" : ` (${hint})`}`,
      "http",
      attempt,
      undefined,
      { status, serverMessage: message },
    );
  }
}

/** Exponential backoff with jitter: base * 2^attempt * [0.5, 1), at most `maxDelayMs`. */
function backoff(policy: RetryPolicy, attempt: number): number {
  const delay = policy.baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
  return Math.min(delay, policy.maxDelayMs);
}

/** `Retry-After` as milliseconds: delta seconds (fractions allowed) or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function wait(ms: number, request: JsonRequest): Promise<void> {
  try {
    await sleep(ms, undefined, request.signal ? { signal: request.signal } : undefined);
  } catch (error) {
    throw cancelled(request, error);
  }
}

/**
 * The message of an error answer: vLLM's and SGLang's `message` (flat or under `error`), TEI's
 * `error` string, FastAPI's `detail` (a string or a list of field errors), else the text.
 */
export function serverMessage(text: string): string {
  try {
    const json = JSON.parse(text) as Record<string, unknown> | null;
    if (json !== null && typeof json === "object") {
      if (typeof json.message === "string") return json.message;
      const error = json.error as { message?: unknown } | string | undefined;
      if (typeof error === "string") return error;
      if (typeof error?.message === "string") return error.message;
      if (typeof json.detail === "string") return json.detail;
      if (Array.isArray(json.detail))
        return json.detail
          .map((item: { loc?: unknown; msg?: unknown }) =>
            [Array.isArray(item.loc) ? item.loc.join(".") : "", String(item.msg ?? "")]
              .filter((part) => part !== "")
              .join(": "),
          )
          .join("; ");
    }
  } catch {
    // Not JSON: the text itself.
  }
  const trimmed = text.trim();
  return trimmed === "" ? "(empty body)" : trimmed.slice(0, 500);
}

function connectionReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return (error as Error).message ?? String(error);
}

function where(request: JsonRequest): string {
  return `the ${request.protocol} reward server at ${request.method} ${request.url}`;
}

function cancelled(request: JsonRequest, cause: unknown): CodermError {
  return new CodermError("cancelled", `the request to ${where(request)} was cancelled`, {
    cause,
    details: { url: request.url, protocol: request.protocol },
  });
}

function failure(
  code: "rejected" | "unavailable" | "timeout" | "parse-error",
  request: JsonRequest,
  what: string,
  kind: RequestFailure,
  attempt: number,
  cause?: unknown,
  extra: Record<string, unknown> = {},
): CodermError {
  const tries = attempt === 0 ? "" : ` (after ${attempt + 1} attempts)`;
  return new CodermError(code, `${where(request)} ${what}${tries}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { url: request.url, protocol: request.protocol, failure: kind, ...extra },
  });
}
