import type { RewardItemInput } from "@coderm/pipeline";
import { HttpError } from "./context.js";

/**
 * The reward item of a trainer's label (OpenRLHF's `labels[i]`, slime's `label`, veRL's
 * `ground_truth`), given as a JSON value or a string holding one:
 * - `"humaneval+:HumanEval/0"`, or `{"benchmark": "humaneval+", "id": "HumanEval/0"}`: a known
 *   problem, judged by its ground truth;
 * - `["assert f(1) == 2", ...]` or a list of test objects: inline tests (see `/v1/reward`);
 * - `{"inputs": [...], "outputs": [...], "fn_name"?: "f"}`: input/output pairs as veRL's code
 *   datasets store them (stdin/stdout, or calls when `fn_name` is given);
 * - `{"tests": ..., "extraction"?, "shaping"?, ...}`: the fields of a `/v1/reward` item.
 */
export function itemOfLabel(label: unknown, response: string, field: string): RewardItemInput {
  let value = label;
  if (typeof label === "string") {
    const reference = /^([A-Za-z0-9+_.-]+):(\S+)$/.exec(label.trim());
    if (reference !== null)
      return {
        problem: { benchmark: reference[1]!, id: reference[2]! },
        tests: "ground-truth",
        response,
      };
    try {
      value = JSON.parse(label);
    } catch {
      throw new HttpError(
        400,
        "invalid-input",
        'the label is neither "benchmark:problem-id" nor JSON tests',
        field,
      );
    }
  }
  if (Array.isArray(value)) return { tests: value as RewardItemInput["tests"], response };
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if ("inputs" in record && "outputs" in record)
      return { tests: record as RewardItemInput["tests"], response };
    if (
      typeof record.benchmark === "string" &&
      typeof record.id === "string" &&
      !("tests" in record)
    )
      return {
        problem: { benchmark: record.benchmark, id: record.id },
        tests: "ground-truth",
        response,
      };
    if ("tests" in record) return { ...(record as Omit<RewardItemInput, "response">), response };
  }
  throw new HttpError(
    400,
    "invalid-input",
    "the label holds no tests: give inline tests, input/output pairs or a known problem",
    field,
  );
}
