import {
  CodermError,
  contentId,
  type ExecutionLimits,
  type Problem,
  type RewardModel,
  type UnitTest,
  type Verdict,
  type VerdictStatus,
} from "@coderm/core";
import { extractResponseCode } from "@coderm/generators";
import type { BatchedExecution, ExecutionBatcher } from "./execution-batcher.js";
import {
  type ProblemLookup,
  type ResolvedItem,
  type RewardItem,
  resolveRewardItem,
} from "./reward-items.js";

/**
 * How an item's reward came about, so that trouble is never a silent 0:
 * - `ok`: every test ran and the reward is the tests' verdict;
 * - `no_code`: the response holds no program (the reward is the `noCode` penalty);
 * - `timeout`: a test ran out of time (the reward counts it as failed), or the request's
 *   deadline came before every verdict (the reward is null);
 * - `error`: the program raised, crashed or ran out of memory in a test (counted as failed);
 * - `unavailable`: the service could not judge it (the executor failed, or a reward model is
 *   asked for but none is configured); the reward is null and the request may be retried.
 */
export type RewardStatus = "ok" | "no_code" | "timeout" | "error" | "unavailable";

/** One test's outcome in a reward result. */
export interface RewardVerdict {
  test: string;
  status: VerdictStatus;
  ms: number;
  message?: string;
}

/** The reward of one item. */
export interface RewardResult {
  id?: string;
  /** The shaped reward with penalties; null when it could not be computed. */
  reward: number | null;
  status: RewardStatus;
  /** Tests passed and tests judged. */
  passed: number;
  total: number;
  /** The extraction rule that read the program. */
  extraction: string;
  message?: string;
  verdicts?: RewardVerdict[];
  /** `rm` and `hybrid` modes: the served reward model's score of the response. */
  modelReward?: number;
}

/** Options of {@link RewardScorer.score}. */
export interface ScoreOptions {
  /** When the caller stops waiting (epoch ms): unfinished items get `timeout`. */
  deadline?: number;
}

/** Scores model responses by running them against tests. */
export interface RewardScorer {
  /**
   * One result per item, in order. An item's own trouble is its status; an item the caller got
   * wrong (an unknown problem, a call test without a function) rejects, naming `items[i]`.
   */
  score(items: readonly RewardItem[], options?: ScoreOptions): Promise<RewardResult[]>;
}

/** Settings of {@link createRewardScorer}. */
export interface RewardScorerSettings {
  /** Where executions go: one batcher shared by every request of a service. */
  batcher: ExecutionBatcher;
  /** Limits of inline tests (a known problem's ground truth keeps its benchmark's). */
  limits: ExecutionLimits;
  /** Known benchmark problems, for `{benchmark, id}` problems and `ground-truth` tests. */
  problems?: ProblemLookup;
  /**
   * The served reward model of the `rm` and `hybrid` modes (`createServedRewardModel` of
   * `@coderm/reward-nt`); without it those modes answer `unavailable`.
   */
  rewardModel?: RewardModel;
  /** `hybrid`: the weight of the model's reward added to the tests' reward, unless an item says (1). */
  hybridWeight?: number;
}

const failedStatuses: ReadonlySet<VerdictStatus> = new Set(["error", "oom", "tampered"]);

/**
 * Creates a reward scorer: each item's program is read from its response by the item's
 * extraction rule and run against the item's tests through the shared batcher (so concurrent
 * single-item requests share executor calls, deduplication and the verdict cache), and its
 * reward shaped from the verdicts. The `rm` mode scores the problem's prompt and the whole
 * response with the served reward model instead; `hybrid` adds `weight` times that score to the
 * tests' reward. Both answer `unavailable` when no reward model is configured or it fails.
 */
