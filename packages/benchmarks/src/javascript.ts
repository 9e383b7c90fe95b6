import { CodermError, contentId, type Language, type Problem } from "@coderm/core";
import { readJsonl } from "@coderm/core/node";
import { z } from "zod";

const humanEvalXSchema = z.object({
  task_id: z.string().min(1),
  prompt: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
});

const multiplESchema = z.object({
  name: z.string().min(1),
  prompt: z.string(),
  tests: z.string(),
  stop_tokens: z.array(z.string()),
});

/**
 * Reads HumanEval-X JavaScript (humaneval_js.jsonl, plain or gzipped). The test is a script to run
 * after the candidate; it checks with `console.assert`, which prints rather than throws, so an
 * executor must make a failed `console.assert` fail the test.
 */
export async function readHumanEvalX(path: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const { value, line } of readJsonl(path, { schema: humanEvalXSchema })) {
    problems.push({
      id: value.task_id,
      prompt: value.prompt,
      entryPoint: lastFunctionName(value.prompt, path, line),
      language: "javascript",
      canonicalSolution: value.prompt + value.canonical_solution,
      tests: [scriptTest(value.task_id, value.test)],
    });
  }
  return problems;
}

/**
 * Reads MultiPL-E HumanEval prompts (humaneval-js.jsonl or humaneval-ts.jsonl). The test is a
 * script to run after the candidate, checking with `node:assert`; there is no canonical
 * solution. `metadata.stopTokens` holds MultiPL-E's stop sequences for generation.
 */
export async function readMultiplE(path: string, language: Language): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const { value, line } of readJsonl(path, { schema: multiplESchema })) {
    problems.push({
      id: value.name,
      prompt: value.prompt,
      entryPoint: lastFunctionName(value.prompt, path, line),
      language,
      tests: [scriptTest(value.name, value.tests)],
      metadata: { stopTokens: value.stop_tokens },
    });
  }
  return problems;
}

function scriptTest(problemId: string, code: string) {
  return { kind: "assert" as const, id: contentId(code), problemId, code };
}

/** The function a prompt ends with: the last `function name(` or `const name =` at a line start. */
function lastFunctionName(prompt: string, file: string, line: number): string {
  const names = [...prompt.matchAll(/^\s*(?:function\s+([\w$]+)\s*\(|const\s+([\w$]+)\s*=)/gm)];
  const last = names.at(-1);
  if (last === undefined) {
    throw new CodermError("invalid-input", "the prompt declares no function", { file, line });
  }
  return (last[1] ?? last[2])!;
}
