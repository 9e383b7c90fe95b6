import { inflateSync } from "node:zlib";
import {
  CodermError,
  jsonContentId,
  type Problem,
  type PythonValue,
  parsePythonJson,
  type UnitTest,
} from "@coderm/core";
import { readJsonl } from "@coderm/core/node";
import { z } from "zod";

/**
 * LiveCodeBench's `code_generation_lite` files in release order: release N added `test<N>.jsonl`
 * (`test.jsonl` for the first).
 */
export const liveCodeBenchFiles = [
  "test.jsonl",
  "test2.jsonl",
  "test3.jsonl",
  "test4.jsonl",
  "test5.jsonl",
  "test6.jsonl",
] as const;

/**
 * The files of a LiveCodeBench version tag, as its loader reads them: `release_vN` is every
 * problem up to release N, `release_latest` every release, `vN` only the problems release N
 * added, and `vN_vM` those releases N to M added.
 */
export function liveCodeBenchReleaseFiles(tag: string): string[] {
  const count = liveCodeBenchFiles.length;
  const release = (text: string) => {
    const number = Number(text);
    return Number.isInteger(number) && number >= 1 && number <= count ? number : undefined;
  };
  let range: [number, number] | undefined;
  if (tag === "release_latest") range = [1, count];
  const cumulative = /^release_v(\d+)$/.exec(tag);
  if (cumulative) {
    const last = release(cumulative[1]!);
    if (last !== undefined) range = [1, last];
  }
  const span = /^v(\d+)(?:_v(\d+))?$/.exec(tag);
  if (span) {
    const first = release(span[1]!);
    const last = release(span[2] ?? span[1]!);
    if (first !== undefined && last !== undefined && first <= last) range = [first, last];
  }
  if (range === undefined) {
    throw new CodermError(
      "invalid-input",
      `unknown LiveCodeBench version tag "${tag}": expected release_v1 … release_v${count}, release_latest, v1 … v${count} or vN_vM`,
      { field: "release" },
    );
  }
  return liveCodeBenchFiles.slice(range[0] - 1, range[1]);
}

/** One LiveCodeBench test case, as the dataset stores it (text in, text out). */
export interface LiveCodeBenchTestCase {
  /** Standard input (`stdin`), or one JSON value a line: the method's arguments (`functional`). */
  input: string;
  /** Expected standard output (`stdin`), or the JSON of the method's return value. */
  output: string;
  testtype: "stdin" | "functional";
}

const testCasesSchema = z.array(
  z
    .object({
      input: z.string(),
      output: z.string(),
      testtype: z.enum(["stdin", "functional"]),
    })
    .strip(),
);

const PICKLE = {
  proto: 0x80,
  frame: 0x95,
  shortBinUnicode: 0x8c,
  binUnicode: 0x58,
  binUnicode8: 0x8d,
  memoize: 0x94,
  binPut: 0x71,
  longBinPut: 0x72,
  stop: 0x2e,
} as const;

/**
 * Reads a pickle that holds one `str` and nothing else (what LiveCodeBench stores), without any
 * general unpickling: only the opcodes of a pickled string are accepted, so no object is built
 * and no code runs. Any other opcode is an error that names it and its offset.
 */
