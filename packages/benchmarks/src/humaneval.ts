import { contentId, type Problem } from "@coderm/core";
import { readJsonl } from "@coderm/core/node";
import { z } from "zod";

/** A line of HumanEval.jsonl (and of CodeT's HumanEval files, which share its fields). */
const humanEvalRecordSchema = z.object({
  task_id: z.string().min(1),
  prompt: z.string(),
  entry_point: z.string().min(1),
  canonical_solution: z.string(),
  test: z.string(),
});

/** A top-level statement of a prompt: its first line's kind and name, and its text. */
interface PromptBlock {
  readonly head: string;
  readonly text: string;
}

/** Splits Python source into top-level statements (a decorator stays with what it decorates). */
function topLevelBlocks(source: string): PromptBlock[] {
  const blocks: { head: string; lines: string[] }[] = [];
  let decorators: string[] = [];
  for (const line of source.split("\n")) {
    const topLevel = /^[^\s#]/.test(line);
    if (topLevel && line.startsWith("@")) {
      decorators.push(line);
    } else if (topLevel) {
      blocks.push({ head: line, lines: [...decorators, line] });
      decorators = [];
    } else if (blocks.length > 0 && decorators.length === 0) {
      blocks[blocks.length - 1]!.lines.push(line);
    }
  }
  return blocks.map((block) => ({ head: block.head, text: block.lines.join("\n").trimEnd() }));
}

/**
 * The helper definitions of a HumanEval prompt that its `check` test calls (`poly` in
 * HumanEval/32, `encode_cyclic` in /38, `encode_shift` in /50), with the prompt's top-level
 * imports, as test code; or "" when the test calls none. Taken from the prompt, so the test runs
 * the benchmark's helpers rather than whatever the candidate program binds to those names.
 */
function promptHelpers(prompt: string, entryPoint: string, test: string): string {
  const imports: string[] = [];
  const definitions: string[] = [];
  const used: string[] = [];
  for (const block of topLevelBlocks(prompt)) {
    if (/^(import|from)\s/.test(block.head)) {
      imports.push(block.text);
      continue;
    }
    const name = /^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)/.exec(block.head)?.[1];
    if (name === undefined || name === entryPoint) continue;
    definitions.push(block.text);
    if (new RegExp(`\\b${name}\\b`).test(test)) used.push(name);
  }
  if (used.length === 0) return "";
  return `${[...imports, ...definitions].join("\n\n")}\n\n`;
}

/** A HumanEval record as a problem whose one ground-truth test is its `check(candidate)`. */
function humanEvalProblem(record: z.infer<typeof humanEvalRecordSchema>): Problem {
  // the prompt's helpers go in front of the test: in the test server they rebind the names the
  // candidate's program gave them
  const code = promptHelpers(record.prompt, record.entry_point, record.test) + record.test;
  return {
    id: record.task_id,
    prompt: record.prompt,
    entryPoint: record.entry_point,
    language: "python",
    canonicalSolution: record.prompt + record.canonical_solution,
    tests: [
      {
        kind: "check",
        id: contentId(code),
        problemId: record.task_id,
        code,
        entryPoint: record.entry_point,
      },
    ],
  };
}

/** Reads HumanEval problems from a HumanEval.jsonl file (plain or gzipped). */
export async function readHumanEval(path: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  for await (const { value } of readJsonl(path, { schema: humanEvalRecordSchema })) {
    problems.push(humanEvalProblem(value));
  }
  return problems;
}
