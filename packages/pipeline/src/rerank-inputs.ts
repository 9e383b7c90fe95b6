import {
  codetPackedSuiteFailures,
  getDataset,
  loadProblems,
  loadSampleSet,
} from "@coderm/benchmarks";
import { type Candidate, CodermError, type Problem, type UnitTest } from "@coderm/core";
import { compilesInPython } from "@coderm/core/node";
import type { RerankInput } from "./execute-problems.js";
import type { JudgingPolicy } from "./judging-policy.js";
import { candidateOfRecord, readSamples, readTests } from "./sample-files.js";

/** Where rerank's inputs come from. */
export interface RerankSource {
  /** A released sample set (the default: CodeT's HumanEval CodeGen-16B set). */
  dataset?: string;
  /** Problems from a benchmark, for file inputs. */
  benchmark?: string;
  candidatesFile?: string;
  testsFile?: string;
  /** Tests kept from each test sample of a sample set (CodeT keeps 5). */
  testsPerSample?: number;
  /**
   * Only these problems (by id, such as `HumanEval/0`), with their candidates and tests, in the
   * inputs' order; an id the inputs lack is an `invalid-input` error on `problems` naming it.
   */
  problems?: readonly string[];
  /** Only the first N problems (of `problems` where given), with their candidates and tests. */
  limit?: number;
  /**
   * How generated tests are judged: the sample set's own rule by default (`codet-packed-suite`
   * for CodeT's sets), `verdicts` for file inputs.
   */
  judging?: "verdicts" | "codet-packed-suite";
  /** Data directory and download settings of the datasets. */
  dataDir?: string;
  /**
   * Skip bad items of file inputs (malformed lines, unknown tasks, tests that do not parse, an
   * empty file), collecting them in `errors`. By default the first one is thrown, naming its file
   * and line.
   */
  skipBadLines?: boolean;
}

/** A bad input item, reported and skipped (with `skipBadLines`): where it is and what is wrong. */
export interface InputError {
  file?: string;
  line?: number;
  /** The item at fault (`HumanEval/3#2`: problem and sample index) where there is no file line. */
  item?: string;
  message: string;
}

/** What {@link loadRerankInputs} loads. */
export interface RerankInputs {
  /** The sample set's or benchmark's name. */
  name: string;
  input: RerankInput;
  errors: InputError[];
  /** The judging rule in force, and the policy it gives these inputs. */
  judgingRule: "verdicts" | "codet-packed-suite";
  judging: JudgingPolicy;
}

/**
 * Loads rerank's inputs: a named sample set, or a benchmark's problems with candidate and test
 * files, optionally only the `problems` named and the first `limit` of them, with the judging
 * policy they call for. A bad item (a malformed line, an unknown task, a test that does not
 * parse, an empty file) is a {@link CodermError} naming its file and line; with `skipBadLines` bad
 * items are collected in `errors` and skipped, and the run goes on with the rest.
 */
export async function loadRerankInputs(source: RerankSource): Promise<RerankInputs> {
  const loaded = await loadAllInputs(source);
  const { problems, candidates, tests } = loaded.input;
  const kept = keptProblems(problems, source);
  const input =
    kept === undefined
      ? loaded.input
      : {
          problems: problems.filter((problem) => kept.has(problem.id)),
          candidates: candidates.filter((candidate) => kept.has(candidate.problemId)),
          tests: tests.filter((test) => kept.has(test.problemId)),
        };
  const rule = source.judging ?? loaded.defaultJudging;
  const failedSuites =
    rule === "codet-packed-suite"
      ? (loaded.packedSuiteFailures ?? (await codetPackedSuiteFailures(input.tests)))
      : [];
  return {
    name: loaded.name,
    input,
    errors: loaded.errors,
    judgingRule: rule,
    judging: {
      failedSuites: new Set(failedSuites.filter((id) => kept === undefined || kept.has(id))),
    },
  };
}

