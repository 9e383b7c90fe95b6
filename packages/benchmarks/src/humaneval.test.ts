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

describe("HumanEval helpers", () => {
  it("puts the prompt's helpers that check calls in front of the test, and nothing else", async () => {
    const problems = new Map((await loadProblems("humaneval")).map((p) => [p.id, p]));
    const code = (id: string) => (problems.get(id)!.tests![0] as { code: string }).code;
    expect(code("HumanEval/32")).toMatch(/^import math\n\ndef poly\(xs: list, x: float\):\n/);
    expect(code("HumanEval/32")).toContain("return sum([coeff * math.pow(x, i)");
    expect(code("HumanEval/32")).not.toContain("def find_zero");
    expect(code("HumanEval/32")).toMatch(/\n\n\nMETADATA = \{\}\n\n\ndef check\(candidate\):/);
    expect(code("HumanEval/38")).toMatch(/^def encode_cyclic\(s: str\):\n/);
    expect(code("HumanEval/38")).not.toContain("def decode_cyclic");
    expect(code("HumanEval/50")).toMatch(/^def encode_shift\(s: str\):\n/);
    // HumanEval/10 defines is_palindrome, which its check does not call: the test stays as it is
    expect(code("HumanEval/10")).not.toContain("def is_palindrome");
    expect(code("HumanEval/10")).toMatch(/^\n\nMETADATA/);
    const changed = [...problems.values()].filter((p) =>
      /^(import |from |def (?!check\())/.test((p.tests![0] as { code: string }).code),
    );
    expect(changed.map((p) => p.id)).toEqual(["HumanEval/32", "HumanEval/38", "HumanEval/50"]);
  });

  it("keeps decorators and several helpers of a prompt", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-humaneval-"));
    const path = join(dir, "HumanEval.jsonl");
    const prompt =
      'import math\nfrom typing import List\n\nLIMIT = 3\n\n@staticmethod\ndef h(x):\n    """doc"""\n    return x\n\n\ndef unused():\n    return 1\n\n\ndef f(x):\n    """f"""\n';
    const record = {
      task_id: "T/0",
      prompt,
      entry_point: "f",
      canonical_solution: "  return h(x)\n",
    };
    await writeFile(
      path,
      `${JSON.stringify({ ...record, test: "def check(c):\n    assert c(1) == h(1)\n" })}\n`,
    );
    const [problem] = await readHumanEval(path);
    expect((problem!.tests![0] as { code: string }).code).toBe(
      'import math\n\nfrom typing import List\n\n@staticmethod\ndef h(x):\n    """doc"""\n    return x\n\ndef unused():\n    return 1\n\ndef check(c):\n    assert c(1) == h(1)\n',
    );
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
