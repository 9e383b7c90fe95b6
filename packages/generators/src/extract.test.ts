import { contentId } from "@coderm/core";
import { compilesInPython } from "@coderm/core/node";
import { describe, expect, it } from "vitest";
import {
  extractCode,
  extractCodetAssertTests,
  extractLiveCodeBenchCode,
  extractSolution,
  extractUnittestTests,
} from "./extract.js";

describe("extractCode", () => {
  it("takes the first python block even after another block", () => {
    const text =
      "Run:\n```bash\npip install x\n```\nthen\n```python\ndef f():\n    return 1\n```\n```python\nx = 2\n```\n";
    expect(extractCode(text)).toEqual({ code: "def f():\n    return 1\n", rule: "python-block" });
    expect(extractCode("```Python3 title\nx = 1\n```")).toEqual({
      code: "x = 1\n",
      rule: "python-block",
    });
  });

  it("falls back to the first fenced block, then to the raw text", () => {
    expect(extractCode("Here:\n```\ndef f(): pass\n```\n```js\nx\n```")).toEqual({
      code: "def f(): pass\n",
      rule: "first-block",
    });
    const raw = "def f():\n    return '```'  # inline fence\n";
    expect(extractCode(raw)).toEqual({ code: raw, rule: "raw" });
  });

  it("reads an unterminated block to the end of the text", () => {
    expect(extractCode("Sure!\n```python\ndef f():\n    return 1\n")).toEqual({
      code: "def f():\n    return 1\n",
      rule: "python-block",
    });
    expect(extractCode("```python\r\nx = 1\r\n```\r\n")).toEqual({
      code: "x = 1\r\n",
      rule: "python-block",
    });
    expect(extractCode("```python\n```")).toEqual({ code: "", rule: "python-block" });
  });
});

describe("extractSolution", () => {
  const problem = { id: "p", prompt: "def f(x):\n", entryPoint: "f", language: "python" as const };
  it("builds CodeT candidates and reads markdown answers", () => {
    expect(
      extractSolution(problem, "    return x\n\ndef g():\n    pass\n", "codet-solution"),
    ).toEqual({ code: "def f(x):\n    return x\n", extraction: "codet-solution" });
    expect(
      extractSolution(problem, "```python\ndef f(x):\n    return x\n```", "markdown-python"),
    ).toEqual({ code: "def f(x):\n    return x\n", extraction: "python-block" });
    expect(extractSolution(problem, "no code", "markdown-python")).toEqual({
      code: "no code",
      extraction: "raw",
    });
  });

  it("reads answers as LiveCodeBench does: the last block, nothing without a closed one", () => {
    const answer =
      "First try:\n```python\nprint(1)\n```\nBetter:\n```python\nn = int(input())\nprint(n * 2)\n```\nDone.";
    expect(extractSolution(problem, answer, "livecodebench-code")).toEqual({
      code: "n = int(input())\nprint(n * 2)",
      extraction: "livecodebench-code",
    });
    // a fence anywhere in a line counts, as in lcb_runner
    expect(extractLiveCodeBenchCode("x ```python\na = 1\n``` y")).toBe("a = 1");
    expect(extractLiveCodeBenchCode("```python\nprint(1)\n")).toBe("");
    expect(extractLiveCodeBenchCode("print(1)")).toBe("");
  });
});

const codermOutput = `\`\`\`python
import unittest
from typing import List
import math as m

def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            if abs(a - b) < threshold:
                return True
    return False

TOLERANCE = 0.5

def pairs(values):
    return list(zip(values, values[1:]))

class TestHasCloseElements(unittest.TestCase):
    # A list with two close numbers
    def test_close(self):
        self.assertTrue(has_close_elements([1.0, 2.8, 3.0], 0.3))

    def test_far(self):
        # No two numbers are closer than the threshold
        self.assertFalse(has_close_elements([1.0, 2.0, 3.0], TOLERANCE))

    def setUp(self):
        self.values = [1.0]

class TestEdgeCases(unittest.TestCase):
    def test_empty(self):
        self.assertFalse(has_close_elements([], 1.0))

    def test_pairs(self):
        self.assertEqual(len(pairs([1, 2, 3])), 2)

if __name__ == "__main__":
    unittest.main()
\`\`\`

These tests cover the typical cases.`;