/** The ids of the problems `problems` and `limit` keep, or undefined when they keep all. */
function keptProblems(problems: readonly Problem[], source: RerankSource): Set<string> | undefined {
  if (source.problems === undefined && source.limit === undefined) return undefined;
  let selected = problems;
  if (source.problems !== undefined) {
    const known = new Set(problems.map((problem) => problem.id));
    const unknown = source.problems.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new CodermError(
        "invalid-input",
        `no problem ${unknown.map((id) => `"${id}"`).join(", ")} in these inputs (ids look like "${problems[0]?.id ?? "?"}")`,
        { field: "problems" },
      );
    const wanted = new Set(source.problems);
    selected = problems.filter((problem) => wanted.has(problem.id));
  }
  return new Set(selected.slice(0, source.limit).map((problem) => problem.id));
}

interface LoadedInputs {
  name: string;
  input: RerankInput;
  errors: InputError[];
  defaultJudging: "verdicts" | "codet-packed-suite";
  /** Known already (a sample set computes them when it loads). */
  packedSuiteFailures?: string[];
}

async function loadAllInputs(source: RerankSource): Promise<LoadedInputs> {
  const dataOptions = source.dataDir === undefined ? {} : { dataDir: source.dataDir };
  if (source.candidatesFile === undefined && source.testsFile === undefined) {
    const name = source.dataset ?? "codet-humaneval-codegen16b";
    const set = await loadSampleSet(name, {
      ...dataOptions,
      ...(source.testsPerSample === undefined ? {} : { testsPerSample: source.testsPerSample }),
    });
    return {
      name,
      input: { problems: set.problems, candidates: set.candidates, tests: set.tests },
      errors: [],
      defaultJudging: getDataset(name).judging,
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
      "file inputs need a benchmark (for the problems and ground truth), a candidates file and a tests file",
      {
        field:
          source.benchmark === undefined
            ? "benchmark"
            : source.candidatesFile === undefined
              ? "candidatesFile"
              : "testsFile",
      },
    );
  }
  const problems = await loadProblems(source.benchmark, dataOptions);
  const byId = new Map<string, Problem>(problems.map((problem) => [problem.id, problem]));
  const errors: InputError[] = [];
  const report = (error: CodermError) => {
    if (!source.skipBadLines) throw error;
    errors.push({
      ...(error.file ? { file: error.file } : {}),
      ...(error.line ? { line: error.line } : {}),
      message: error.message,
    });
  };

  const candidates: Candidate[] = [];
  const samplesPerProblem = new Map<string, number>();
  for await (const sample of readSamples(source.candidatesFile, byId, report)) {
    const sampleIndex = samplesPerProblem.get(sample.taskId) ?? 0;
    samplesPerProblem.set(sample.taskId, sampleIndex + 1);
    candidates.push(candidateOfRecord(sample.taskId, sample.program, sampleIndex));
  }
  if (candidates.length === 0)
    report(
      new CodermError("invalid-input", "no candidates: the file is empty or every line was bad", {
        file: source.candidatesFile,
      }),
    );

  const pending: { test: UnitTest; line: number }[] = [];
  for await (const entry of readTests(source.testsFile, byId, report)) pending.push(entry);
  // Python tests are parsed here, so a broken line is named before anything runs; tests of other
  // languages meet their parser in the executor (a syntax error is an error verdict)
  const isPython = ({ test }: { test: UnitTest }) =>
    (byId.get(test.problemId)?.language ?? "python") === "python";
  const python = pending.filter(isPython);
  const parsed = await compilesInPython(
    python.map(({ test }) => ("code" in test ? test.code : "")),
  );
  const parses = new Map(python.map((entry, index) => [entry, parsed[index]!]));
  const tests = pending.filter((entry) => {
    const { line } = entry;
    if (parses.get(entry) ?? true) return true;
    report(
      new CodermError("invalid-input", "the test does not parse as Python", {
        file: source.testsFile!,
        line,
        field: "test",
      }),
    );
    return false;
  });
  if (tests.length === 0)
    report(
      new CodermError("invalid-input", "no tests: the file is empty or every line was bad", {
        file: source.testsFile,
      }),
    );
  return {
    name: source.benchmark,
    input: { problems, candidates, tests: tests.map(({ test }) => test) },
    errors,
    defaultJudging: "verdicts",
  };
}
