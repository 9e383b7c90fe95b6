import { CodermError, parseJson, stringifyJson } from "@coderm/core";
import { createExecutionBatcher, createRewardScorer } from "@coderm/pipeline";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { type Admission, createGate, isLoopback } from "./auth.js";
import { HttpError, httpErrorOf, type ServiceContext, sendError } from "./context.js";
import { createServiceMetrics } from "./metrics.js";
import { registerNativeRoutes } from "./routes/native.js";
import { registerSandboxFusionRoutes } from "./routes/sandbox-fusion.js";
import { registerTrainerRoutes } from "./routes/trainers.js";
import { type RewardServerSettings, serverDefaults } from "./settings.js";

/** A reward service, ready to listen. */
export interface RewardServer {
  /** The fastify instance (for `inject` in tests). */
  readonly app: FastifyInstance;
  /** Listens; resolves with the address (`http://host:port`). */
  listen(options: { host: string; port: number }): Promise<string>;
  /**
   * Stops taking requests, lets those in flight finish within `graceMs` (then cuts their
   * connections), and waits for the executions they started. The executor stays open.
   */
  close(graceMs?: number): Promise<void>;
}

const unguarded = new Set(["/healthz", "/readyz"]);

declare module "fastify" {
  interface FastifyRequest {
    admission?: Admission;
    startedAt?: number;
  }
}

/**
 * Creates the reward service over an opened executor: the native routes (`/v1/reward`,
 * `/v1/execute`, `/v1/rerank`), the routes trainers already call (`/openrlhf`, `/slime`,
 * `/run_code`, `/execute`), `/healthz`, `/readyz`, Prometheus `/metrics`, the OpenAPI document
 * at `/openapi.json` and browsable docs at `/docs`. Every execution goes through one batcher,
 * so concurrent requests share executor calls, deduplication and the verdict cache.
 */
export async function createRewardServer(settings: RewardServerSettings): Promise<RewardServer> {
  const limits = settings.limits ?? serverDefaults.limits;
  const maxQueueDepth = settings.maxQueueDepth ?? serverDefaults.maxQueueDepth;
  const defaultDeadlineMs = settings.deadlineMs ?? serverDefaults.deadlineMs;
  const batcher = createExecutionBatcher(settings.executor.executor, settings.batching);
  const scorer = createRewardScorer({
    batcher,
    limits,
    ...(settings.problems === undefined ? {} : { problems: settings.problems }),
    ...(settings.rewardModel === undefined ? {} : { rewardModel: settings.rewardModel }),
    ...(settings.hybridWeight === undefined ? {} : { hybridWeight: settings.hybridWeight }),
  });
  const metrics = createServiceMetrics(settings.executor, () => batcher.pending);
  const gate = createGate(settings.tokens);
  let draining = false;

  const app = Fastify({
    bodyLimit: settings.maxBodyBytes ?? serverDefaults.maxBodyBytes,
    logger: {
      level: settings.logLevel ?? "info",
      ...(settings.logStream === undefined ? {} : { stream: settings.logStream }),
      redact: ["req.headers.authorization"],
    },
    forceCloseConnections: "idle",
  });
  // JSON as Python's json module reads and writes it: integers beyond 2^53 stay exact (expected
  // values of call tests), NaN and Infinity are numbers
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, body === "" ? undefined : parseJson(body as string));
    } catch (error) {
      done(
        new HttpError(
          400,
          "bad-request",
          `the body is not valid JSON: ${(error as Error).message}`,
        ),
        undefined,
      );
    }
  });
  app.setReplySerializer((payload) => stringifyJson(payload));
  // Bodies are checked by the routes' zod schemas, which name the field at fault; the JSON
  // Schemas given to fastify are for the OpenAPI document.
  app.setValidatorCompiler(() => () => true);
  app.setErrorHandler((error, _request, reply) => {
    const answer = httpErrorOf(error);
    if (answer.statusCode >= 500 && !(CodermError.isInstance(error) || error instanceof HttpError))
      reply.log.error({ err: error }, "request failed");
    return sendError(reply, answer);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new HttpError(404, "not-found", `no route ${request.method} ${request.url}`)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "coderm reward service",
        description:
          "Rewards for LLM-written code: responses run against unit tests in a sandbox, batched across requests, with the request shapes RL trainers already speak.",
        version: "0.1.0",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: settings.tokens === undefined ? [] : [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  app.addHook("onRequest", async (request, reply) => {
    request.startedAt = performance.now();
    if (unguarded.has(request.url)) return;
    const admission = gate.admit(request.headers.authorization, request.socket.remoteAddress);
    if (!("caller" in admission))
      return sendError(
        reply,
        new HttpError(
          admission.statusCode,
          admission.code,
          admission.message,
          undefined,
          admission.retryAfterSeconds,
        ),
      );
    request.admission = admission;
    if (request.method === "POST") {
      if (draining)
        return sendError(
          reply,
          new HttpError(503, "shutting-down", "the service is shutting down", undefined, 5),
        );
      if (batcher.pending >= maxQueueDepth)
        return sendError(
          reply,
          new HttpError(
            429,
            "overloaded",
            `${batcher.pending} executions are queued, the most this service holds; retry later`,
            undefined,
            1,
          ),
        );
    }
  });
  app.addHook("onResponse", async (request, reply) => {
    request.admission?.release();
    const route = request.routeOptions.url ?? "unknown";
    metrics.request(route, reply.statusCode, (performance.now() - (request.startedAt ?? 0)) / 1000);
  });
  // while draining, a kept-alive connection closes after its answer, so closing does not wait on it
  app.addHook("onSend", async (_request, reply) => {
    if (draining) reply.header("connection", "close");
  });
  // a client that hangs up still frees its quota
  app.addHook("onRequestAbort", async (request) => request.admission?.release());

  const context: ServiceContext = {
    executor: settings.executor,
    batcher,
    async score(request, items) {
      const results = await scorer.score(items, { deadline: this.deadline(request) });
      for (const result of results) metrics.item(result.status);
      return results;
    },
    problems: settings.problems,
    rewardModel: settings.rewardModel,
    limits,
    maxBatchItems: settings.maxBatchItems ?? serverDefaults.maxBatchItems,
    deadline(request) {
      const asked = Number(request.headers["x-deadline-ms"]);
      const ms =
        Number.isFinite(asked) && asked > 0
          ? Math.min(asked, defaultDeadlineMs)
          : defaultDeadlineMs;
      return Date.now() + ms;
    },
  };

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: "shutting-down" });
    try {
      await settings.executor.executor.fingerprint();
    } catch (error) {
      return reply.code(503).send({ status: "unavailable", message: String(error) });
    }
    return { status: "ready", queue: batcher.pending };
  });
  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  registerNativeRoutes(app, context);
  registerTrainerRoutes(app, context);
  registerSandboxFusionRoutes(app, context);

  return {
    app,
    async listen({ host, port }) {
      if (settings.tokens === undefined && !isLoopback(host) && host !== "localhost")
        throw new CodermError(
          "invalid-input",
          `without tokens the service listens on loopback only, not on ${host}: configure tokens to serve other machines`,
          { field: "host" },
        );
      return app.listen({ host, port });
    },
    async close(graceMs = 30_000) {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          app.server.closeAllConnections();
          resolve();
        }, graceMs);
      });
      try {
        await Promise.race([app.close(), cut]);
      } finally {
        clearTimeout(timer);
      }
      await batcher.close();
    },
  };
}
