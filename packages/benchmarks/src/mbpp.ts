import { text } from "node:stream/consumers";
import { CodermError, contentId, type Problem } from "@coderm/core";
import { openDecompressed } from "@coderm/core/node";
import { z } from "zod";

/**
 * How an MBPP problem is put to a model:
 * - `evalplus`: EvalPlus's (and CodeRM-8B's) prompt, a docstring holding the description, its
 *   web links removed, and the first test: `"""\n<description>\n<first assert>\n"""\n`. This
 *   is MBPP+'s `prompt` field for the tasks the two share.
 * - `codet`: CodeT's, the reference code up to its first `def` line followed by the description
 *   as a `'''` docstring; a completion continues the function's body. CodeT takes that first
 *   function as the entry point, which in 12 sanitized tasks is a helper the tested function
 *   calls; so does this style.
 */
export type MbppPromptStyle = "evalplus" | "codet";

/** The prompt styles of MBPP, for option choices. */
export const mbppPromptStyles: readonly MbppPromptStyle[] = ["evalplus", "codet"];

interface MbppTask {
  id: string;
  description: string;
  code: string;
  /** Lines every test runs after (sanitized MBPP's `test_imports`, MBPP's `test_setup_code`). */
  setup: string[];
  tests: string[];
  split?: string;
}

const sanitizedSchema = z.array(
  z.object({
    task_id: z.number().int(),
    prompt: z.string(),
    code: z.string(),
    test_imports: z.array(z.string()),
    test_list: z.array(z.string()).min(1),
  }),
);

const fullSchema = z.object({
  task_id: z.number().int(),
  text: z.string(),
  code: z.string(),
  test_setup_code: z.string(),
  test_list: z.array(z.string()).min(1),
  challenge_test_list: z.array(z.string()).optional(),
});

function invalid(path: string, error: z.ZodError, line?: number): CodermError {
  const issue = error.issues[0]!;
  return new CodermError("invalid-input", issue.message, {
    file: path,
    ...(line === undefined ? {} : { line }),
    field: issue.path.join("."),
    cause: error,
  });
}

function parseJson(content: string, path: string, line?: number): unknown {
  try {
    return JSON.parse(content);
  } catch (cause) {
    throw new CodermError("parse-error", `not valid JSON (${(cause as Error).message})`, {
      file: path,
      ...(line === undefined ? {} : { line }),
      cause,
    });
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await text(await openDecompressed(path));
  } catch (cause) {
    if (CodermError.isInstance(cause)) throw cause;
    throw new CodermError("io-error", `cannot read: ${String(cause)}`, { file: path, cause });
  }
}

/** MBPP's original split of a task id: prompt 1–10, test 11–510, validation 511–600, train 601–974. */
function mbppSplit(taskId: number): string {
  if (taskId <= 10) return "prompt";
  if (taskId <= 510) return "test";
  if (taskId <= 600) return "validation";
  return "train";
}

function evalPlusPrompt(task: MbppTask): string {
  const description = task.description.replace(/https?:\/\/\S+/g, "");
  return `"""\n${description}\n${task.tests[0]}\n"""\n`;
}

function toProblem(task: MbppTask, style: MbppPromptStyle, path: string): Problem {
  const code = task.code.replace(/\r\n/g, "\n");
  const tests = task.tests.map((assertion) => {
    const testCode = [...task.setup, assertion].join("\n");
    return { kind: "assert" as const, id: contentId(testCode), problemId: task.id, code: testCode };
  });
  const metadata = task.split === undefined ? {} : { metadata: { split: task.split } };
  if (style === "codet") {
    const firstDef = /^def ([^(]*)\(.*$/m.exec(code);
    if (firstDef === null) {
      throw new CodermError("invalid-input", "the reference code defines no function", {
        file: path,
        item: task.id,
        field: "code",
      });
    }
    const end = firstDef.index + firstDef[0].length;
    return {
      id: task.id,
      prompt: `${code.slice(0, end)}\n    '''\n    ${task.description}\n    '''\n`,
      entryPoint: firstDef[1]!.trim(),
      language: "python",
      canonicalSolution: code,
      tests,
      ...metadata,
    };
  }
  const entryPoint = [...code.matchAll(/^def\s+(\w+)\s*\(/gm)]
    .map((match) => match[1]!)
    .find((name) => new RegExp(`\\b${name}\\s*\\(`).test(task.tests[0]!));
  if (entryPoint === undefined) {
    throw new CodermError("invalid-input", "no function of the code is called by the first test", {
      file: path,
      item: task.id,
    });
  }
  return {
    id: task.id,
    prompt: evalPlusPrompt(task),
    entryPoint,
    language: "python",
    canonicalSolution: code,
    tests,
    ...metadata,
  };
}

/**
 * Reads sanitized MBPP (sanitized-mbpp.json, plain or gzipped). Ids are `Mbpp/<task_id>` as in
 * MBPP+. The entry point is the function of the reference code that the first test calls (in the
 * `evalplus` style). Each assertion becomes an `assert` test with the task's `test_imports` (such
 * as `import math`) above it, so it runs on its own whatever the candidate imports.
 */
export async function readMbpp(
  path: string,
  style: MbppPromptStyle = "evalplus",
): Promise<Problem[]> {
  const parsed = sanitizedSchema.safeParse(parseJson(await readText(path), path));
  if (!parsed.success) throw invalid(path, parsed.error);
  return parsed.data.map((task) =>
    toProblem(
      {
        id: `Mbpp/${task.task_id}`,
        description: task.prompt,
        code: task.code,
        setup: task.test_imports,
        tests: task.test_list,
      },
      style,
      path,
    ),
  );
}

/**
 * Reads the original MBPP (mbpp.jsonl: 974 tasks, one JSON object a line). Every task is kept,
 * with its original split in `metadata.split` (`test` is tasks 11–510, the 500 that papers
 * report on). Each of `test_list` becomes an `assert` test after the task's `test_setup_code`;
 * `challenge_test_list` is not part of the ground truth, as in MBPP's own evaluation. Errors name
 * the file, line and field.
 */
export async function readMbppFull(
  path: string,
  style: MbppPromptStyle = "evalplus",
): Promise<Problem[]> {
  const lines = (await readText(path)).split("\n");
  const problems: Problem[] = [];
  lines.forEach((content, index) => {
    if (content.trim() === "") return;
    const line = index + 1;
    const parsed = fullSchema.safeParse(parseJson(content, path, line));
    if (!parsed.success) throw invalid(path, parsed.error, line);
    const task = parsed.data;
    const setup = task.test_setup_code.replace(/\r\n/g, "\n").trim();
    problems.push(
      toProblem(
        {
          id: `Mbpp/${task.task_id}`,
          description: task.text,
          code: task.code,
          setup: setup === "" ? [] : [setup],
          tests: task.test_list,
          split: mbppSplit(task.task_id),
        },
        style,
        path,
      ),
    );
  });
  return problems;
}