export function createRewardScorer(settings: RewardScorerSettings): RewardScorer {
  const { batcher } = settings;

  const scoreItem = async (item: RewardItem, options: ScoreOptions): Promise<RewardResult> => {
    const base = { ...(item.id === undefined ? {} : { id: item.id }), extraction: item.extraction };
    const unavailable = (message: string, total = 0) => unavailableResult(base, message, total);
    const model = settings.rewardModel;
    if (item.mode !== "tests" && model === undefined)
      return unavailable(`mode "${item.mode}" needs a served reward model, and none is configured`);
    let resolved: ResolvedItem;
    try {
      resolved = await resolveRewardItem(item, settings.problems);
    } catch (error) {
      if (CodermError.isInstance(error) && error.code !== "unavailable") throw error;
      return unavailable(String(error));
    }
    if (model !== undefined && item.mode !== "tests") {
      let modelReward: number;
      try {
        modelReward = await scoreWithModel(model, item, resolved.problem);
      } catch (error) {
        if (CodermError.isInstance(error) && error.code === "invalid-input") throw error;
        return unavailable(
          `the reward model failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (item.mode === "rm")
        return {
          ...base,
          reward: withPenalties(modelReward, item),
          status: "ok",
          passed: 0,
          total: 0,
          modelReward,
        };
      const tested = await scoreWithTests(item, resolved, options, base);
      const weight = item.weight ?? settings.hybridWeight ?? 1;
      return {
        ...tested,
        reward: tested.reward === null ? null : tested.reward + weight * modelReward,
        modelReward,
      };
    }
    return scoreWithTests(item, resolved, options, base);
  };

  const scoreWithTests = async (
    item: RewardItem,
    resolved: ResolvedItem,
    options: ScoreOptions,
    base: { id?: string; extraction: string },
  ): Promise<RewardResult> => {
    const unavailable = (message: string, total = 0) => unavailableResult(base, message, total);
    const { tests } = resolved;
    const code = extractResponseCode(item.response, item.extraction);
    if (code === undefined)
      return {
        ...base,
        reward: withPenalties(item.penalties?.noCode ?? 0, item),
        status: "no_code",
        passed: 0,
        total: tests.length,
        message: `no program found by the ${item.extraction} rule`,
      };
    const problemId = resolved.problem?.id ?? "inline";
    const candidate = { id: contentId(code), problemId, code };
    const limits = resolved.limits ?? settings.limits;
    // A reward that needs every test to pass is known at the first failure: the first test runs
    // alone, so a program that hangs or crashes costs one test, not all of them.
    const stopEarly = item.shaping !== "pass-ratio" && !item.verdicts && tests.length > 1;
    const stages = stopEarly ? [tests.slice(0, 1), tests.slice(1)] : [tests];
    const verdicts = new Map<string, Verdict>();
    for (const stage of stages) {
      const execution = batcher.submit({ candidate, tests: stage, limits });
      const outcome = await waitFor(execution, options.deadline);
      for (const [id, verdict] of execution.verdicts) verdicts.set(id, verdict);
      if (outcome === "failed") {
        const error = await execution.done.catch((cause: unknown) => cause);
        return unavailable(
          `the executor failed: ${error instanceof Error ? error.message : String(error)}`,
          tests.length,
        );
      }
      if (outcome === "deadline") return judged(item, tests, verdicts, true, base);
      if (stage.some((test) => verdicts.get(test.id)?.status !== "pass")) break;
    }
    return judged(item, tests, verdicts, false, base);
  };

  return {
    async score(items, options = {}) {
      return Promise.all(
        items.map((item, index) =>
          scoreItem(item, options).catch((error: unknown) => {
            // an item's own mistake (an unknown problem, a call test without a function) names it
            if (!CodermError.isInstance(error)) throw error;
            throw new CodermError(error.code, error.message.replace(/^field "[^"]*": /, ""), {
              field: `items[${index}]${error.field === undefined ? "" : `.${error.field}`}`,
              cause: error,
            });
          }),
        ),
      );
    },
  };
}

/** An item's result when its reward could not be computed. */
function unavailableResult(
  base: { id?: string; extraction: string },
  message: string,
  total: number,
): RewardResult {
  return { ...base, reward: null, status: "unavailable", passed: 0, total, message };
}

/**
 * The served reward model's score of an item: the problem's prompt as the question, the whole
 * response as the answer (the model reads the text, its code block included).
 */
async function scoreWithModel(
  model: RewardModel,
  item: RewardItem,
  known: Problem | undefined,
): Promise<number> {
  const inline = item.problem !== undefined && "prompt" in item.problem ? item.problem : undefined;
  const prompt = known?.prompt ?? inline?.prompt;
  if (prompt === undefined)
    throw new CodermError(
      "invalid-input",
      `mode "${item.mode}" needs the problem's prompt (the question the reward model reads)`,
      { field: "problem" },
    );
  const problemId = known?.id ?? "inline";
  const [reward] = await model.score({
    problem: {
      id: problemId,
      prompt,
      entryPoint: known?.entryPoint ?? inline?.entryPoint ?? "",
      language: "python",
    },
    candidates: [{ id: contentId(item.response), problemId, code: item.response }],
  });
  if (reward === undefined || !Number.isFinite(reward))
    throw new Error(`the reward model answered ${String(reward)}`);
  return reward;
}

/** Waits for an execution's verdicts until the deadline. */
async function waitFor(
  execution: BatchedExecution,
  deadline: number | undefined,
): Promise<"done" | "deadline" | "failed"> {
  const done = execution.done.then(
    () => "done" as const,
    () => "failed" as const,
  );
  if (deadline === undefined) return done;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([done, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function withPenalties(reward: number, item: RewardItem): number {
  const overLength = item.penalties?.overLength;
  return overLength !== undefined && item.response.length > overLength.maxChars
    ? reward - overLength.penalty
    : reward;
}

function judged(
  item: RewardItem,
  tests: readonly UnitTest[],
  verdicts: ReadonlyMap<string, Verdict>,
  deadlinePassed: boolean,
  base: { id?: string; extraction: string },
): RewardResult {
  const statuses = tests.map((test) => verdicts.get(test.id)?.status);
  const passed = statuses.filter((status) => status === "pass").length;
  const unfinished = statuses.filter((status) => status === undefined).length;
  const result: RewardResult = {
    ...base,
    reward: null,
    status: "ok",
    passed,
    total: tests.length,
    ...(item.verdicts
      ? {
          verdicts: tests.flatMap((test) => {
            const verdict = verdicts.get(test.id);
            return verdict === undefined
              ? []
              : [
                  {
                    test: test.id,
                    status: verdict.status,
                    ms: verdict.wallMs,
                    ...(verdict.message === undefined ? {} : { message: verdict.message }),
                  },
                ];
          }),
        }
      : {}),
  };
  if (deadlinePassed && unfinished > 0)
    return {
      ...result,
      status: "timeout",
      message: `the deadline came with ${unfinished} of ${tests.length} tests unjudged`,
    };
  const shaped =
    item.shaping === "pass-ratio"
      ? tests.length === 0
        ? 0
        : passed / tests.length
      : passed === tests.length && tests.length > 0
        ? 1
        : 0;
  result.reward = withPenalties(shaped, item);
  const timedOut = statuses.filter((status) => status === "timeout").length;
  const crashed = statuses.filter((status) => status !== undefined && failedStatuses.has(status));
  if (timedOut > 0) {
    result.status = "timeout";
    result.message = `${timedOut} of ${tests.length} tests ran out of time`;
  } else if (crashed.length > 0) {
    result.status = "error";
    const first = tests
      .map((test) => verdicts.get(test.id))
      .find((verdict) => verdict !== undefined && failedStatuses.has(verdict.status));
    result.message = `${crashed.length} of ${tests.length} tests ended in ${first?.status}${first?.errorType === undefined ? "" : ` (${first.errorType})`}`;
  }
  return result;
}
