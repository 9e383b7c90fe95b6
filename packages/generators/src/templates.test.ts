import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CodermError, type Problem } from "@coderm/core";
import { readJsonl } from "@coderm/core/node";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { codetStopTokens } from "./codet-extraction.js";
import { getPromptTemplate, loadPromptTemplate, promptTemplates } from "./templates.js";

const dataDir = requireDataDir();

/** HumanEval-shaped problems (prompt and entry point) straight from a data file. */
async function readProblems(path: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const { value } of readJsonl(join(dataDir, path))) {
    const record = value as { task_id: string; prompt: string; entry_point: string };
    problems.push({
      id: record.task_id,
      prompt: record.prompt,
      entryPoint: record.entry_point,
      language: "python",
    });
  }
  return problems;
}

const problem: Problem = {
  id: "toy/0",
  prompt: 'def add(a, b):\n    """Add {code} and {question}."""\n',
  entryPoint: "add",
  language: "python",
};

const codermHeader =
  "Below is a question and it's corresponding code answer. Please write test cases to check the correctness of the code answer. You need to use the unittest library in Python and create a test class for testing.";
const codermFooter =
  "Please add detailed comments to the test cases you write. You do not need to test the function's ability to throw exceptions.";

describe("coderm-8b", () => {
  it("renders CodeRM-8B's published format byte for byte for a HumanEval problem", async () => {
    const humaneval = await readProblems("humaneval/HumanEval.jsonl.gz");
    const first = humaneval.find((item) => item.id === "HumanEval/0")!;
    const code = `${first.prompt}    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n`;
    const rendered = getPromptTemplate("coderm-8b").render(first, { code });
    const expected = `${codermHeader}\n\n### question\n${first.prompt}\n\n### code solution\n${code}\n\n${codermFooter}`;
    expect(rendered.prompt).toBeUndefined();
    expect(rendered.messages).toEqual([{ role: "user", content: expected }]);
    expect(
      rendered.messages![0]!.content.startsWith("Below is a question and it's corresponding"),
    ).toBe(true);
  });

  it("matches the format quoted in MODELS.md (beside the data directory)", async () => {
    const text = await readFile(join(dirname(dataDir), "MODELS.md"), "utf8");
    const quoted = /The published format, verbatim:\n\n```\n([\s\S]*?)\n```/.exec(text)?.[1];
    expect(quoted).toBeDefined();
    const code = "def add(a, b):\n    return a + b\n";
    const plain: Problem = { ...problem, prompt: 'def add(a, b):\n    """Add a and b."""\n' };
    const expected = quoted!.replace("{question}", plain.prompt).replace("{code}", code);
    expect(getPromptTemplate("coderm-8b").render(plain, { code }).messages).toEqual([
      { role: "user", content: expected },
    ]);
  });

  it("substitutes once, so placeholders inside the problem or code stay as written", () => {
    const code = "def add(a, b):\n    return '{question}'\n";
    const content = getPromptTemplate("coderm-8b").render(problem, { code }).messages![0]!.content;
    expect(content).toContain('"""Add {code} and {question}."""');
    expect(content).toContain("return '{question}'");
  });

  it("needs a solution", () => {
    expect(() => getPromptTemplate("coderm-8b").render(problem)).toThrow(/options\.code/);
  });
});

describe("codet", () => {
  it("reproduces CodeT's released test-generation prompts from its code-generation problems", async () => {
    const problems = await readProblems("codet/HumanEval_for_code_generation.jsonl.gz");
    const released = new Map<string, string>();
    for await (const { value } of readJsonl(
      join(dataDir, "codet/HumanEval_for_test_case_generation.jsonl.gz"),
    )) {
      const record = value as { task_id: string; prompt: string };
      released.set(record.task_id, record.prompt);
    }
    expect(problems).toHaveLength(164);
    const template = getPromptTemplate("codet");
    for (const item of problems) {
      expect(template.render(item).prompt, item.id).toBe(released.get(item.id));
    }
    expect(template.render(problems[0]!).prompt).toBe(
      'from typing import List\n\n\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    """ Check if in given list of numbers, are any two numbers closer to each other than\n    given threshold.\n    """\n    pass\n\n# check the correctness of has_close_elements\nassert ',
    );
  });

  it("keeps the docstring examples of the original HumanEval prompts, which CodeT removed", async () => {
    const humaneval = await readProblems("humaneval/HumanEval.jsonl.gz");
    const rendered = getPromptTemplate("codet").render(humaneval[0]!).prompt!;
    expect(rendered).toContain(">>> has_close_elements([1.0, 2.0, 3.0], 0.5)");
    expect(
      rendered.endsWith("    pass\n\n# check the correctness of has_close_elements\nassert "),
    ).toBe(true);
    expect(getPromptTemplate("codet").stop).toBeUndefined();
    expect(getPromptTemplate("codet").extract).toBe("codet-asserts");
  });
});

