import { type Candidate, CodermError, contentId, type Problem, type UnitTest } from "@coderm/core";
import { type JsonlWriter, readJsonl } from "@coderm/core/node";
import { z } from "zod";

/**
 * A string Python can receive: no lone UTF-16 surrogate (a `"\udc80"` escape that pairs with
 * nothing), which no UTF-8 text can carry, so it is refused when the file is read, not at run time.
 */
const text = z.string().refine((value) => value.isWellFormed(), {
  message: "holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not text",
});

const taskId = z.union([text.check(z.minLength(1)), z.number().int()]);

/**
 * A line of a candidates (solutions) file, the shape EvalPlus users know: a task id with a whole
 * `solution`, or a `completion` appended to the prompt. `coderm generate solutions` and
 * `coderm run` write it with the sample's index, the extraction rule and the finish reason.
 */
export const solutionRecordSchema = z
  .object({
    task_id: taskId,
    solution: text.optional(),
    completion: text.optional(),
    sample_index: z.number().int().nonnegative().optional(),
    /** The rule that read the code from the model's answer (`python-block`, `raw`, ...). */
    extraction: z.string().optional(),
    finish_reason: z.string().nullable().optional(),
  })
  .refine((record) => record.solution !== undefined || record.completion !== undefined, {
    message:
      "a sample needs a `solution` (the whole program) or a `completion` (appended to the prompt)",
    path: ["solution"],
  });
/** A line of a candidates file. */
export type SolutionRecord = z.input<typeof solutionRecordSchema>;

/** A line of a tests file: one generated unit test of a task, from test sample `sample_index`. */
export const testRecordSchema = z.object({
  task_id: taskId,
  test: text,
  kind: z.enum(["assert", "unittest"]).default("assert"),
  sample_index: z.number().int().nonnegative().optional(),
});
/** A line of a tests file. */
export type TestRecord = z.input<typeof testRecordSchema>;

/** A line of a `tests.unparsed.jsonl` file: a test generation that yielded no test, and why. */
export const unparsedRecordSchema = z.object({
  task_id: taskId,
  sample_index: z.number().int().nonnegative(),
  reason: z.string(),
  raw: z.string(),
});
/** A line of an unparsed-tests file. */
export type UnparsedRecord = z.infer<typeof unparsedRecordSchema>;

/**
 * The problem a record's task id names: the id itself, or for bare MBPP numbers `Mbpp/<id>`
 * (EvalPlus writes both).
 */
export function problemOfTask(
  problems: ReadonlyMap<string, Problem>,
  id: string | number,
): Problem | undefined {
  return problems.get(String(id)) ?? problems.get(`Mbpp/${id}`);
}

/** One program to judge against a problem's ground truth. */
export interface Sample {
  /** Position in the input, from 0. */
  index: number;
  taskId: string;
  /** The whole program: a `solution`, or the problem's prompt followed by a `completion`. */
  program: string;
}

/**
 * Reads a candidates file (plain or gzipped). A line whose task is not among `problems`, or that
 * is malformed, is an error naming the file and line; with `onError` it is reported there and
 * skipped instead.
 */
export async function* readSamples(
  path: string,
  problems: ReadonlyMap<string, Problem>,
  onError?: (error: CodermError) => void,
): AsyncGenerator<Sample> {
  let index = 0;
  for await (const { value, line } of readJsonl(path, {
    schema: solutionRecordSchema,
    ...(onError ? { onError } : {}),
  })) {
    const problem = problemOfTask(problems, value.task_id);
    if (problem === undefined) {
      const error = unknownTask(value.task_id, path, line);
      if (onError === undefined) throw error;
      onError(error);
      continue;
    }
    const program = value.solution ?? problem.prompt + value.completion!;
    yield { index: index++, taskId: problem.id, program };
  }
}

/** A test read from a tests file, with its line. */
export interface TestLine {
  test: UnitTest;
  line: number;
}

/**
 * Reads a tests file; malformed lines and unknown tasks go to `onError` (with file, line and
 * field) and are skipped.
 */
export async function* readTests(
  path: string,
  problems: ReadonlyMap<string, Problem>,
  onError: (error: CodermError) => void,
): AsyncGenerator<TestLine> {
  for await (const { value, line } of readJsonl(path, { schema: testRecordSchema, onError })) {
    const problem = problemOfTask(problems, value.task_id);
    if (problem === undefined) {
      onError(unknownTask(value.task_id, path, line));
      continue;
    }
    yield { line, test: testOfRecord(problem.id, value) };
  }
}

/** The candidate of a solution record (sample `sampleIndex` of its problem). */
export function candidateOfRecord(
  problemId: string,
  program: string,
  sampleIndex: number,
): Candidate {
  return { id: contentId(program), problemId, code: program, source: { sampleIndex } };
}

/** The unit test of a test record. */
export function testOfRecord(problemId: string, record: TestRecord): UnitTest {
  return {
    id: contentId(record.test),
    problemId,
    kind: record.kind ?? "assert",
    code: record.test,
    ...(record.sample_index === undefined ? {} : { source: { sampleIndex: record.sample_index } }),
  };
}

/** Writes records to a JSONL writer, checked against their schema first. */
export async function writeRecords<T>(
  writer: JsonlWriter,
  schema: z.ZodType<unknown, T>,
  records: readonly T[],
): Promise<void> {
  for (const record of records) {
    schema.parse(record);
    await writer.write(record as never);
  }
}

function unknownTask(id: string | number, file: string, line: number): CodermError {
  return new CodermError("invalid-input", `unknown task id "${id}"`, {
    file,
    line,
    field: "task_id",
  });
}
