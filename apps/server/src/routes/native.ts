import {
  type Candidate,
  contentId,
  type Problem,
  stringifyJson,
  type UnitTest,
} from "@coderm/core";
import {
  createRewardMethod,
  inlineTestSchema,
  inlineUnitTests,
  inputOutputSchema,
  learnedMethods,
  rerank,
  rewardItemSchema,
  rewardMethods,
} from "@coderm/pipeline";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  checkBatchSize,
  HttpError,
  httpErrorOf,
  jsonSchemaOf,
  parseBody,
  type ServiceContext,
} from "../context.js";

const rewardBodySchema = z.object({ items: z.array(rewardItemSchema) }).strict();

const clientLimitsSchema = z
  .object({
    timeMs: z.number().int().min(1).max(60_000).optional(),
    memoryMb: z.number().int().min(16).max(16_384).optional(),
  })
  .strict();

const executeBodySchema = z
  .object({
    candidates: z.array(z.object({ id: z.string().optional(), code: z.string() }).strict()).min(1),
    tests: z.union([z.array(inlineTestSchema).min(1), inputOutputSchema]),
    /** The function call tests call, where a test names none. */
    entryPoint: z.string().min(1).optional(),
    limits: clientLimitsSchema.optional(),
  })
  .strict();

const rerankBodySchema = z
  .object({
    problems: z
      .array(
        z
          .object({
            id: z.string().min(1),
            prompt: z.string().optional(),
            entryPoint: z.string().min(1).optional(),
            candidates: z.array(z.string()).min(1),
            tests: z.array(inlineTestSchema).min(1),
          })
          .strict(),
      )
      .min(1),
    methods: z.array(z.enum(rewardMethods as [string, ...string[]])).optional(),
    limits: clientLimitsSchema.optional(),
  })
  .strict();

/** Registers `/v1/reward`, `/v1/execute` (NDJSON) and `/v1/rerank`. */
export function registerNativeRoutes(app: FastifyInstance, context: ServiceContext): void {
  app.post(
    "/v1/reward",
    {
      schema: {
        summary: "Rewards of a batch of responses, each run against its tests",
        description:
          "One result per item, in order: {id, reward, status: ok | no_code | timeout | error | unavailable, passed, total, extraction, message?, verdicts?}. A reward is null when it could not be computed (unavailable, or unfinished at the deadline): trouble is a status, never a silent 0.",
        tags: ["native"],
        body: jsonSchemaOf(rewardBodySchema),
      },
    },
    async (request) => {
      const body = parseBody(rewardBodySchema, request.body);
      checkBatchSize(body.items.length, context, "items");
      return { results: await context.score(request, body.items) };
    },
  );

  app.post(
    "/v1/execute",
    {
      schema: {
        summary: "Every candidate against every test: the verdict matrix, streamed as NDJSON",
        description:
          'One line per verdict as it finishes ({candidate, test, status, ms, message?, value?}: indexes into the request\'s lists), then {"done": true, "verdicts": n}, or {"done": false, "error": {...}} when execution failed.',
        tags: ["native"],
        body: jsonSchemaOf(executeBodySchema),
      },
    },
    async (request, reply) => {
      const body = parseBody(executeBodySchema, request.body);
      checkBatchSize(body.candidates.length, context, "candidates");
      const tests = inlineUnitTests(body.tests, body.entryPoint);
      const limits = { ...context.limits, ...body.limits };
      const testIndex = new Map(tests.map((test, index) => [test.id, index]));
      reply.raw.writeHead(200, { "content-type": "application/x-ndjson" });
      let count = 0;
      const executions = body.candidates.map((candidate, index) => {
        const code = candidate.code;
        return context.batcher.submit(
          { candidate: { id: contentId(code), problemId: "inline", code }, tests, limits },
          {
            onVerdict: (verdict) => {
              count += 1;
              reply.raw.write(
                `${stringifyJson({
                  candidate: candidate.id ?? index,
                  test: testIndex.get(verdict.testId),
                  status: verdict.status,
                  ms: verdict.wallMs,
                  ...(verdict.message === undefined ? {} : { message: verdict.message }),
                  ...(verdict.value === undefined ? {} : { value: verdict.value }),
                })}\n`,
              );
            },
          },
        );
      });
      try {
        await Promise.all(executions.map((execution) => execution.done));
        reply.raw.end(`${JSON.stringify({ done: true, verdicts: count })}\n`);
      } catch (error) {
        reply.raw.end(
          `${JSON.stringify({ done: false, verdicts: count, error: { code: "unavailable", message: String(error) } })}\n`,
        );
      }
      return reply;
    },
  );

  app.post(
    "/v1/rerank",
    {
      schema: {
        summary: "Each method's pick among each problem's candidates, from their tests",
        description:
          "Candidates run against the problem's tests; each method (codet, coderm-vote, pass-ratio, random by default) picks among them. Picks are candidate indexes (several when the method picks uniformly among them).",
        tags: ["native"],
        body: jsonSchemaOf(rerankBodySchema),
      },
    },
    async (request) => {
      const body = parseBody(rerankBodySchema, request.body);
      checkBatchSize(
        body.problems.reduce((sum, problem) => sum + problem.candidates.length, 0),
        context,
        "problems",
      );
      const problems: Problem[] = [];
      const candidates: Candidate[] = [];
      const tests: UnitTest[] = [];
      for (const [index, item] of body.problems.entries()) {
        problems.push({
          id: item.id,
          prompt: item.prompt ?? "",
          entryPoint: item.entryPoint ?? "",
          language: "python",
        });
        for (const [sampleIndex, code] of item.candidates.entries())
          candidates.push({
            id: contentId(code),
            problemId: item.id,
            code,
            source: { sampleIndex },
          });
        try {
          tests.push(...inlineUnitTests(item.tests, item.entryPoint, item.id));
        } catch (error) {
          const inner = httpErrorOf(error);
          throw new HttpError(
            inner.statusCode,
            inner.code,
            inner.message.replace(/^field "[^"]*": /, ""),
            `problems[${index}].${inner.field ?? "tests"}`,
          );
        }
      }
      // without a reward model, the methods that need none
      const methods = (
        body.methods ??
        rewardMethods.filter(
          (name) =>
            context.rewardModel !== undefined ||
            !(learnedMethods as readonly string[]).includes(name),
        )
      ).map((name) =>
        createRewardMethod(
          name,
          context.rewardModel === undefined ? {} : { rewardModel: context.rewardModel },
        ),
      );
      const limits = { ...context.limits, ...body.limits };
      const result = await rerank(
        { problems, candidates, tests },
        { executor: context.executor.executor, methods, limits, groundTruthLimits: limits },
      );
      return {
        problems: result.problems.map((outcome) => {
          const codes = body.problems.find(
            (problem) => problem.id === outcome.problemId,
          )!.candidates;
          const indexes = (ids: string[]) =>
            codes.flatMap((code, index) => (ids.includes(contentId(code)) ? [index] : []));
          return {
            id: outcome.problemId,
            picks: Object.fromEntries(
              Object.entries(outcome.picks).map(([method, ids]) => [method, indexes(ids)]),
            ),
          };
        }),
      };
    },
  );
}
