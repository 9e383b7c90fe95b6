import {
  type Candidate,
  CodermError,
  contentId,
  type ExecutionLimits,
  type ExecutionRequest,
  type Problem,
  type UnitTest,
} from "@coderm/core";
import { compilesInPython, readJsonl } from "@coderm/core/node";
import {
  type CodetTestSample,
  type ExtractCodetTestsOptions,
  extractCodetSolution,
  extractCodetTests,
} from "@coderm/generators";
import { z } from "zod";
import { readHumanEval } from "./humaneval.js";

/** Counts of a sample set, for one problem or summed over all. */
export interface SampleSetCounts {
  /** Solution samples, duplicates included: one candidate each. */
  solutionSamples: number;
  /** Test samples (completions), each yielding zero or more tests. */
  testSamples: number;
  /** Tests kept, duplicates included. */
  tests: number;
  /** Distinct post-processed solutions (distinct candidate code, as CodeT counts them). */
  uniqueSolutions: number;
  /** Distinct candidate ids: code equal after normalization (trailing whitespace) counts once. */
  uniqueCandidates: number;
  /** Distinct tests. */
  uniqueTests: number;
  /** Distinct (solution, test) pairs, `uniqueSolutions × uniqueTests`: CodeT's executions. */
  uniquePairs: number;
}

/** Counts of a sample set: totals, and per problem id. */
export interface SampleSetStatistics extends SampleSetCounts {
  problems: number;
  perProblem: Record<string, SampleSetCounts>;
}

/** A released set of model samples: problems, candidate solutions and generated tests. */
export interface SampleSet {
  dataset: string;
  problems: Problem[];
  /** One candidate per solution sample, so duplicates count as many. */
  candidates: Candidate[];
  /** One test per kept test occurrence, so duplicates count as many (CodeT counts them). */
  tests: UnitTest[];
  statistics: SampleSetStatistics;
  /**
   * Problems whose kept tests do not compile once CodeT's runner packs them into one `check()`
   * function (a test ending in `from m import *` is legal at module level, where CodeT validates
   * it, but not in a function body). CodeT's run fails every candidate of such a problem and
   * ranks it at random; see {@link codetPackedSuiteFailures}.
   */
  packedSuiteFailures: string[];
}

type AssertTest = Extract<UnitTest, { kind: "assert" }>;

const testPromptSchema = z.object({ task_id: z.string().min(1), prompt: z.string() });
const samplesSchema = z.object({ prompt: z.string(), samples: z.array(z.string()) });

/** The four files of a CodeT-style sample set, in the registry's order. */
export interface CodetFiles {
  problems: string;
  testPrompts: string;
  solutions: string;
  tests: string;
}

/**
 * Reads a CodeT sample set and post-processes it as CodeT's `PostProcessor` does. Problems come
 * from the code-generation file (prompts without docstring examples). Solution samples are joined
 * to problems on the prompt; a candidate is the prompt plus the extracted completion. Test samples
 * are joined on the test-generation prompt; the first `testsPerSample` extracted tests of each
 * sample are kept as `assert` tests.
 */
export async function readCodetSampleSet(
  dataset: string,
  model: string,
  files: CodetFiles,
  options: ExtractCodetTestsOptions & { testsPerSample?: number } = {},
): Promise<SampleSet> {
  const testsPerSample = options.testsPerSample ?? 5;
  const problems = await readHumanEval(files.problems);
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  const byPrompt = new Map(problems.map((problem) => [problem.prompt, problem]));

  const testPromptIds = new Map<string, string>();
  for await (const { value } of readJsonl(files.testPrompts, { schema: testPromptSchema })) {
    testPromptIds.set(value.prompt, value.task_id);
  }

  const solutionSamples = new Map<string, number>();
  const candidates: Candidate[] = [];
  for await (const { value, line } of readJsonl(files.solutions, { schema: samplesSchema })) {
    const problem = byPrompt.get(value.prompt);
    if (problem === undefined) throw unmatched(files.solutions, line, files.problems);
    for (const sample of value.samples) {
      const code = value.prompt + extractCodetSolution(sample);
      const sampleIndex = nextIndex(solutionSamples, problem.id);
      candidates.push({
        id: contentId(code),
        problemId: problem.id,
        code,
        source: { model, sampleIndex },
      });
    }
  }

  const testSampleCounts = new Map<string, number>();
  const testSamples: (CodetTestSample & { problemId: string; sampleIndex: number })[] = [];
  for await (const { value, line } of readJsonl(files.tests, { schema: samplesSchema })) {
    const problemId = testPromptIds.get(value.prompt);
    const problem = problemId === undefined ? undefined : byId.get(problemId);
    if (problem === undefined) throw unmatched(files.tests, line, files.testPrompts);
    for (const completion of value.samples) {
      const sampleIndex = nextIndex(testSampleCounts, problem.id);
      testSamples.push({
        completion,
        entryPoint: problem.entryPoint,
        problemId: problem.id,
        sampleIndex,
      });
    }
  }
  const extracted = await extractCodetTests(testSamples, options);
  const tests = testSamples.flatMap(({ problemId, sampleIndex }, index) =>
    extracted[index]!.slice(0, testsPerSample).map(
      (code): AssertTest => ({
        kind: "assert",
        id: contentId(code),
        problemId,
        code,
        source: { model, sampleIndex },
      }),
    ),
  );

  return {
    dataset,
    problems,
    candidates,
    tests,
    statistics: countSampleSet(problems, candidates, tests, testSampleCounts),
    packedSuiteFailures: await codetPackedSuiteFailures(tests, options.python),
  };
}

