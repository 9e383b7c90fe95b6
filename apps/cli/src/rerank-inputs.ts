import {
  codetPackedSuiteFailures,
  compilesInPython,
  loadProblems,
  loadSampleSet,
  readSamples,
} from "@coderm/benchmarks";
import {
  type Candidate,
  CodermError,
  contentId,
  type Problem,
  readJsonl,
  type UnitTest,
} from "@coderm/core";
import type { RerankInput } from "@coderm/reward-tests";
import { z } from "zod";
import type { InputError } from "./rerank-report.js";

/** Where rerank's inputs come from. */
export interface RerankSource {
  /** A released sample set (the default: CodeT's HumanEval CodeGen-16B set). */
  dataset?: string;
  /** Problems from a benchmark, for file inputs. */
  benchmark?: string;
  candidatesFile?: string;
  testsFile?: string;
  testsPerSample: number;
  /** Only the first N problems, with their candidates and tests. */
  limit?: number;
}

const testLineSchema = z.object({
  task_id: z.union([z.string().min(1), z.number().int()]),
  test: z.string(),
  kind: z.enum(["assert", "unittest"]).default("assert"),
  sample_index: z.number().int().nonnegative().optional(),
});

/** What {@link loadRerankInputs} loads. */
export interface RerankInputs {
  name: string;
  input: RerankInput;
  errors: InputError[];
  packedSuiteFailures: string[];
}

/**
 * Loads rerank's inputs: a named sample set, or a benchmark's problems with candidate and test
 * files, optionally only the first `limit` problems. Bad items (malformed lines, unknown tasks,
 * tests that do not parse, an empty file) are collected in `errors` and skipped; the run goes on
 * with the rest.
 */
export async function loadRerankInputs(source: RerankSource): Promise<RerankInputs> {
  const loaded = await loadAllInputs(source);
  if (source.limit === undefined) return loaded;
  const kept = new Set(loaded.input.problems.slice(0, source.limit).map((problem) => problem.id));
  const { problems, candidates, tests } = loaded.input;
  return {
    ...loaded,
    input: {
      problems: problems.filter((problem) => kept.has(problem.id)),
      candidates: candidates.filter((candidate) => kept.has(candidate.problemId)),
      tests: tests.filter((test) => kept.has(test.problemId)),
    },
    packedSuiteFailures: loaded.packedSuiteFailures.filter((id) => kept.has(id)),
  };
}

async function loadAllInputs(source: RerankSource): Promise<RerankInputs> {
  if (source.candidatesFile === undefined && source.testsFile === undefined) {
    const name = source.dataset ?? "codet-humaneval-codegen16b";
    const set = await loadSampleSet(name, { testsPerSample: source.testsPerSample });
    return {
      name,
      input: { problems: set.problems, candidates: set.candidates, tests: set.tests },
      errors: [],
      packedSuiteFailures: set.packedSuiteFailures,
    };
  }
  if (
    source.candidatesFile === undefined ||
    source.testsFile === undefined ||
    source.benchmark === undefined
  ) {
    throw new CodermError(
      "invalid-input",
      "file inputs need --benchmark NAME (for the problems and ground truth), --candidates FILE and --tests FILE",
    );
  }
  const problems = await loadProblems(source.benchmark);
  const byId = new Map<string, Problem>(problems.map((problem) => [problem.id, problem]));
  const errors: InputError[] = [];
  const report = (error: CodermError) =>
    errors.push({
      ...(error.file ? { file: error.file } : {}),
      ...(error.line ? { line: error.line } : {}),
      message: error.message,
    });
  const problemFor = (taskId: string | number, file: string, line: number) => {
    const problem = byId.get(String(taskId)) ?? byId.get(`Mbpp/${taskId}`);
    if (problem === undefined)
      report(
        new CodermError("invalid-input", `unknown task id "${taskId}"`, {
          file,
          line,
          field: "task_id",
        }),
      );
    return problem;
  };

  const candidates: Candidate[] = [];
  const samplesPerProblem = new Map<string, number>();
  for await (const sample of readSamples(source.candidatesFile, byId, report)) {
    const sampleIndex = samplesPerProblem.get(sample.taskId) ?? 0;
    samplesPerProblem.set(sample.taskId, sampleIndex + 1);
    candidates.push({
      id: contentId(sample.program),
      problemId: sample.taskId,
      code: sample.program,
      source: { sampleIndex },
    });
  }
  if (candidates.length === 0)
    errors.push({
      file: source.candidatesFile,
      message: "no candidates: the file is empty or every line was bad",
    });

  const pending: { test: UnitTest; line: number }[] = [];
  for await (const { value, line } of readJsonl(source.testsFile, {
    schema: testLineSchema,
    onError: report,
  })) {
    const problem = problemFor(value.task_id, source.testsFile, line);
    if (problem === undefined) continue;
    pending.push({
      line,
      test: {
        id: contentId(value.test),
        problemId: problem.id,
        kind: value.kind,
        code: value.test,
        ...(value.sample_index === undefined
          ? {}
          : { source: { sampleIndex: value.sample_index } }),
      },
    });
  }
  const parses = await compilesInPython(
    pending.map(({ test }) => ("code" in test ? test.code : "")),
  );
  const tests = pending.filter(({ line }, index) => {
    if (parses[index]) return true;
    errors.push({ file: source.testsFile!, line, message: "the test does not parse as Python" });
    return false;
  });
  if (tests.length === 0)
    errors.push({
      file: source.testsFile,
      message: "no tests: the file is empty or every line was bad",
    });
  const kept = tests.map(({ test }) => test);
  return {
    name: source.benchmark,
    input: { problems, candidates, tests: kept },
    errors,
    packedSuiteFailures: await codetPackedSuiteFailures(kept),
  };
}
