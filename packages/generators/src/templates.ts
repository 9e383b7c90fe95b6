import { readFile } from "node:fs/promises";
import { type ChatMessage, CodermError, type Problem } from "@coderm/core";
import { z } from "zod";
import { codetStopTokens } from "./codet-extraction.js";

/** What a template generates: candidate solutions or unit tests. */
export type PromptTemplateKind = "solution" | "tests";

/** How a template talks to the model: chat messages or a plain completion prompt. */
export type PromptMode = "chat" | "completion";

/**
 * How the model's output becomes code or tests:
 * - `markdown-python`: the code of the first Python block (see `extractCode`);
 * - `codet-solution`: the prompt plus the completion cut at CodeT's first stop token;
 * - `livecodebench-code`: LiveCodeBench's, the lines between the last two fence lines;
 * - `prompt-completion`: the prompt plus the completion cut at the first of the problem's own stop
 *   sequences (`metadata.stopTokens`, as MultiPL-E gives them);
 * - `codet-asserts`: CodeT's split of a completion into `assert` statements;
 * - `unittest-class`: one unit test per generated `unittest.TestCase` class.
 */
export type ExtractionRule =
  | "markdown-python"
  | "codet-solution"
  | "livecodebench-code"
  | "prompt-completion"
  | "codet-asserts"
  | "unittest-class";

/** Options of {@link PromptTemplate.render}. */
export interface RenderOptions {
  /** A solution the test writer may look at (`{code}`). */
  code?: string;
}

/**
 * A rendered request: chat messages for a chat template, a prompt for a completion template; `stop`
 * when the problem brings its own stop sequences (they replace the template's).
 */
export type RenderedPrompt = (
  | { messages: ChatMessage[]; prompt?: undefined }
  | { prompt: string; messages?: undefined }
) & { stop?: readonly string[] };

/** A named way to ask a model for solutions or tests of a problem, and to read its answer. */
export interface PromptTemplate {
  name: string;
  kind: PromptTemplateKind;
  mode: PromptMode;
  /** Renders the request for one problem. */
  render(problem: Problem, options?: RenderOptions): RenderedPrompt;
  /** Stop sequences to send with the request, if any. */
  stop?: readonly string[];
  extract: ExtractionRule;
}

const placeholderPattern = /\{(question|code|entry_point|prompt)\}/g;

/**
 * Substitutes `{question}`, `{prompt}` (both the problem's prompt), `{entry_point}` and `{code}`
 * in one pass, so text substituted in is never read again. Other braces are left as they are.
 */
function fill(
  template: string,
  problem: Problem,
  options: RenderOptions,
  templateName: string,
): string {
  return template.replace(placeholderPattern, (_, name: string) => {
    switch (name) {
      case "code":
        if (options.code === undefined) {
          throw new CodermError(
            "invalid-input",
            `prompt template "${templateName}" needs a solution ({code}); pass options.code`,
            { item: problem.id },
          );
        }
        return options.code;
      case "entry_point":
        return problem.entryPoint;
      default:
        return problem.prompt;
    }
  });
}

function chatTemplate(
  settings: Omit<PromptTemplate, "render" | "mode"> & { system?: string; user: string },
): PromptTemplate {
  const { system, user, ...rest } = settings;
  return {
    ...rest,
    mode: "chat",
    render(problem, options = {}) {
      const messages: ChatMessage[] = [];
      if (system !== undefined) {
        messages.push({ role: "system", content: fill(system, problem, options, rest.name) });
      }
      messages.push({ role: "user", content: fill(user, problem, options, rest.name) });
      return { messages };
    },
  };
}

function completionTemplate(
  settings: Omit<PromptTemplate, "render" | "mode"> & { prompt: string },
): PromptTemplate {
  const { prompt, ...rest } = settings;
  return {
    ...rest,
    mode: "completion",
    render(problem, options = {}) {
      return { prompt: fill(prompt, problem, options, rest.name) };
    },
  };
}

/** CodeRM-8B's published input format, verbatim (see MODELS.md "CodeRM-8B"). */
const codermPrompt =
  "Below is a question and it's corresponding code answer. Please write test cases to check the correctness of the code answer. You need to use the unittest library in Python and create a test class for testing.\n" +
  "\n" +
  "### question\n" +
  "{question}\n" +
  "\n" +
  "### code solution\n" +
  "{code}\n" +
  "\n" +
  "Please add detailed comments to the test cases you write. You do not need to test the function's ability to throw exceptions.";

