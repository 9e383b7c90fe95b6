import {
  bootstrapInterval,
  type Candidate,
  CodermError,
  createRandom,
  type ExecutionLimits,
  type ExecutionRequest,
  type Executor,
  type Interval,
  PassMatrix,
  type Problem,
  type UnitTest,
  type VerdictStatus,
} from "@coderm/core";
import {
  addCombinedTestCounts,
  addSingleTestCounts,
  emptyConfusion,
  type TestQuality,
  testQuality,
} from "./quality.js";
import { rankingPassAtK, type TestBasedReward } from "./ranking.js";

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

/** Options of {@link rerank}. */
export interface RerankOptions {
  executor: Executor;
  methods: readonly TestBasedReward[];
  /** Limits of a generated test. */
  limits: ExecutionLimits;
  /** Limits of a ground-truth test. */
  groundTruthLimits: ExecutionLimits;
  /** pass@k values to report for methods that rank (pass@1 always). */
  ks?: readonly number[];
  /** Candidates drawn per problem in each repeat (all by default). */
  candidatesPerProblem?: number;
  /** Test samples (generations) drawn per problem in each repeat (all by default). */
  testSamplesPerProblem?: number;
  /**
   * The test columns each problem keeps in one repeat (a test budget's allocation, as
   * `@coderm/allocator` makes), one entry per problem of `problems`; `undefined` keeps all.
   */
  testSelection?: (
    problems: readonly ProblemMatrix[],
    repeat: number,
  ) => readonly (readonly number[] | undefined)[];
  /** Repeats of the random subsets (1 by default); results are means with a 95 % interval. */
  repeats?: number;
  seed?: number | string;
  /**
   * Problems whose generated tests count as failed by every candidate, whatever the verdicts:
   * CodeT's runner packs a problem's tests into one function and records every candidate as
   * failed when that function does not compile (see `codetPackedSuiteFailures` in
   * `@coderm/benchmarks`). Used to reproduce CodeT's published figures exactly.
   */
  failedSuites?: ReadonlySet<string>;
  signal?: AbortSignal;
  /**
   * Called with the number of verdicts expected so far (growing as a stream's problems arrive),
   * and as verdicts arrive.
   */
  onProgress?: (event: { total: number } | { done: number; status: VerdictStatus }) => void;
}

/** A method's scores: pass@k in percent, with intervals when repeated. */
export type MethodScores = Record<string, number | Interval>;

/** One problem's outcome: the pick's expected correctness under each method (full sets). */
export interface ProblemOutcome {
  problemId: string;
  candidates: number;
  correct: number;
  tests: number;
  /** Expected pass@1 (0..1) of each method's pick. */
  methods: Record<string, number>;
  /** Rows each method picks from (uniformly), with their candidate ids. */
  picks: Record<string, string[]>;
}

/** The result of {@link rerank}. */
export interface RerankResult {
  methods: Record<string, MethodScores>;
  testQuality: { single: TestQuality; combined: TestQuality };
  problems: ProblemOutcome[];
  executeSeconds: number;
}

/** One problem's executed pass matrix: a row per candidate sample, a column per test occurrence. */
export interface ProblemMatrix {
  problem: Problem;
  candidates: Candidate[];
  tests: UnitTest[];
  matrix: PassMatrix;
  /** Whether each row passes every ground-truth test. */
  correct: boolean[];
}

/** Options of {@link executeProblems}. */
export type ExecuteProblemsOptions = Pick<
  RerankOptions,
  "executor" | "limits" | "groundTruthLimits" | "failedSuites" | "signal" | "onProgress"
>;

/**
 * Executes every candidate against its problem's generated tests and ground truth (identical
 * pairs once, streaming; a stream's problems as they arrive) and returns the pass matrices of the
 * problems that have candidates, in the problems' order. Problems in `failedSuites` have every
 * cell failed, as CodeT's packed runner records them.
 */
export async function executeProblems(
  input: RerankInput | RerankStream,
  options: ExecuteProblemsOptions,
): Promise<ProblemMatrix[]> {
  const stream = "samples" in input ? input : toStream(input);
  const arrived = await execute(stream, options);
  // Like CodeT, scores average over the problems that have candidates, in the problems' order.
  const data = stream.problems.flatMap((problem) => {
    const item = arrived.get(problem.id);
    return item !== undefined && item.candidates.length > 0 ? [item] : [];
  });
  for (const item of data) {
    if (!options.failedSuites?.has(item.problem.id)) continue;
    for (let row = 0; row < item.matrix.rowCount; row++) {
      for (let column = 0; column < item.matrix.columnCount; column++)
        item.matrix.set(row, column, "error");
    }
  }
  return data;
}

/**
 * Executes every candidate against its problem's generated tests and ground truth (identical
 * pairs once, streaming), fills one pass matrix per problem, and scores each method by the
 * expected correctness of its pick (pass@1) and, for ranking methods, pass@k by CodeT's rule.
 * Scores are means over the problems that have candidates. The input may be a
 * {@link RerankStream}, whose problems execute as they arrive.
 */
