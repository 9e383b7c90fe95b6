import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CodermError, Problem } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { passAtKPercent } from "./judge.js";
import { readSamples } from "./sample-files.js";

const problems = new Map<string, Problem>([
  ["HumanEval/0", { id: "HumanEval/0", prompt: "def f():\n", entryPoint: "f", language: "python" }],
  ["Mbpp/2", { id: "Mbpp/2", prompt: "", entryPoint: "g", language: "python" }],
]);

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("readSamples", () => {
  it("reads solutions and completions, joining completions to the prompt", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "coderm-samples-")), "samples.jsonl");
    await writeFile(
      path,
      [
        JSON.stringify({ task_id: "HumanEval/0", completion: "    return 1\n" }),
        JSON.stringify({ task_id: "HumanEval/0", solution: "def f():\n    return 2\n" }),
        JSON.stringify({ task_id: 2, solution: "def g(): pass" }),
      ].join("\n"),
    );
    expect(await collect(readSamples(path, problems))).toEqual([
      { index: 0, taskId: "HumanEval/0", program: "def f():\n    return 1\n" },
      { index: 1, taskId: "HumanEval/0", program: "def f():\n    return 2\n" },
      { index: 2, taskId: "Mbpp/2", program: "def g(): pass" },
    ]);
  });

  it("names the file and line of an unknown task or a sample without code, and can skip them", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "coderm-samples-")), "samples.jsonl");
    await writeFile(
      path,
      '{"task_id": "HumanEval/0", "solution": "x"}\n{"task_id": "HumanEval/999", "solution": "x"}\n{"task_id": "HumanEval/0"}\n',
    );
    await expect(collect(readSamples(path, problems))).rejects.toThrow(
      `${path}:2, field "task_id": unknown task id "HumanEval/999"`,
    );
    const errors: CodermError[] = [];
    const samples = await collect(readSamples(path, problems, (error) => errors.push(error)));
    expect(samples).toHaveLength(1);
    expect(errors.map((error) => error.line)).toEqual([2, 3]);
    expect(errors[1]!.message).toContain('field "solution"');
  });
});

describe("passAtKPercent", () => {
  it("reports only the k the sample counts allow, counting problems without samples as unsolved", () => {
    const judged = [
      { taskId: "a", passed: true },
      { taskId: "a", passed: false },
      { taskId: "b", passed: false },
      { taskId: "b", passed: false },
    ];
    expect(passAtKPercent(judged, ["a", "b"], [1, 2, 10])).toEqual({ "pass@1": 25, "pass@2": 50 });
    expect(passAtKPercent(judged, ["a", "b", "c", "d"], [1, 3])).toEqual({ "pass@1": 12.5 });
    expect(passAtKPercent([], ["a"], [1])).toEqual({});
  });
});
