import type { Candidate, Problem } from "@coderm/core";

/**
 * How a candidate's code becomes the response sent: `"fenced"` (default) wraps it in a Markdown
 * block of the problem's language unless it already holds a fence; `"raw"` sends it as is; a
 * function writes it.
 */
export type ResponseFormat = "fenced" | "raw" | ((code: string, problem: Problem) => string);

/** The penalties of the input conventions, given without asking the server. */
export interface RewardPenalties {
  /** A response with an unfinished `<think>`, or lacking `</think>` under `thinking` (default -4). */
  missingThink: number;
  /** A response without a non-empty fenced code block under `requireCodeBlock` (default -1). */
  noCode: number;
}

/** The input conventions of CodeRM-NT's reward callback. */
export interface ResponseConventions {
  format: ResponseFormat;
  /** Responses come from a reasoning model: one without `</think>` gets `missingThink`. */
  thinking: boolean;
  /** A response without a fenced code block gets `noCode`. */
  requireCodeBlock: boolean;
  penalties: RewardPenalties;
}

/** A candidate ready to score: the response to send, or the penalty it gets instead. */
export type PreparedResponse =
  | { kind: "ask"; response: string }
  | { kind: "penalty"; reward: number; reason: "missing-think" | "no-code" };

const thinkOpen = "<think>";
const thinkClose = "</think>";
const fencedBlock = /```[^\n`]*\n([\s\S]*?)```/g;

/** The text after the last `</think>` (all of it when there is none). */
export function afterThinking(text: string): string {
  const cut = text.lastIndexOf(thinkClose);
  return cut === -1 ? text : text.slice(cut + thinkClose.length);
}

/** True when the text holds a fenced code block with something other than whitespace in it. */
export function hasCodeBlock(text: string): boolean {
  for (const match of text.matchAll(fencedBlock)) if ((match[1] ?? "").trim() !== "") return true;
  return false;
}

/** Code in a Markdown block of the language, unless the text already holds a fence. */
export function fenceCode(code: string, language: string): string {
  if (code.includes("```")) return code;
  return `\`\`\`${language}\n${code.trimEnd()}\n\`\`\``;
}

/**
 * Applies CodeRM-NT's input conventions to a candidate: a reasoning response with an unfinished
 * `<think>` (or, under `thinking`, without `</think>`) gets `missingThink`; only the text after
 * the last `</think>` is kept; the code is formatted (`format`); under `requireCodeBlock`, a
 * response with no non-empty fenced block gets `noCode`. Otherwise the response is to be sent.
 */
export function prepareResponse(
  problem: Problem,
  candidate: Candidate,
  conventions: ResponseConventions,
): PreparedResponse {
  const text = candidate.code;
  const closed = text.includes(thinkClose);
  const unfinished = !closed && text.includes(thinkOpen);
  if (unfinished || (conventions.thinking && !closed))
    return { kind: "penalty", reward: conventions.penalties.missingThink, reason: "missing-think" };
  const code = afterThinking(text);
  const format = conventions.format;
  const response =
    format === "raw"
      ? code
      : format === "fenced"
        ? fenceCode(code, problem.language)
        : format(code, problem);
  if (conventions.requireCodeBlock && !hasCodeBlock(response))
    return { kind: "penalty", reward: conventions.penalties.noCode, reason: "no-code" };
  return { kind: "ask", response };
}
