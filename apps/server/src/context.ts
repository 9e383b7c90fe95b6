import { CodermError, type ExecutionLimits, type RewardModel } from "@coderm/core";
import type {
  ExecutionBatcher,
  OpenedExecutor,
  ProblemLookup,
  RewardItem,
  RewardResult,
} from "@coderm/pipeline";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type ZodType, z } from "zod";

/** What every route of the service shares. */
export interface ServiceContext {
  executor: OpenedExecutor;
  batcher: ExecutionBatcher;
  /** Scores items by the request's deadline, counting each result's status in the metrics. */
  score(request: FastifyRequest, items: readonly RewardItem[]): Promise<RewardResult[]>;
  problems: ProblemLookup | undefined;
  /** The served reward model, when one is configured. */
  rewardModel: RewardModel | undefined;
  limits: ExecutionLimits;
  maxBatchItems: number;
  /** When the request's caller stops waiting, in epoch ms. */
  deadline(request: FastifyRequest): number;
}

/** An error answered with its HTTP status: `{error: {code, message, field?}}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Sends `{error: {code, message, field?}}` with the status (and `Retry-After` where given). */
export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.retryAfterSeconds !== undefined)
    reply.header("retry-after", String(error.retryAfterSeconds));
  return reply.code(error.statusCode).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
    },
  });
}

/** The HTTP answer of a library error: bad input 400, unknown things 404, trouble 503. */
export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (CodermError.isInstance(error)) {
    const statusCode =
      error.code === "not-found"
        ? 404
        : error.code === "unavailable" || error.code === "timeout"
          ? 503
          : error.code === "invalid-input" || error.code === "parse-error"
            ? 400
            : 500;
    return new HttpError(
      statusCode,
      error.code,
      error.message,
      error.field,
      statusCode === 503 ? 1 : undefined,
    );
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500)
    return new HttpError(
      status,
      status === 413 ? "too-large" : "bad-request",
      (error as Error).message,
    );
  return new HttpError(500, "internal", "internal error");
}

/** The body parsed by a schema; a violation is a 400 naming its field. */
export function parseBody<T extends ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  throw new HttpError(400, "invalid-input", issue.message, field === "" ? undefined : field);
}

/** A 413 when a request holds more items than the service takes at once. */
export function checkBatchSize(count: number, context: ServiceContext, field: string): void {
  if (count > context.maxBatchItems)
    throw new HttpError(
      413,
      "too-large",
      `${count} items is more than the ${context.maxBatchItems} this service takes in one request`,
      field,
    );
}

/**
 * Throws a retryable 503 when a result could not be computed (unavailable, or unfinished at the
 * deadline): the drop-in routes answer numbers only, and a number would hide the trouble.
 */
export function requireRewards(results: readonly RewardResult[]): number[] {
  const missing = results.findIndex((result) => result.reward === null);
  if (missing !== -1) {
    const result = results[missing]!;
    throw new HttpError(
      503,
      result.status,
      `item ${missing} could not be judged (${result.status}: ${result.message ?? ""}); retry`,
      undefined,
      1,
    );
  }
  return results.map((result) => result.reward!);
}

/** JSON Schema of a zod schema, for the OpenAPI document. */
export function jsonSchemaOf(schema: ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
