import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { parse } from "smol-toml";
import { z } from "zod";
import { type TestDeltas, testDeltas } from "./deltas.js";

const mutantsSchema = z
  .union([z.record(z.string(), z.string()), z.array(z.never())])
  .default({})
  .transform((value) => (Array.isArray(value) ? {} : value));

const suiteSchema = z.object({
  coverage_ratio: z.number().optional(),
  coverage: z.array(z.number().int()).default([]),
  coverage_missed: z.array(z.number().int()).default([]),
  mutation_kill_rate: z.number().optional(),
  mutants: mutantsSchema,
});

const sampleSchema = z.object({
  lang_info: z.object({ lang: z.enum(["Python", "Java", "Go"]) }),
  repo_info: z.object({ repository: z.string() }),
  input_info: suiteSchema.extend({
    existing_test_cases_code: z.string(),
    focal_file_content: z.string(),
    focal_file_path: z.string(),
    test_case_name: z.string(),
    test_file_content: z.string(),
    test_file_path: z.string(),
    new_test_dependencies: z.string().default(""),
  }),
  test_case_info: z.object({
    syntax_status: z.boolean(),
    subset: z.string(),
    correctness: z.boolean(),
  }),
  existing_test_cases: suiteSchema,
  target_deltas: z.object({ coverage: z.number(), mutation: z.number() }),
  diff_info: z.object({ diff: z.string() }).optional(),
});

/** A language of RM-RF's samples. */
export type RmrfLanguage = "Python" | "Java" | "Go";

/** One suite run as an RM-RF sample stores it: lines (0-based) and each mutant's status. */
export interface RmrfSuiteRun {
  covered: number[];
  missed: number[];
  /** The mutation tool's status of each mutant, by mutant id, as the tool wrote it. */
  mutants: Record<string, string>;
}

/** One RM-RF sample: a candidate test added to a focal file's suite, and its stored labels. */
export interface RmrfSample {
  file: string;
  language: RmrfLanguage;
  repository: string;
  focal: { path: string; content: string };
  test: { name: string; path: string; content: string; existingCode: string; dependencies: string };
  /** The new test's run alone, and the existing suite's. */
  candidate: RmrfSuiteRun;
  existing: RmrfSuiteRun;
  syntaxOk: boolean;
  /** RM-RF's subset (`human_correct`, `generated_broken`, ...). */
  subset: string;
  correct: boolean;
  /** The stored float deltas. */
  targets: { coverage: number; mutation: number };
}

/**
 * The statuses each language's mutation tool gives a killed mutant, as RM-RF's labels count them
 * (checked against every dev sample): mutpy's `killed`, `timeout` and `incompetent` (a mutant
 * that does not even run counts as killed in the stored rates), PIT's `KILLED` and `TIMED_OUT`,
 * go-mutesting's `PASS` (the mutation test passed: the mutant was caught).
 */
export const killedStatuses: Readonly<Record<RmrfLanguage, ReadonlySet<string>>> = {
  Python: new Set(["killed", "timeout", "incompetent"]),
  Java: new Set(["KILLED", "TIMED_OUT"]),
  Go: new Set(["PASS"]),
};

/** Parses an RM-RF sample (its TOML format); errors name the file and the field. */
export function parseRmrfSample(text: string, file: string): RmrfSample {
  let data: unknown;
  try {
    data = parse(text);
  } catch (cause) {
    throw new CodermError("parse-error", `not valid TOML (${(cause as Error).message})`, {
      file,
      cause,
    });
  }
  const parsed = sampleSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CodermError("invalid-input", issue.message, {
      file,
      field: issue.path.join("."),
      cause: parsed.error,
    });
  }
  const sample = parsed.data;
  const run = (suite: z.output<typeof suiteSchema>): RmrfSuiteRun => ({
    covered: suite.coverage,
    missed: suite.coverage_missed,
    mutants: suite.mutants,
  });
  const input = sample.input_info;
  return {
    file,
    language: sample.lang_info.lang,
    repository: sample.repo_info.repository,
    focal: { path: input.focal_file_path, content: input.focal_file_content },
    test: {
      name: input.test_case_name,
      path: input.test_file_path,
      content: input.test_file_content,
      existingCode: input.existing_test_cases_code,
      dependencies: input.new_test_dependencies,
    },
    candidate: run(input),
    existing: run(sample.existing_test_cases),
    syntaxOk: sample.test_case_info.syntax_status,
    subset: sample.test_case_info.subset,
    correct: sample.test_case_info.correctness,
    targets: sample.target_deltas,
  };
}

/** Reads an RM-RF sample file (see {@link parseRmrfSample}). */
export async function readRmrfSample(file: string): Promise<RmrfSample> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new CodermError("io-error", `cannot read: ${String(cause)}`, { file, cause });
  }
  return parseRmrfSample(text, file);
}

/**
 * A sample's deltas recomputed from its stored runs: the executable lines are the existing
 * suite's covered and missed lines, the mutants every id either run reports, killed as the
 * sample's language counts it (see {@link killedStatuses}).
 */
export function rmrfSampleDeltas(sample: RmrfSample): TestDeltas {
  const killedWords = killedStatuses[sample.language];
  const killed = (run: RmrfSuiteRun) =>
    new Set(Object.keys(run.mutants).filter((id) => killedWords.has(run.mutants[id]!)));
  return testDeltas({
    executableLines: new Set([...sample.existing.covered, ...sample.existing.missed]),
    mutants: new Set([
      ...Object.keys(sample.existing.mutants),
      ...Object.keys(sample.candidate.mutants),
    ]),
    existing: { covered: new Set(sample.existing.covered), killed: killed(sample.existing) },
    candidate: { covered: new Set(sample.candidate.covered), killed: killed(sample.candidate) },
    runsCorrectly: sample.correct,
  });
}

/** What {@link readRmrfSamples} read: the samples, and the files it could not read. */
export interface RmrfSampleFiles {
  samples: RmrfSample[];
  /** One error a file that is not a readable sample (it names the file and the field). */
  errors: CodermError[];
}

/**
 * Reads RM-RF samples from files and directories (every `.toml` below a directory, in name
 * order). A file that does not read is reported in `errors` and the others are still read.
 */
export async function readRmrfSamples(paths: readonly string[]): Promise<RmrfSampleFiles> {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (cause) {
      throw new CodermError("io-error", `cannot read: ${String(cause)}`, { file: path, cause });
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((entry) => entry.isFile() && entry.name.endsWith(".toml"))
        .map((entry) => join(entry.parentPath, entry.name))
        .sort(),
    );
  }
  const samples: RmrfSample[] = [];
  const errors: CodermError[] = [];
  for (const file of files) {
    try {
      samples.push(await readRmrfSample(file));
    } catch (error) {
      if (!CodermError.isInstance(error)) throw error;
      errors.push(error);
    }
  }
  return { samples, errors };
}