describe("extractUnittestTests", () => {
  it("splits CodeRM-8B-style answers into one test per TestCase class", async () => {
    const [result] = await extractUnittestTests([
      {
        text: codermOutput,
        problemId: "HumanEval/0",
        entryPoint: "has_close_elements",
        source: { model: "coderm-8b", sampleIndex: 3 },
      },
    ]);
    expect(result!.ok).toBe(true);
    if (!result!.ok) return;
    expect(result!.rule).toBe("python-block");
    expect(result!.tests.map((test) => [test.className, test.methods])).toEqual([
      ["TestHasCloseElements", ["test_close", "test_far"]],
      ["TestEdgeCases", ["test_empty", "test_pairs"]],
    ]);
    const [first, second] = result!.tests;
    expect(first!.test.code).toBe(
      `import unittest
from typing import List
import math as m
TOLERANCE = 0.5


class TestHasCloseElements(unittest.TestCase):
    # A list with two close numbers
    def test_close(self):
        self.assertTrue(has_close_elements([1.0, 2.8, 3.0], 0.3))

    def test_far(self):
        # No two numbers are closer than the threshold
        self.assertFalse(has_close_elements([1.0, 2.0, 3.0], TOLERANCE))

    def setUp(self):
        self.values = [1.0]
`,
    );
    expect(second!.test.code).toContain("def pairs(values):");
    expect(second!.test.code).not.toContain("TOLERANCE");
    for (const { test } of result!.tests) {
      expect(test).toMatchObject({
        kind: "unittest",
        problemId: "HumanEval/0",
        source: { model: "coderm-8b", sampleIndex: 3 },
      });
      expect(test.id).toBe(contentId(test.code));
      expect(test.code).not.toContain("def has_close_elements");
      expect(test.code).not.toContain("__main__");
      expect(test.code).not.toContain("unittest.main");
    }
  });

  it("marks unparseable and test-less answers instead of dropping them", async () => {
    const broken =
      "```python\nimport unittest\n\nclass TestF(unittest.TestCase):\n    def test_a(self)\n        self.assertEqual(f(1), 1)\n```";
    const results = await extractUnittestTests([
      { text: broken, problemId: "p" },
      { text: "def f(x):\n    return x\n", problemId: "p" },
      {
        text: "```python\nimport unittest\nclass TestF(unittest.TestCase):\n    def helper(self):\n        pass\n```",
        problemId: "p",
      },
      { text: "I cannot write tests for this.", problemId: "p" },
    ]);
    expect(results[0]).toEqual({
      ok: false,
      reason: expect.stringMatching(/^SyntaxError: .* \(line 4\)$/),
      raw: broken,
      rule: "python-block",
    });
    expect(results[1]).toMatchObject({
      ok: false,
      reason: "no unittest.TestCase class",
      rule: "raw",
    });
    expect(results[2]).toMatchObject({
      ok: false,
      reason: "no test methods in TestCase class TestF",
    });
    expect(results[3]).toMatchObject({ ok: false, rule: "raw" });
  });

  it("reads raw and unterminated answers, drops imports of the entry point and adds import unittest", async () => {
    const raw = [
      "from unittest import TestCase",
      "from solution import add, helper",
      "from solution import add",
      "",
      "class AddTest(TestCase):",
      "    def test_add(self):",
      "        self.assertEqual(add(1, 2), 3)",
      "",
      "unittest.main()",
      "",
    ].join("\n");
    const unterminated =
      "Tests:\n```python\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(add(1, 1), 2)\n";
    const [first, second] = await extractUnittestTests([
      { text: raw, problemId: "p", entryPoint: "add" },
      { text: unterminated, problemId: "p", entryPoint: "add" },
    ]);
    expect(first).toMatchObject({ ok: true, rule: "raw" });
    expect(first!.ok && first!.tests[0]!.test.code).toBe(
      "from unittest import TestCase\nfrom solution import helper\n\n\nclass AddTest(TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n",
    );
    expect(second!.ok && second!.tests[0]!.test.code).toBe(
      "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        self.assertEqual(add(1, 1), 2)\n",
    );
  });

  it("parses each python block of an answer alone", async () => {
    const text =
      "Solution:\n```python\ndef add(a, b):\n    return a + b\n```\nTests:\n```python\nimport unittest\n\nclass TestAdd(unittest.TestCase):\n    def test_one(self):\n        self.assertEqual(add(0, 1), 1)\n```\n";
    const [result] = await extractUnittestTests([{ text, problemId: "p", entryPoint: "add" }]);
    expect(result!.ok && result!.tests.map((test) => test.className)).toEqual(["TestAdd"]);
    expect(await extractUnittestTests([])).toEqual([]);
  });

  it("generated tests compile", async () => {
    const [result] = await extractUnittestTests([
      { text: codermOutput, problemId: "p", entryPoint: "has_close_elements" },
    ]);
    expect(result!.ok).toBe(true);
    if (result!.ok) {
      expect(await compilesInPython(result!.tests.map((test) => test.test.code))).toEqual([
        true,
        true,
      ]);
    }
  });
});

describe("extractCodetAssertTests", () => {
  it("splits codet completions as CodeT does and makes assert tests", async () => {
    const completion =
      "has_close_elements([1.0, 2.0], 0.5) == False\nassert has_close_elements([1.0, 1.1], 0.5) == True\nassert other(1)\nassert has_close_elements([1.0,\n\n# check";
    const [tests, empty] = await extractCodetAssertTests([
      {
        completion,
        problemId: "HumanEval/0",
        entryPoint: "has_close_elements",
        source: { model: "m" },
      },
      { completion: "\n", problemId: "HumanEval/0", entryPoint: "has_close_elements" },
    ]);
    expect(tests!.map((test) => test.code)).toEqual([
      "assert has_close_elements([1.0, 2.0], 0.5) == False",
      "assert has_close_elements([1.0, 1.1], 0.5) == True",
    ]);
    expect(tests![0]).toEqual({
      kind: "assert",
      id: contentId("assert has_close_elements([1.0, 2.0], 0.5) == False"),
      problemId: "HumanEval/0",
      code: "assert has_close_elements([1.0, 2.0], 0.5) == False",
      source: { model: "m" },
    });
    expect(empty).toEqual([]);
    const [limited] = await extractCodetAssertTests(
      [{ completion, problemId: "HumanEval/0", entryPoint: "has_close_elements" }],
      { testsPerSample: 1 },
    );
    expect(limited).toHaveLength(1);
  });
});
