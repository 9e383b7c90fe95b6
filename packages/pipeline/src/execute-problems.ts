import {
  type Candidate,
  CodermError,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  PassMatrix,
  type Problem,
  type ProblemMatrix,
  type UnitTest,
  type VerdictStatus,
} from "@coderm/core";
import type { EvalPlusSettings } from "./evalplus-rules.js";
import { judgeCandidates, prepareGroundTruth } from "./ground-truth.js";
import { applyJudgingPolicy, type JudgingPolicy } from "./judging-policy.js";

/** What to rerank: problems with ground truth, candidate samples and generated tests. */
export interface RerankInput {
  problems: readonly Problem[];
  /** One entry per sample: a solution sampled twice appears twice. */
  candidates: readonly Candidate[];
  /** One entry per generated test occurrence: a test generated twice appears twice. */
  tests: readonly UnitTest[];
}

/** One problem's candidates and tests, ready to execute. */
export interface ProblemSamples {
  problemId: string;
  candidates: readonly Candidate[];
  tests: readonly UnitTest[];
}

/**
 * Rerank's input as it is produced: each problem's samples arrive, in any order, once they are all
 * generated, and execution starts on them at once while later problems are still generating.
 */
export interface RerankStream {
  /** Every problem, in the order results are reported. */
  problems: readonly Problem[];
  samples: AsyncIterable<ProblemSamples>;
}

/** A progress event of execution: verdicts expected so far (growing as problems arrive), or one verdict. */
export type ExecutionProgress = { total: number } | { done: number; status: VerdictStatus };

/** Options of {@link executeProblems}. */
export interface ExecuteProblemsOptions {
  executor: Executor;
  /** Limits of a generated test. */
  limits: ExecutionLimits;
  /** Limits of a ground-truth test. */
  groundTruthLimits: ExecutionLimits;
  /** How generated tests are judged beyond their verdicts (verdicts only by default). */
  judging?: JudgingPolicy;
  /** False to run the ground truth only (no reward reads the generated tests); true by default. */
  generatedTests?: boolean;
  /**
   * The rows (positions in the problem's candidates) whose generated tests run; undefined (or
   * no function) for all. The other rows still run the ground truth; their matrix cells stay
   * pending and the problem's `testedRows` lists the rows that ran.
   */
  candidatesToTest?: (
    problem: Problem,
    candidates: readonly Candidate[],
  ) => Promise<readonly number[] | undefined>;
  /**
   * Judge the ground truth as EvalPlus does (its benchmarks: `humaneval+`, `mbpp+`): expected
   * outputs from the canonical solutions, per-input time limits from their times, base then plus
   * inputs each stopping at its first failure, under `groundTruthLimits`' memory.
   */
  evalPlus?: EvalPlusSettings;
  signal?: AbortSignal;
  onProgress?: (event: ExecutionProgress) => void;
}

/**
 * Executes every candidate against its problem's generated tests and ground truth (one request
 * per distinct candidate, streaming; a stream's problems as they arrive) and returns the pass
 * matrices of the problems that have candidates, in the problems' order, with the judging policy
 * applied.
 */
export async function executeProblems(
  input: RerankInput | RerankStream,
  options: ExecuteProblemsOptions,
): Promise<ProblemMatrix[]> {
  let stream = "samples" in input ? input : toStream(input);
  if (options.evalPlus !== undefined) {
    // a whole input needs the outputs of the problems it has candidates for; a stream, all
    const sampled =
      "samples" in input ? undefined : new Set(input.candidates.map((item) => item.problemId));
    const prepared = new Map(
      (
        await prepareGroundTruth(
          stream.problems.filter((problem) => sampled?.has(problem.id) ?? true),
          {
            executor: options.executor,
            limits: options.groundTruthLimits,
            evalPlus: options.evalPlus,
          },
        )
      ).map((problem) => [problem.id, problem]),
    );
    stream = {
      problems: stream.problems.map((problem) => prepared.get(problem.id) ?? problem),
      samples: stream.samples,
    };
  }
  const arrived = await execute(stream, options);
  if (options.evalPlus !== undefined) await judgeGroundTruth(arrived, options, options.evalPlus);
  // Like CodeT, scores average over the problems that have candidates, in the problems' order.
  const data = stream.problems.flatMap((problem) => {
    const item = arrived.get(problem.id);
    return item !== undefined && item.candidates.length > 0 ? [item] : [];
  });
  if (options.judging !== undefined) applyJudgingPolicy(data, options.judging);
  return data;
}

/** A {@link RerankStream} over a whole input, one problem after another. */
function toStream(input: RerankInput): RerankStream {
  const candidatesByProblem = groupBy(input.candidates, (candidate) => candidate.problemId);
  const testsByProblem = groupBy(input.tests, (test) => test.problemId);
  return {
    problems: input.problems,
    samples: (async function* () {
      for (const problem of input.problems)
        yield {
          problemId: problem.id,
          candidates: candidatesByProblem.get(problem.id) ?? [],
          tests: testsByProblem.get(problem.id) ?? [],
        };
    })(),
  };
}

function problemData(problem: Problem, samples: ProblemSamples): ProblemMatrix {
  const candidates = [...samples.candidates];
  const tests = [...samples.tests];
  return {
    problem,
    candidates,
    tests,
    matrix: new PassMatrix(
      problem.id,
      candidates.map((candidate) => candidate.id),
      tests.map((test) => test.id),
    ),
    correct: candidates.map(() => false),
  };
}

