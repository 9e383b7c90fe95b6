import { text } from "node:stream/consumers";
import { CodermError, contentId, type Problem } from "@coderm/core";
import { openDecompressed } from "@coderm/core/node";
import { z } from "zod";

const mbppSchema = z.array(
  z.object({
    task_id: z.number().int(),
    prompt: z.string(),
    code: z.string(),
    test_imports: z.array(z.string()),
    test_list: z.array(z.string()).min(1),
  }),
);

/**
 * Reads sanitized MBPP (sanitized-mbpp.json, plain or gzipped). Ids are `Mbpp/<task_id>` as in
 * MBPP+. The entry point is the function of the reference code that the first test calls. Each
 * assertion becomes an `assert` test with the task's `test_imports` (such as `import math`) above
 * it, so it runs on its own whatever the candidate imports.
 */
export async function readMbpp(path: string): Promise<Problem[]> {
  let data: unknown;
  try {
    data = JSON.parse(await text(await openDecompressed(path)));
  } catch (cause) {
    if (CodermError.isInstance(cause)) throw cause;
    throw new CodermError("parse-error", `not valid JSON (${(cause as Error).message})`, {
      file: path,
      cause,
    });
  }
  const parsed = mbppSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CodermError("invalid-input", issue.message, {
      file: path,
      field: issue.path.join("."),
      cause: parsed.error,
    });
  }
  return parsed.data.map((task) => {
    const id = `Mbpp/${task.task_id}`;
    const entryPoint = [...task.code.matchAll(/^def\s+(\w+)\s*\(/gm)]
      .map((match) => match[1]!)
      .find((name) => new RegExp(`\\b${name}\\s*\\(`).test(task.test_list[0]!));
    if (entryPoint === undefined) {
      throw new CodermError(
        "invalid-input",
        "no function of the code is called by the first test",
        {
          file: path,
          item: id,
        },
      );
    }
    return {
      id,
      prompt: task.prompt,
      entryPoint,
      language: "python",
      canonicalSolution: task.code,
      tests: task.test_list.map((assertion) => {
        const code = [...task.test_imports, assertion].join("\n");
        return { kind: "assert", id: contentId(code), problemId: id, code };
      }),
    };
  });
}