/**
 * The problems whose tests, packed the way CodeT's runner executes them (every distinct test in
 * a `try:` block inside one `def check():`), do not compile. CodeT then records every candidate of
 * the problem as failed, so its agreement has nothing to rank there. One Python process checks
 * all problems.
 */
export async function codetPackedSuiteFailures(
  tests: readonly UnitTest[],
  python?: string,
): Promise<string[]> {
  const byProblem = new Map<string, Set<string>>();
  for (const test of tests) {
    if (test.kind !== "assert") continue;
    const codes = byProblem.get(test.problemId) ?? new Set<string>();
    codes.add(test.code);
    byProblem.set(test.problemId, codes);
  }
  const problemIds = [...byProblem.keys()];
  const packed = problemIds.map((problemId) => {
    const blocks = [...byProblem.get(problemId)!].map(
      (code) =>
        `    try:\n        ${code.trim().replaceAll("\n", "\n        ")}\n    except Exception:\n        pass\n`,
    );
    return `def check():\n${blocks.join("")}`;
  });
  const compiles = await compilesInPython(packed, python);
  return problemIds.filter((_, index) => !compiles[index]);
}

function nextIndex(counts: Map<string, number>, key: string): number {
  const index = counts.get(key) ?? 0;
  counts.set(key, index + 1);
  return index;
}

function unmatched(file: string, line: number, promptsFile: string): CodermError {
  return new CodermError("invalid-input", `the prompt matches no prompt of ${promptsFile}`, {
    file,
    line,
  });
}

function countSampleSet(
  problems: readonly Problem[],
  candidates: readonly Candidate[],
  tests: readonly AssertTest[],
  testSamples: ReadonlyMap<string, number>,
): SampleSetStatistics {
  const groups = new Map(
    problems.map((problem) => [
      problem.id,
      { candidates: [] as Candidate[], tests: [] as string[] },
    ]),
  );
  for (const candidate of candidates) groups.get(candidate.problemId)!.candidates.push(candidate);
  for (const test of tests) groups.get(test.problemId)!.tests.push(test.code);

  const perProblem: Record<string, SampleSetCounts> = {};
  for (const [problemId, group] of groups) {
    const uniqueSolutions = new Set(group.candidates.map((candidate) => candidate.code)).size;
    const uniqueTests = new Set(group.tests).size;
    perProblem[problemId] = {
      solutionSamples: group.candidates.length,
      testSamples: testSamples.get(problemId) ?? 0,
      tests: group.tests.length,
      uniqueSolutions,
      uniqueCandidates: new Set(group.candidates.map((candidate) => candidate.id)).size,
      uniqueTests,
      uniquePairs: uniqueSolutions * uniqueTests,
    };
  }
  const counts = Object.values(perProblem);
  const total = (key: keyof SampleSetCounts) => counts.reduce((sum, count) => sum + count[key], 0);
  return {
    problems: problems.length,
    solutionSamples: total("solutionSamples"),
    testSamples: total("testSamples"),
    tests: total("tests"),
    uniqueSolutions: total("uniqueSolutions"),
    uniqueCandidates: total("uniqueCandidates"),
    uniqueTests: total("uniqueTests"),
    uniquePairs: total("uniquePairs"),
    perProblem,
  };
}

/**
 * The execution requests of a sample set as CodeT runs it: one request for each distinct candidate
 * code, holding its problem's distinct generated tests followed by `groundTruth` tests of the
 * problem (e.g. HumanEval's `check`), all under the same limits.
 */
export function sampleSetRequests(
  set: SampleSet,
  limits: ExecutionLimits,
  groundTruth: ReadonlyMap<string, readonly UnitTest[]> = new Map(),
): ExecutionRequest[] {
  const testsByProblem = new Map<string, Map<string, UnitTest>>();
  for (const test of set.tests) {
    const unique = testsByProblem.get(test.problemId) ?? new Map<string, UnitTest>();
    unique.set(test.id, test);
    testsByProblem.set(test.problemId, unique);
  }
  const seen = new Set<string>();
  const requests: ExecutionRequest[] = [];
  for (const candidate of set.candidates) {
    const key = contentId(candidate.code);
    if (seen.has(key)) continue;
    seen.add(key);
    const tests = [
      ...(testsByProblem.get(candidate.problemId)?.values() ?? []),
      ...(groundTruth.get(candidate.problemId) ?? []),
    ];
    requests.push({ candidate, tests, limits });
  }
  return requests;
}