export function readPickledString(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let value: string | undefined;
  const need = (count: number) => {
    if (offset + count > bytes.length) {
      throw new CodermError("parse-error", `pickle ends inside an opcode at byte ${offset}`);
    }
  };
  const length8 = () => {
    need(8);
    const length = view.getBigUint64(offset, true);
    offset += 8;
    if (length > BigInt(bytes.length)) {
      throw new CodermError("parse-error", `pickle length ${length} runs past its end`);
    }
    return Number(length);
  };
  const text = (length: number) => {
    need(length);
    if (value !== undefined) {
      throw new CodermError("parse-error", `pickle holds more than one string (byte ${offset})`);
    }
    value = new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(offset, offset + length),
    );
    offset += length;
  };
  while (offset < bytes.length) {
    const at = offset;
    const opcode = bytes[offset++]!;
    switch (opcode) {
      case PICKLE.proto:
        need(1);
        offset += 1;
        break;
      case PICKLE.frame:
        length8();
        break;
      case PICKLE.shortBinUnicode:
        need(1);
        text(bytes[offset++]!);
        break;
      case PICKLE.binUnicode: {
        need(4);
        const length = view.getUint32(offset, true);
        offset += 4;
        text(length);
        break;
      }
      case PICKLE.binUnicode8:
        text(length8());
        break;
      case PICKLE.memoize:
        break;
      case PICKLE.binPut:
        need(1);
        offset += 1;
        break;
      case PICKLE.longBinPut:
        need(4);
        offset += 4;
        break;
      case PICKLE.stop:
        if (value === undefined || offset !== bytes.length) {
          throw new CodermError(
            "parse-error",
            `pickle stops at byte ${at} without exactly one string`,
          );
        }
        return value;
      default:
        throw new CodermError(
          "parse-error",
          `pickle opcode 0x${opcode.toString(16).padStart(2, "0")} at byte ${at} is not part of a pickled string; refusing to unpickle anything else`,
        );
    }
  }
  throw new CodermError("parse-error", "pickle has no STOP opcode");
}

/**
 * Decodes a test-case list as LiveCodeBench does: JSON text, or else base64 of zlib of a pickled
 * JSON string (its private tests). The pickle is read by {@link readPickledString}, never
 * unpickled.
 */
export function decodeLiveCodeBenchTestCases(text: string): LiveCodeBenchTestCase[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    let inflated: Buffer;
    try {
      inflated = inflateSync(Buffer.from(text, "base64"));
    } catch (cause) {
      throw new CodermError(
        "parse-error",
        `test cases are neither JSON nor base64 zlib data (${(cause as Error).message})`,
        { cause },
      );
    }
    try {
      data = JSON.parse(readPickledString(inflated));
    } catch (cause) {
      if (CodermError.isInstance(cause)) throw cause;
      throw new CodermError("parse-error", "the pickled test cases are not JSON", { cause });
    }
  }
  const parsed = testCasesSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CodermError("invalid-input", `test cases: ${issue.message}`, {
      field: issue.path.join("."),
      cause: parsed.error,
    });
  }
  return parsed.data;
}

const recordSchema = z
  .object({
    question_title: z.string(),
    question_content: z.string(),
    platform: z.enum(["leetcode", "codeforces", "atcoder"]),
    question_id: z.string().min(1),
    contest_id: z.string(),
    contest_date: z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
      message: "not an ISO date",
    }),
    starter_code: z.string(),
    difficulty: z.enum(["easy", "medium", "hard"]),
    public_test_cases: z.string(),
    private_test_cases: z.string(),
    metadata: z.string(),
  })
  .strip();

/** One LiveCodeBench problem with its test cases decoded. */
export interface LiveCodeBenchProblem {
  questionId: string;
  title: string;
  content: string;
  platform: "leetcode" | "codeforces" | "atcoder";
  contestId: string;
  /** When the contest took place (LiveCodeBench's date windows compare this). */
  contestDate: Date;
  difficulty: "easy" | "medium" | "hard";
  starterCode: string;
  /** The method a functional problem's tests call on `Solution()`. */
  functionName?: string;
  publicTests: LiveCodeBenchTestCase[];
  privateTests: LiveCodeBenchTestCase[];
}

/** A date window: problems whose contest date lies in [since, until], both inclusive. */
export interface LiveCodeBenchWindow {
  /** `YYYY-MM-DD`: problems from that day's midnight on. */
  since?: string;
  /** `YYYY-MM-DD`: problems up to that day's midnight, as LiveCodeBench compares. */
  until?: string;
}

function windowBound(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const time = match ? Date.parse(`${value}T00:00:00`) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new CodermError("invalid-input", `${field} "${value}" is not a YYYY-MM-DD date`, {
      field,
    });
  }
  return time;
}

/**
 * Reads LiveCodeBench `code_generation_lite` files (JSON Lines; plain or gzipped), keeping the
 * problems inside the date window. Contest dates without a zone are read as local time on both
 * sides of the comparison, as LiveCodeBench's naive datetimes are. A bad record or test-case list
 * is an error naming the file and line.
 */
