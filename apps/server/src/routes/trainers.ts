import { rewardItemSchema } from "@coderm/pipeline";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  checkBatchSize,
  HttpError,
  jsonSchemaOf,
  parseBody,
  requireRewards,
  type ServiceContext,
} from "../context.js";
import { itemOfLabel } from "../labels.js";

const openRlhfSchema = z
  .object({
    query: z.array(z.string()),
    prompts: z.array(z.string()).optional(),
    labels: z.array(z.unknown()).optional(),
  })
  .passthrough();

const slimeSchema = z
  .object({ prompt: z.string().optional(), response: z.string(), label: z.unknown() })
  .passthrough();

const codermNtSchema = z
  .object({ question: z.string().optional(), response: z.string(), code: z.string().min(1) })
  .passthrough();

const codermNtPredictSchema = z
  .object({ question: z.string(), response: z.string() })
  .passthrough();

/** The item of a label, checked as a `/v1/reward` item is (a violation names the label). */
function parsedItem(label: unknown, response: string, field: string) {
  const parsed = rewardItemSchema.safeParse(itemOfLabel(label, response, field));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new HttpError(
    400,
    "invalid-input",
    issue.message,
    [field, ...issue.path.map(String)].join("."),
  );
}

/**
 * Registers the routes trainers already call: OpenRLHF's remote reward model (`/openrlhf`),
 * slime's `--rm-url` (`/slime`), CodeRM-NT's execution reward (`/execute`) and CodeRM-NT's reward
 * server (`/predict`, scored by the configured reward model). Each answers numbers only, so an
 * item that could not be judged makes the whole request a retryable 503.
 */
export function registerTrainerRoutes(app: FastifyInstance, context: ServiceContext): void {
  app.post(
    "/openrlhf",
    {
      schema: {
        summary: "OpenRLHF's remote reward model (--reward.remote_url)",
        description:
          'Takes {"query": [prompt + response, ...], "prompts": [...], "labels": [...]} and answers {"rewards": [...], "scores": [...], "extra_logs": {pass_ratio, no_code, timeout, error}}. The response is the query past its prompt; each label names the tests (see the README\'s label conventions).',
        tags: ["trainers"],
        body: jsonSchemaOf(openRlhfSchema),
      },
    },
    async (request) => {
      const body = parseBody(openRlhfSchema, request.body);
      checkBatchSize(body.query.length, context, "query");
      const labels = body.labels ?? [];
      const items = body.query.map((query, index) => {
        const prompt = body.prompts?.[index];
        const response =
          prompt !== undefined && query.startsWith(prompt) ? query.slice(prompt.length) : query;
        return parsedItem(labels[index], response, `labels[${index}]`);
      });
      const results = await context.score(request, items);
      const rewards = requireRewards(results);
      const flag = (status: string) => results.map((result) => (result.status === status ? 1 : 0));
      return {
        rewards,
        scores: rewards,
        extra_logs: {
          pass_ratio: results.map((result) =>
            result.total === 0 ? 0 : result.passed / result.total,
          ),
          no_code: flag("no_code"),
          timeout: flag("timeout"),
          error: flag("error"),
        },
      };
    },
  );

  app.post(
    "/slime",
    {
      schema: {
        summary: "slime's remote reward model (--rm-url)",
        description:
          'Takes {"prompt", "response", "label"} and answers the reward as a JSON number; with ?format=object, {"reward", "status", "passed", "total"} for slime\'s --reward-key reward.',
        tags: ["trainers"],
        body: jsonSchemaOf(slimeSchema),
        querystring: { type: "object", properties: { format: { enum: ["number", "object"] } } },
      },
    },
    async (request) => {
      const body = parseBody(slimeSchema, request.body);
      const [result] = await context.score(request, [
        parsedItem(body.label, body.response, "label"),
      ]);
      const [reward] = requireRewards([result!]);
      const format = (request.query as { format?: string }).format;
      return format === "object"
        ? { reward, status: result!.status, passed: result!.passed, total: result!.total }
        : reward;
    },
  );

  app.post(
    "/execute",
    {
      schema: {
        summary: "CodeRM-NT's execution reward",
        description:
          'Takes {"question", "response", "code"}: the program of the response\'s last python block runs with the test code after it, judged by the harness (an early sys.exit(0) does not pass). Answers {"rewards": 1} when every assertion holds, else {"rewards": 0}.',
        tags: ["trainers"],
        body: jsonSchemaOf(codermNtSchema),
      },
    },
    async (request) => {
      const body = parseBody(codermNtSchema, request.body);
      const [result] = await context.score(request, [
        parsedItem({ tests: [{ kind: "assert", code: body.code }] }, body.response, "code"),
      ]);
      const [reward] = requireRewards([result!]);
      return { rewards: reward === 1 ? 1 : 0 };
    },
  );
  app.post(
    "/predict",
    {
      schema: {
        summary: "CodeRM-NT's reward server (drop-in)",
        description:
          'Takes {"question", "response"} as the CodeRM-NT authors\' server does and answers {"rewards": float}: the configured reward model\'s score of the response (the text after its last </think>, clipped to [-4, 4]), through this service\'s batching, retries and reward cache. 503 when no reward model is configured or it fails.',
        tags: ["trainers"],
        body: jsonSchemaOf(codermNtPredictSchema),
      },
    },
    async (request) => {
      const body = parseBody(codermNtPredictSchema, request.body);
      const [result] = await context.score(request, [
        rewardItemSchema.parse({
          problem: { prompt: body.question },
          response: body.response,
          mode: "rm",
        }),
      ]);
      const [reward] = requireRewards([result!]);
      return { rewards: reward };
    },
  );
}