export async function rerank(
  input: RerankInput | RerankStream,
  options: RerankOptions,
): Promise<RerankResult> {
  const started = performance.now();
  const data = await executeProblems(input, options);
  const executeSeconds = (performance.now() - started) / 1000;

  const ks = [...new Set([1, ...(options.ks ?? [2, 10])])].sort((a, b) => a - b);
  const repeats = options.repeats ?? 1;
  const subsetting =
    options.candidatesPerProblem !== undefined ||
    options.testSamplesPerProblem !== undefined ||
    options.testSelection !== undefined;
  const runs = subsetting ? repeats : 1;
  const values = new Map<string, number[]>();
  const record = (key: string, value: number) => {
    const list = values.get(key) ?? [];
    list.push(value);
    values.set(key, list);
  };
  const random = createRandom(options.seed ?? 0);
  for (let run = 0; run < runs; run++) {
    const totals = new Map<string, number>();
    const selections = options.testSelection?.(data, run);
    for (const [index, item] of data.entries()) {
      const { matrix, correct } = subsetting
        ? subset(item, random.fork(`${run}/${item.problem.id}`), options, selections?.[index])
        : item;
      for (const method of options.methods) {
        const ranking = method.rank({
          problem: item.problem,
          candidates: matrix.candidateIds.map((id) => ({
            id,
            problemId: item.problem.id,
            code: "",
          })),
          passMatrix: matrix,
        });
        for (const k of method.ranks ? ks : [1]) {
          if (k > correct.length && k > 1) continue;
          const key = `${method.name}\u0000pass@${k}`;
          totals.set(key, (totals.get(key) ?? 0) + rankingPassAtK(ranking, correct, k));
        }
      }
    }
    for (const [key, total] of totals) record(key, (100 * total) / Math.max(1, data.length));
  }

  const methods: Record<string, MethodScores> = {};
  for (const method of options.methods) methods[method.name] = {};
  for (const [key, list] of values) {
    const [name, metric] = key.split("\u0000") as [string, string];
    methods[name]![metric] =
      runs === 1 ? list[0]! : bootstrapInterval(list, { seed: options.seed ?? 0 });
  }

  const single = emptyConfusion();
  const combined = emptyConfusion();
  for (const { matrix, correct } of data) {
    addSingleTestCounts(single, matrix, correct);
    addCombinedTestCounts(combined, matrix, correct);
  }
  return {
    methods,
    testQuality: { single: testQuality(single), combined: testQuality(combined) },
    problems: data.map((item) => outcome(item, options.methods)),
    executeSeconds,
  };
}

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
  let total = 0;
  async function* requests(): AsyncGenerator<ExecutionRequest> {
    for await (const samples of stream.samples) {
      const problem = problems.get(samples.problemId);
      if (problem === undefined)
        throw new CodermError(
          "invalid-input",
          `samples for unknown problem "${samples.problemId}"`,
          {
            item: samples.problemId,
          },
        );
      if (arrived.has(problem.id))
        throw new CodermError("invalid-input", `problem "${problem.id}" arrived twice`, {
          item: problem.id,
        });
      const item = problemData(problem, samples);
      arrived.set(problem.id, item);
      if (item.candidates.length === 0) continue;
      const batch: ExecutionRequest[] = [];
      const uniqueTests = uniqueBy(item.tests, (test) => test.id);
      const columns = positionsBy(item.tests, (test) => test.id);
      const groundTruth = uniqueBy(problem.tests ?? [], (test) => test.id);
      const truthIds = new Set(groundTruth.map((test) => test.id));
      for (const [id, rows] of positionsBy(item.candidates, (candidate) => candidate.id)) {
        const candidate = item.candidates[rows[0]!]!;
        const target: Target = { item, rows, columns, truthIds, truthPassed: new Set() };
        targets.set(id, [...(targets.get(id) ?? []), target]);
        // One request (one fork of the candidate) when both kinds of test share their limits.
        if (joint) {
          const tests = [...uniqueTests, ...groundTruth];
          if (tests.length > 0) batch.push({ candidate, tests, limits: options.limits });
        } else {
          if (uniqueTests.length > 0)
            batch.push({ candidate, tests: uniqueTests, limits: options.limits });
          if (groundTruth.length > 0)
            batch.push({ candidate, tests: groundTruth, limits: options.groundTruthLimits });
        }
        total += uniqueTests.length + groundTruth.length;
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

function subset(
  item: ProblemMatrix,
  random: ReturnType<typeof createRandom>,
  options: RerankOptions,
  selectedColumns: readonly number[] | undefined,
): { matrix: PassMatrix; correct: boolean[] } {
  const rows = Array.from({ length: item.candidates.length }, (_, row) => row);
  const chosenRows =
    options.candidatesPerProblem === undefined
      ? rows
      : random.sample(rows, options.candidatesPerProblem).sort((a, b) => a - b);
  // Tests are drawn by generation (sample index) where known, as one generation is one unit test.
  const bySample = groupBy(
    item.tests.map((test, column) => ({ column, sample: test.source?.sampleIndex ?? column })),
    (entry) => String(entry.sample),
  );
  const samples = [...bySample.keys()];
  const chosenSamples =
    options.testSamplesPerProblem === undefined
      ? samples
      : random.sample(samples, options.testSamplesPerProblem);
  const chosenColumns =
    selectedColumns !== undefined
      ? [...selectedColumns].sort((a, b) => a - b)
      : chosenSamples
          .flatMap((sample) => bySample.get(sample)!.map((entry) => entry.column))
          .sort((a, b) => a - b);
  return {
    matrix: item.matrix.select(chosenRows, chosenColumns),
    correct: chosenRows.map((row) => item.correct[row]!),
  };
}

function outcome(item: ProblemMatrix, methods: readonly TestBasedReward[]): ProblemOutcome {
  const result: ProblemOutcome = {
    problemId: item.problem.id,
    candidates: item.candidates.length,
    correct: item.correct.filter(Boolean).length,
    tests: item.tests.length,
    methods: {},
    picks: {},
  };
  for (const method of methods) {
    const ranking = method.rank({
      problem: item.problem,
      candidates: item.candidates,
      passMatrix: item.matrix,
    });
    result.methods[method.name] = rankingPassAtK(ranking, item.correct, 1);
    const top = ranking.groups[0] ?? item.candidates.map((_, row) => row);
    result.picks[method.name] = [...new Set(top.map((row) => item.candidates[row]!.id))];
  }
  return result;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
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