export async function readLiveCodeBench(
  paths: readonly string[],
  window: LiveCodeBenchWindow = {},
): Promise<LiveCodeBenchProblem[]> {
  const since = windowBound(window.since, "since");
  const until = windowBound(window.until, "until");
  const problems: LiveCodeBenchProblem[] = [];
  for (const path of paths) {
    for await (const { value, line } of readJsonl(path, { schema: recordSchema })) {
      const contestDate = new Date(value.contest_date);
      const time = contestDate.getTime();
      if ((since !== undefined && time < since) || (until !== undefined && time > until)) continue;
      const decode = (text: string, field: string) => {
        try {
          return decodeLiveCodeBenchTestCases(text);
        } catch (cause) {
          const error = cause as CodermError;
          throw new CodermError(error.code, `${field}: ${error.message}`, {
            file: path,
            line,
            field,
            cause,
          });
        }
      };
      let metadata: { func_name?: unknown };
      try {
        metadata = JSON.parse(value.metadata) as { func_name?: unknown };
      } catch (cause) {
        throw new CodermError("parse-error", "metadata is not JSON", {
          file: path,
          line,
          field: "metadata",
          cause,
        });
      }
      problems.push({
        questionId: value.question_id,
        title: value.question_title,
        content: value.question_content,
        platform: value.platform,
        contestId: value.contest_id,
        contestDate,
        difficulty: value.difficulty,
        starterCode: value.starter_code,
        ...(typeof metadata.func_name === "string" ? { functionName: metadata.func_name } : {}),
        publicTests: decode(value.public_test_cases, "public_test_cases"),
        privateTests: decode(value.private_test_cases, "private_test_cases"),
      });
    }
  }
  return problems;
}

function parseFunctionalValue(text: string, id: string, what: string): PythonValue {
  try {
    return parsePythonJson(text);
  } catch (cause) {
    throw new CodermError("parse-error", `${id}: a functional test's ${what} is not JSON`, {
      item: id,
      cause,
    });
  }
}

/**
 * A LiveCodeBench problem as a coderm problem: its public then private test cases, judged under
 * the `livecodebench` convention (its prelude runs before the program). A stdin case becomes a
 * `stdio` test (LiveCodeBench's stdout rule); a functional case becomes a `call` test of
 * `Solution().<func_name>` with one JSON argument a line of its input, read as Python's `json`
 * reads them (`2.0` stays a float), compared with plain `==` after a tuple becomes a list.
 */
export function liveCodeBenchToProblem(problem: LiveCodeBenchProblem): Problem {
  const id = `LiveCodeBench/${problem.questionId}`;
  const cases = [...problem.publicTests, ...problem.privateTests];
  const functionName = problem.functionName;
  const tests = cases.map((testCase): UnitTest => {
    if (testCase.testtype === "stdin") {
      const test = {
        stdin: testCase.input,
        expectedStdout: testCase.output,
        convention: "livecodebench" as const,
      };
      return { kind: "stdio", id: jsonContentId(test), problemId: id, ...test };
    }
    if (functionName === undefined) {
      throw new CodermError(
        "invalid-input",
        `${id} has functional tests but no func_name in its metadata`,
        { item: id, field: "metadata" },
      );
    }
    const test = {
      entryPoint: functionName,
      args: testCase.input.split("\n").map((line) => parseFunctionalValue(line, id, "input")),
      expected: parseFunctionalValue(testCase.output, id, "output"),
      convention: "livecodebench" as const,
    };
    return { kind: "call", id: jsonContentId(test), problemId: id, ...test };
  });
  return {
    id,
    prompt: problem.content,
    entryPoint: functionName ?? "",
    language: "python",
    tests,
    metadata: {
      title: problem.title,
      platform: problem.platform,
      contestId: problem.contestId,
      contestDate: problem.contestDate.toISOString(),
      difficulty: problem.difficulty,
      starterCode: problem.starterCode,
    },
  };
}