/** Where the verdicts of one candidate of one problem land. */
interface Target {
  item: ProblemMatrix;
  rows: number[];
  columns: Map<string, number[]>;
  truthIds: Set<string>;
  truthPassed: Set<string>;
}

/** Executes each problem as it arrives; returns the arrived problems by id. */
async function execute(
  stream: RerankStream,
  options: ExecuteProblemsOptions,
): Promise<Map<string, ProblemMatrix>> {
  const problems = new Map(stream.problems.map((problem) => [problem.id, problem]));
  const arrived = new Map<string, ProblemMatrix>();
  const targets = new Map<string, Target[]>();
  const joint = sameLimits(options.limits, options.groundTruthLimits);
  const generated = options.generatedTests ?? true;
  let total = 0;
  async function* requests(): AsyncGenerator<ExecutionRequest> {
    for await (const samples of stream.samples) {
      const problem = problems.get(samples.problemId);
      if (problem === undefined)
        throw new CodermError(
          "invalid-input",
          `samples for unknown problem "${samples.problemId}"`,
          { item: samples.problemId },
        );
      if (arrived.has(problem.id))
        throw new CodermError("invalid-input", `problem "${problem.id}" arrived twice`, {
          item: problem.id,
        });
      const item = problemData(problem, samples);
      arrived.set(problem.id, item);
      if (item.candidates.length === 0) continue;
      const batch: ExecutionRequest[] = [];
      const uniqueTests = generated ? uniqueBy(item.tests, (test) => test.id) : [];
      const chosen =
        generated && options.candidatesToTest !== undefined
          ? await options.candidatesToTest(problem, item.candidates)
          : undefined;
      const testedIds =
        chosen === undefined ? undefined : new Set(chosen.map((row) => item.candidates[row]!.id));
      if (testedIds !== undefined)
        item.testedRows = item.candidates.flatMap((candidate, row) =>
          testedIds.has(candidate.id) ? [row] : [],
        );
      const columns = positionsBy(item.tests, (test) => test.id);
      // EvalPlus's ground truth is judged on its own, after the generated tests
      const groundTruth =
        options.evalPlus === undefined ? uniqueBy(problem.tests ?? [], (test) => test.id) : [];
      const truthIds = new Set(groundTruth.map((test) => test.id));
      const language = problem.language === "python" ? {} : { language: problem.language };
      for (const [id, rows] of positionsBy(item.candidates, (candidate) => candidate.id)) {
        const candidate = item.candidates[rows[0]!]!;
        const tested = testedIds === undefined || testedIds.has(id) ? uniqueTests : [];
        const target: Target = { item, rows, columns, truthIds, truthPassed: new Set() };
        targets.set(id, [...(targets.get(id) ?? []), target]);
        // One request (one fork of the candidate) when both kinds of test share their limits.
        if (joint) {
          const tests = [...tested, ...groundTruth];
          if (tests.length > 0)
            batch.push({ candidate, tests, limits: options.limits, ...language });
        } else {
          if (tested.length > 0)
            batch.push({ candidate, tests: tested, limits: options.limits, ...language });
          if (groundTruth.length > 0)
            batch.push({
              candidate,
              tests: groundTruth,
              limits: options.groundTruthLimits,
              ...language,
            });
        }
        total += tested.length + groundTruth.length;
      }
      options.onProgress?.({ total });
      yield* batch;
    }
  }
  for await (const verdict of options.executor.execute(
    requests(),
    options.signal ? { signal: options.signal } : {},
  )) {
    options.onProgress?.({ done: 1, status: verdict.status });
    for (const target of targets.get(verdict.candidateId) ?? []) {
      if (target.truthIds.has(verdict.testId)) {
        if (verdict.status === "pass") target.truthPassed.add(verdict.testId);
        continue;
      }
      for (const column of target.columns.get(verdict.testId) ?? []) {
        for (const row of target.rows) target.item.matrix.set(row, column, verdict.status);
      }
    }
  }
  for (const list of targets.values()) {
    for (const target of list) {
      const passed = target.truthIds.size > 0 && target.truthPassed.size === target.truthIds.size;
      for (const row of target.rows) target.item.correct[row] = passed;
    }
  }
  return arrived;
}

/** Marks each arrived candidate correct when it passes its problem's ground truth as EvalPlus judges it. */
async function judgeGroundTruth(
  arrived: Map<string, ProblemMatrix>,
  options: ExecuteProblemsOptions,
  evalPlus: EvalPlusSettings,
): Promise<void> {
  const items = [...arrived.values()];
  const candidates = items.flatMap((item) => item.candidates);
  const passed = await judgeCandidates(
    new Map(items.map((item) => [item.problem.id, item.problem])),
    candidates,
    {
      executor: options.executor,
      limits: options.groundTruthLimits,
      evalPlus,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
  let position = 0;
  for (const item of items)
    item.candidates.forEach((_, row) => {
      item.correct[row] = passed[position++]!;
    });
}

/** Items grouped by a key, in order of first appearance. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}

function sameLimits(a: ExecutionLimits, b: ExecutionLimits): boolean {
  return a.timeMs === b.timeMs && a.memoryMb === b.memoryMb && a.outputBytes === b.outputBytes;
}

/** The positions of the items with each key. */
function positionsBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  items.forEach((item, position) => {
    const list = positions.get(key(item));
    if (list === undefined) positions.set(key(item), [position]);
    else list.push(position);
  });
  return positions;
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = key(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
