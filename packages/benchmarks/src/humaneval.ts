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

/** A HumanEval record as a problem whose one ground-truth test is its `check(candidate)`. */
function humanEvalProblem(record: z.infer<typeof humanEvalRecordSchema>): Problem {
  return {
    id: record.task_id,
    prompt: record.prompt,
    entryPoint: record.entry_point,
    language: "python",
    canonicalSolution: record.prompt + record.canonical_solution,
    tests: [
      {
        kind: "check",
        id: contentId(record.test),
        problemId: record.task_id,
        code: record.test,
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