describe("solution templates", () => {
  it("completion sends the prompt as is, with CodeT's stop tokens", () => {
    const template = getPromptTemplate("completion");
    expect(template.mode).toBe("completion");
    expect(template.render(problem)).toEqual({ prompt: problem.prompt });
    expect(template.stop).toEqual([...codetStopTokens]);
    expect(template.stop).toEqual(["\nclass", "\ndef", "\n#", "\nif", "\nprint"]);
  });

  it("instruct asks in one user message, with the prompt in a python block", () => {
    const { messages } = getPromptTemplate("instruct").render(problem);
    expect(messages).toHaveLength(1);
    expect(messages![0]!.role).toBe("user");
    expect(messages![0]!.content).toContain(`\`\`\`python\n${problem.prompt}\n\`\`\``);
  });

  it("livecodebench puts the question as LiveCodeBench does, with starter code or stdin/stdout", () => {
    const template = getPromptTemplate("livecodebench");
    expect(template).toMatchObject({
      kind: "solution",
      mode: "chat",
      extract: "livecodebench-code",
    });
    const question = "Return the sum of nums.";
    const functional: Problem = {
      id: "lcb/1",
      prompt: question,
      entryPoint: "sumOf",
      language: "python",
      metadata: {
        starterCode: "class Solution:\n    def sumOf(self, nums: List[int]) -> int:\n        ",
      },
    };
    const [system, user] = template.render(functional).messages!;
    expect(system).toMatchObject({ role: "system" });
    expect(system!.content).toMatch(/^You are an expert Python programmer\./);
    expect(user!.content).toBe(
      `### Question:\n${question}\n\n` +
        "### Format: You will use the following starter code to write the solution to the problem and enclose your code within delimiters.\n" +
        "```python\nclass Solution:\n    def sumOf(self, nums: List[int]) -> int:\n        \n```\n\n" +
        "### Answer: (use the provided format with backticks)\n\n",
    );
    const stdio = template.render({ ...functional, metadata: { starterCode: "" } }).messages![1]!
      .content;
    expect(stdio).toContain("### Format: Read the inputs from stdin solve the problem");
    expect(stdio).toContain("```python\n# YOUR CODE HERE\n```\n\n### Answer:");
  });

  it("unittest-instruct names the entry point and shows the code only when given", () => {
    const template = getPromptTemplate("unittest-instruct");
    const without = template.render(problem).messages![0]!.content;
    expect(without).toContain("unittest.TestCase");
    expect(without).toContain("`add`");
    expect(without).not.toContain("solution to test");
    const withCode = template.render(problem, { code: "def add(a, b): return a + b" }).messages![0]!
      .content;
    expect(withCode).toContain(
      "### a solution to test\n```python\ndef add(a, b): return a + b\n```",
    );
  });
});

describe("getPromptTemplate", () => {
  it("lists the known templates when the name is unknown", () => {
    expect(Object.keys(promptTemplates)).toEqual([
      "instruct",
      "completion",
      "livecodebench",
      "multipl-e",
      "coderm-8b",
      "codet",
      "unittest-instruct",
    ]);
    try {
      getPromptTemplate("coderm-7b");
      expect.unreachable();
    } catch (error) {
      expect(CodermError.isInstance(error)).toBe(true);
      expect((error as CodermError).code).toBe("not-found");
      expect((error as CodermError).message).toBe(
        'unknown prompt template "coderm-7b"; known templates: instruct, completion, livecodebench, multipl-e, coderm-8b, codet, unittest-instruct',
      );
    }
    expect(() => getPromptTemplate("toString")).toThrow(/unknown prompt template/);
  });
});

