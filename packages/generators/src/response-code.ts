import { extractCode, extractLiveCodeBenchCode, fencedBlocks, pythonLanguages } from "./extract.js";

/**
 * How the program is read from a model's whole response (a reward service's extraction rules):
 * - `last-python-block`: the last ```python (or `py`, `python3`) block, else the last fenced
 *   block of any language (an unclosed one runs to the end); none is no code;
 * - `first-python-block`: the first ```python block, else the first fenced block (see
 *   `extractCode`); none is no code;
 * - `livecodebench`: LiveCodeBench's rule, the lines between the last two fence lines;
 * - `whole-text`: the response as it is.
 * A thinking model's reasoning is left out first: only the text after the last `</think>` counts.
 */
export const responseExtractionRules = [
  "last-python-block",
  "first-python-block",
  "livecodebench",
  "whole-text",
] as const;
/** One of {@link responseExtractionRules}. */
export type ResponseExtractionRule = (typeof responseExtractionRules)[number];

/**
 * The program of a model's response under an extraction rule, or undefined when the response
 * holds none (an empty or whitespace-only program counts as none).
 */
export function extractResponseCode(
  response: string,
  rule: ResponseExtractionRule = "last-python-block",
): string | undefined {
  const thinkEnd = response.lastIndexOf("</think>");
  const answer = thinkEnd === -1 ? response : response.slice(thinkEnd + "</think>".length);
  let code: string | undefined;
  switch (rule) {
    case "last-python-block": {
      const blocks = fencedBlocks(answer);
      code = (blocks.findLast((block) => pythonLanguages.has(block.language)) ?? blocks.at(-1))
        ?.code;
      break;
    }
    case "first-python-block": {
      const found = extractCode(answer);
      code = found.rule === "raw" ? undefined : found.code;
      break;
    }
    case "livecodebench":
      code = extractLiveCodeBenchCode(answer);
      break;
    default:
      code = answer;
  }
  return code === undefined || code.trim() === "" ? undefined : code;
}
