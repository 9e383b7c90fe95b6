import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentId } from "@coderm/core";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { readHumanEval } from "./humaneval.js";
import { loadProblems } from "./load.js";

requireDataDir();

describe("HumanEval", () => {
  it("loads 164 problems, each with its check test and canonical program", async () => {
    const problems = await loadProblems("humaneval");
    expect(problems).toHaveLength(164);
    const first = problems[0]!;
    expect(first).toMatchObject({
      id: "HumanEval/0",
      entryPoint: "has_close_elements",
      language: "python",
    });
    expect(first.canonicalSolution).toMatch(/^from typing import List\n[\s\S]*return False\n$/);
    const [test] = first.tests!;
    expect(first.tests).toHaveLength(1);
    expect(test).toMatchObject({
      kind: "check",
      problemId: "HumanEval/0",
      code: expect.stringContaining("def check(candidate):"),
      entryPoint: "has_close_elements",
    });
    expect(test!.id).toBe(contentId((test as { code: string }).code));
  });
});

describe("readHumanEval", () => {
  it("names the file and line of a malformed line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-humaneval-"));
    const path = join(dir, "HumanEval.jsonl");
    const record = {
      task_id: "T/0",
      prompt: "def f():\n",
      entry_point: "f",
      canonical_solution: "  pass\n",
      test: "",
    };
    await writeFile(path, `${JSON.stringify(record)}\n{"task_id": "T/1", "prompt": \n`);
    await expect(readHumanEval(path)).rejects.toMatchObject({
      code: "parse-error",
      file: path,
      line: 2,
      message: expect.stringContaining(`${path}:2: not valid JSON`),
    });
    await writeFile(path, `${JSON.stringify({ ...record, entry_point: 3 })}\n`);
    await expect(readHumanEval(path)).rejects.toMatchObject({
      code: "invalid-input",
      message: expect.stringContaining(`${path}:1, field "entry_point"`),
    });
  });
});