const instructTemplate = chatTemplate({
  name: "instruct",
  kind: "solution",
  extract: "markdown-python",
  user:
    "Complete the following Python function. Answer with the complete function, including the imports it needs, in one ```python code block.\n" +
    "\n" +
    "```python\n" +
    "{prompt}\n" +
    "```",
});

const completionSolutionTemplate = completionTemplate({
  name: "completion",
  kind: "solution",
  extract: "codet-solution",
  prompt: "{prompt}",
  stop: codetStopTokens,
});

/**
 * MultiPL-E's completion prompt: the problem's prompt (a signature and doc comment in the
 * problem's language), the completion stopped at the problem's own stop sequences (MultiPL-E's
 * `stop_tokens`: a new top-level function, comment or `console.log`/`class`), the candidate the
 * prompt plus the completion.
 */
const multiplETemplate: PromptTemplate = {
  name: "multipl-e",
  kind: "solution",
  mode: "completion",
  extract: "prompt-completion",
  render(problem) {
    const stop = problemStopTokens(problem);
    return { prompt: problem.prompt, ...(stop === undefined ? {} : { stop }) };
  },
};

/** A problem's own stop sequences (`metadata.stopTokens`, MultiPL-E's `stop_tokens`), if any. */
export function problemStopTokens(problem: Problem): readonly string[] | undefined {
  const tokens = problem.metadata?.stopTokens;
  return Array.isArray(tokens) && tokens.every((token) => typeof token === "string")
    ? (tokens as string[])
    : undefined;
}

const codermTemplate = chatTemplate({
  name: "coderm-8b",
  kind: "tests",
  extract: "unittest-class",
  user: codermPrompt,
});

/**
 * CodeT's test-generation prompt. CodeT's released prompts are this template applied to its
 * code-generation problems, whose docstrings have the `>>>` examples removed; applied to the
 * original HumanEval prompts it keeps the examples.
 */
const codetTemplate = completionTemplate({
  name: "codet",
  kind: "tests",
  extract: "codet-asserts",
  prompt: "{prompt}    pass\n\n# check the correctness of {entry_point}\nassert ",
});

const unittestInstructTemplate: PromptTemplate = (() => {
  const base =
    "Write unit tests for the following Python function `{entry_point}` with the unittest library. " +
    "Answer with one ```python code block that holds the imports the tests need and exactly one class " +
    "that subclasses unittest.TestCase, with one test method per behaviour checked. " +
    "Do not define `{entry_point}` again and do not call unittest.main(): the tests run " +
    "where `{entry_point}` is already defined.\n" +
    "\n" +
    "### question\n" +
    "```python\n" +
    "{prompt}\n" +
    "```";
  const withoutCode = chatTemplate({
    name: "unittest-instruct",
    kind: "tests",
    extract: "unittest-class",
    user: base,
  });
  const withCode = chatTemplate({
    name: "unittest-instruct",
    kind: "tests",
    extract: "unittest-class",
    user: `${base}\n\n### a solution to test\n\`\`\`python\n{code}\n\`\`\``,
  });
  return {
    ...withoutCode,
    render: (problem, options = {}) =>
      (options.code === undefined ? withoutCode : withCode).render(problem, options),
  };
})();

/**
 * LiveCodeBench's generic prompt for chat models (lcb_runner's code generation prompt): its system
 * message, then the question, the starter code to complete for a functional problem or the
 * instruction to read stdin and write stdout otherwise, and the answer cue. Its answers are read
 * by LiveCodeBench's own extraction (`livecodebench-code`).
 */
const liveCodeBenchTemplate: PromptTemplate = {
  name: "livecodebench",
  kind: "solution",
  mode: "chat",
  extract: "livecodebench-code",
  render(problem) {
    const starterCode = problem.metadata?.starterCode;
    const format =
      typeof starterCode === "string" && starterCode !== ""
        ? "### Format: You will use the following starter code to write the solution to the problem and enclose your code within delimiters.\n" +
          `\`\`\`python\n${starterCode}\n\`\`\`\n\n`
        : "### Format: Read the inputs from stdin solve the problem and write the answer to stdout (do not directly test on the sample inputs). Enclose your code within delimiters as follows. Ensure that when the python program runs, it reads the inputs, runs the algorithm and writes output to STDOUT.\n" +
          "```python\n# YOUR CODE HERE\n```\n\n";
    return {
      messages: [
        {
          role: "system",
          content:
            "You are an expert Python programmer. You will be given a question (problem specification) and will generate a correct Python program that matches the specification and passes all tests.",
        },
        {
          role: "user",
          content: `### Question:\n${problem.prompt}\n\n${format}### Answer: (use the provided format with backticks)\n\n`,
        },
      ],
    };
  },
};

