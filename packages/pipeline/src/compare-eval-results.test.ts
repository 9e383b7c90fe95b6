import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareEvalResults } from "./compare-eval-results.js";
import type { EvalPlusResultEntry, EvalPlusResults } from "./eval-results.js";

function entry(
  solution: string,
  base: string,
  plus: string,
  failing: unknown[] = [],
): EvalPlusResultEntry {
  return {
    task_id: "HumanEval/0",
    solution,
    base_status: base,
    plus_status: plus,
    base_fail_tests: [],
    plus_fail_tests: failing,
  };
}

const ours: EvalPlusResults = {
  date: "2026-12-02 12:00",
  hash: "h",
  eval: { "HumanEval/0": [entry("a", "pass", "pass"), entry("b", "pass", "fail", [[3]])] },
  pass_at_k: { base: {} },
};

async function file(content: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "coderm-compare-")), "eval_results.json");
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("compareEvalResults", () => {
  it("lists each sample whose base or plus status differs, with both sides' failing inputs", async () => {
    const theirs = await file({
      eval: {
        "HumanEval/0": [entry("a", "pass", "pass"), entry("b", "pass", "pass")],
        "HumanEval/1": [],
      },
    });
    expect(await compareEvalResults(ours, theirs)).toEqual({
      samples: 2,
      differences: [
        {
          taskId: "HumanEval/0",
          index: 1,
          part: "plus",
          ours: { status: "fail", failingInputs: [[3]] },
          theirs: { status: "pass", failingInputs: [] },
        },
      ],
      missingTasks: { ours: ["HumanEval/1"], theirs: [] },
    });
  });

  it("names the file and field of another format, and refuses other samples", async () => {
    await expect(compareEvalResults(ours, await file({ eval: { x: [{}] } }))).rejects.toThrow(
      /not EvalPlus's eval_results.json/,
    );
    await expect(compareEvalResults(ours, await file("{"))).rejects.toThrow(/not a readable JSON/);
    const other = await file({
      eval: { "HumanEval/0": [entry("a", "pass", "pass"), entry("c", "pass", "pass")] },
    });
    await expect(compareEvalResults(ours, other)).rejects.toThrow(
      "sample 1 is another program there",
    );
  });
});