describe("loadPromptTemplate", () => {
  async function templateFile(content: unknown): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "coderm-templates-"));
    const file = join(dir, "template.json");
    await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  }

  it("reads a chat template with all placeholders", async () => {
    const file = await templateFile({
      name: "mine",
      kind: "tests",
      mode: "chat",
      system: "You test {entry_point}.",
      user: "Q: {question}\nP: {prompt}\nC: {code}\n{other}",
    });
    const template = await loadPromptTemplate(file);
    expect(template.extract).toBe("unittest-class");
    expect(template.render(problem, { code: "CODE" }).messages).toEqual([
      { role: "system", content: "You test add." },
      { role: "user", content: `Q: ${problem.prompt}\nP: ${problem.prompt}\nC: CODE\n{other}` },
    ]);
  });

  it("reads a completion template with stop tokens", async () => {
    const file = await templateFile({
      name: "plain",
      kind: "solution",
      mode: "completion",
      prompt: "# {entry_point}\n{prompt}",
      stop: ["\ndef"],
    });
    const template = await loadPromptTemplate(file);
    expect(template).toMatchObject({ name: "plain", extract: "codet-solution", stop: ["\ndef"] });
    expect(template.render(problem).prompt).toBe(`# add\n${problem.prompt}`);
  });

  it("names the file and the field in its errors", async () => {
    const cases: [unknown, string, string | undefined][] = [
      ["{ not json", "parse-error", undefined],
      [{ name: "x", kind: "tests", mode: "chat" }, "invalid-input", "user"],
      [
        { name: "x", kind: "tests", mode: "chat", user: "u", prompt: "p" },
        "invalid-input",
        "prompt",
      ],
      [{ name: "x", kind: "tests", mode: "completion", user: "u" }, "invalid-input", "user"],
      [{ name: "x", kind: "test", mode: "chat", user: "u" }, "invalid-input", "kind"],
      [
        { name: "x", kind: "tests", mode: "chat", user: "u", extract: "x" },
        "invalid-input",
        "extract",
      ],
      [{ name: "x", kind: "tests", mode: "chat", user: "u", colour: 1 }, "invalid-input", "colour"],
    ];
    for (const [content, code, field] of cases) {
      const file = await templateFile(content);
      const error = await loadPromptTemplate(file).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(CodermError.isInstance(error), JSON.stringify(content)).toBe(true);
      expect((error as CodermError).code).toBe(code);
      expect((error as CodermError).file).toBe(file);
      expect((error as CodermError).field).toBe(field);
      expect((error as CodermError).message).toContain(file);
    }
    const missing = await loadPromptTemplate("/nonexistent/template.json").catch((e: unknown) => e);
    expect((missing as CodermError).code).toBe("io-error");
  });
});

describe("multipl-e", () => {
  it("sends each problem's own stop sequences and cuts the completion at the first of them", async () => {
    const problems = await Promise.all(
      ["humaneval-js.jsonl", "humaneval-ts.jsonl"].map(async (file) => {
        const path = join(process.env.CODERM_DATA_DIR!, "multipl-e", file);
        for await (const { value } of readJsonl(path)) {
          const line = value as { name: string; prompt: string; stop_tokens: string[] };
          const problem: Problem = {
            id: line.name,
            prompt: line.prompt,
            entryPoint: "f",
            language: file.endsWith("ts.jsonl") ? "typescript" : "javascript",
            metadata: { stopTokens: line.stop_tokens },
          };
          return problem;
        }
        throw new Error(`${file} is empty`);
      }),
    );
    const template = getPromptTemplate("multipl-e");
    expect(template).toMatchObject({ kind: "solution", mode: "completion" });
    const [javascript, typescript] = problems.map((problem) => template.render(problem));
    expect(javascript).toEqual({
      prompt: problems[0]!.prompt,
      stop: ["\nfunction ", "\n/*", "\n//", "\nconsole.log"],
    });
    expect(typescript!.stop).toContain("\nclass");
    const { extractSolution } = await import("./extract.js");
    const completion = "  return x.length;\n}\n\nconsole.log(f('ab'));\nfunction other() {}\n";
    expect(extractSolution(problems[0]!, completion, "prompt-completion")).toEqual({
      code: `${problems[0]!.prompt}  return x.length;\n}\n`,
      extraction: "prompt-completion",
    });
  });
});
