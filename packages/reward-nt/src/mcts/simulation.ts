import {
  type ChatMessage,
  CodermError,
  contentId,
  type ExecutionLimits,
  type Executor,
  type TextGenerator,
  type UnitTest,
  type Verdict,
} from "@coderm/core";
import { judgePrompt, judgeScore } from "./prompts.js";
import type { LeafEvaluation } from "./search-tree.js";

/** The longest execution log the judge reads; a longer one keeps its two ends around " ... ". */
export const executionLogLimit = 5000;

/** Resource limits of one simulated program by default: the authors' 15 s, 1 GiB, 64 KiB of output. */
export const defaultSimulationLimits: ExecutionLimits = {
  timeMs: 15_000,
  memoryMb: 1024,
  outputBytes: 65_536,
};

/** Requests for a score before the judge is given up on. */
const judgeAttempts = 5;

/** One chat request of one sample, with its own sampling seed (part of the cache key). */
export interface ModelRequest {
  /** Names the request in errors: problem, rollout, purpose and attempt. */
  id: string;
  /** The prompt's family (part of the generation cache key). */
  template: string;
  messages: readonly ChatMessage[];
  seed: number;
}

/** A model's answer: its text, right-trimmed, and whether it ended of itself (not cut at a limit). */
export interface ModelAnswer {
  text: string;
  complete: boolean;
}

/** Asks a generator for one completion of one request. */
export async function ask(
  generator: TextGenerator,
  request: ModelRequest,
  signal?: AbortSignal,
): Promise<ModelAnswer> {
  const job = {
    id: request.id,
    template: request.template,
    messages: request.messages,
    n: 1,
    sampling: { seed: request.seed },
  };
  for await (const completion of generator.generate([job], signal === undefined ? {} : { signal }))
    return {
      text: completion.text.trimEnd(),
      complete: completion.finishReason === null || completion.finishReason === "stop",
    };
  throw new CodermError("unavailable", "the server answered no completion", { item: request.id });
}

const runTest: UnitTest = {
  id: contentId("coderm-nt: run the program, no input"),
  problemId: "coderm-nt",
  kind: "stdio",
  stdin: "",
};

/**
 * Runs a program once in the executor's sandbox (no input, its output asked for) and returns what
 * it printed, standard output then standard error, followed by how it ended when it did not end
 * well (`ErrorType: message`, `Timeout`, `MemoryError`): the execution log.
 */
async function runProgram(
  executor: Executor,
  problemId: string,
  code: string,
  limits: ExecutionLimits,
  signal?: AbortSignal,
): Promise<string> {
  const request = {
    candidate: { id: contentId(code), problemId, code },
    tests: [{ ...runTest, problemId }],
    limits,
    language: "python" as const,
  };
  let verdict: Verdict | undefined;
  for await (const answer of executor.execute([request], signal === undefined ? {} : { signal }))
    verdict ??= answer;
  if (verdict === undefined)
    throw new CodermError("internal", `the executor gave no verdict for a program of ${problemId}`);
  return executionLog(verdict);
}

/** The log of a verdict: its captured output, and how the program ended when not well. */
export function executionLog(verdict: Verdict): string {
  const lines = verdict.output === undefined ? [] : [verdict.output.replace(/\n$/, "")];
  const detail = verdict.message === undefined ? "" : `: ${verdict.message}`;
  switch (verdict.status) {
    case "error":
    case "fail":
      lines.push(`${verdict.errorType ?? "Error"}${detail}`);
      break;
    case "timeout":
      lines.push("Timeout");
      break;
    case "oom":
      lines.push("MemoryError: the program ran out of memory");
      break;
    case "tampered":
      lines.push(`Tampered${detail}`);
      break;
    default:
      break;
  }
  return lines.join("\n");
}

/** A log cut to {@link executionLogLimit} characters: its first and last halves around " ... ". */
export function boundedLog(log: string): string {
  if (log.length <= executionLogLimit) return log;
  const half = executionLogLimit / 2;
  return `${log.slice(0, half)} ... ${log.slice(-half)}`;
}

/** What a simulation needs besides the leaf's code. */
export interface SimulationContext {
  problemId: string;
  instruction: string;
  callingExamples: string;
  judge: TextGenerator;
  executor: Executor;
  limits: ExecutionLimits;
  rollout: number;
  /** The sampling seed of the judge's attempt `attempt`. */
  seedOf(attempt: number): number;
  signal?: AbortSignal;
}

/**
 * Simulates a leaf: its code with the calling examples appended runs in the sandbox, and the judge
 * grades it from the problem, the program and the execution log; reward = score / 5. A judge that
 * gives no score in [0, 5] is asked again (a new sampling seed each time); after five answers
 * without one, a `rejected` error with `details.stage` "judge".
 */
export async function simulate(code: string, context: SimulationContext): Promise<LeafEvaluation> {
  const program = `${code}\n${context.callingExamples}`;
  const log = boundedLog(
    await runProgram(context.executor, context.problemId, program, context.limits, context.signal),
  );
  const messages: ChatMessage[] = [
    { role: "user", content: judgePrompt({ problem: context.instruction, code: program, log }) },
  ];
  for (let attempt = 0; attempt < judgeAttempts; attempt++) {
    const answer = await ask(
      context.judge,
      {
        id: `${context.problemId} rollout ${context.rollout} judge ${attempt}`,
        template: "coderm-nt-judge",
        messages,
        seed: context.seedOf(attempt),
      },
      context.signal,
    );
    const score = answer.complete ? judgeScore(answer.text) : undefined;
    if (score !== undefined)
      return {
        rollout: context.rollout,
        callingExamples: context.callingExamples,
        log,
        feedback: answer.text,
        reward: score / 5,
      };
  }
  throw new CodermError(
    "rejected",
    `the judge gave no score from 0 to 5 in ${judgeAttempts} answers (rollout ${context.rollout})`,
    { item: context.problemId, details: { stage: "judge" } },
  );
}