/**
 * The built-in prompt templates, by name: `instruct`, `completion`, `livecodebench` and `multipl-e` write solutions;
 * `coderm-8b`, `codet` and `unittest-instruct` write tests.
 */
export const promptTemplates: Readonly<Record<string, PromptTemplate>> = Object.freeze({
  instruct: instructTemplate,
  completion: completionSolutionTemplate,
  livecodebench: liveCodeBenchTemplate,
  "multipl-e": multiplETemplate,
  "coderm-8b": codermTemplate,
  codet: codetTemplate,
  "unittest-instruct": unittestInstructTemplate,
});

/** The built-in template of that name; a `not-found` error lists the known names otherwise. */
export function getPromptTemplate(name: string): PromptTemplate {
  const template = Object.hasOwn(promptTemplates, name) ? promptTemplates[name] : undefined;
  if (template === undefined) {
    throw new CodermError(
      "not-found",
      `unknown prompt template "${name}"; known templates: ${Object.keys(promptTemplates).join(", ")}`,
      { details: { name, known: Object.keys(promptTemplates) } },
    );
  }
  return template;
}

const templateFileSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(["solution", "tests"]),
    mode: z.enum(["chat", "completion"]),
    system: z.string().optional(),
    user: z.string().optional(),
    prompt: z.string().optional(),
    stop: z.array(z.string().min(1)).optional(),
    extract: z
      .enum([
        "markdown-python",
        "codet-solution",
        "livecodebench-code",
        "codet-asserts",
        "unittest-class",
      ])
      .optional(),
  })
  .strict();

/** The contents of a prompt template file (see {@link loadPromptTemplate}). */
export type PromptTemplateFile = z.infer<typeof templateFileSchema>;

const defaultExtraction: Record<PromptTemplateKind, Record<PromptMode, ExtractionRule>> = {
  solution: { chat: "markdown-python", completion: "codet-solution" },
  tests: { chat: "unittest-class", completion: "codet-asserts" },
};

/**
 * Reads a user's prompt template from a JSON file:
 * `{name, kind, mode, system?, user? | prompt?, stop?, extract?}`. Chat templates have `user`
 * (and optionally `system`), completion templates `prompt`. The texts may hold `{question}`,
 * `{prompt}` (the problem's prompt), `{entry_point}` and `{code}`. `extract` defaults by kind and
 * mode: solution/chat `markdown-python`, solution/completion `codet-solution`, tests/chat
 * `unittest-class`, tests/completion `codet-asserts`. Errors name the file and the field.
 */
export async function loadPromptTemplate(file: string): Promise<PromptTemplate> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new CodermError("io-error", `cannot read the prompt template: ${String(cause)}`, {
      file,
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CodermError(
      "parse-error",
      `the prompt template is not JSON: ${(cause as Error).message}`,
      {
        file,
        cause,
      },
    );
  }
  const parsed = templateFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field =
      issue.code === "unrecognized_keys"
        ? issue.keys.join(", ")
        : issue.path.map(String).join(".") || undefined;
    throw new CodermError("invalid-input", issue.message, { file, field });
  }
  return promptTemplateFromFile(parsed.data, file);
}

function promptTemplateFromFile(data: PromptTemplateFile, file: string): PromptTemplate {
  const fieldError = (field: string, message: string) =>
    new CodermError("invalid-input", message, { file, field });
  const common = {
    name: data.name,
    kind: data.kind,
    extract: data.extract ?? defaultExtraction[data.kind][data.mode],
    ...(data.stop === undefined ? {} : { stop: data.stop }),
  };
  if (data.mode === "chat") {
    if (data.prompt !== undefined) {
      throw fieldError("prompt", 'a chat template has "user" (and "system"), not "prompt"');
    }
    if (data.user === undefined) throw fieldError("user", 'a chat template needs "user"');
    return chatTemplate({
      ...common,
      user: data.user,
      ...(data.system === undefined ? {} : { system: data.system }),
    });
  }
  for (const field of ["system", "user"] as const) {
    if (data[field] !== undefined) {
      throw fieldError(field, `a completion template has "prompt", not "${field}"`);
    }
  }
  if (data.prompt === undefined) throw fieldError("prompt", 'a completion template needs "prompt"');
  return completionTemplate({ ...common, prompt: data.prompt });
}
