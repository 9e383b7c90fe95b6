import {
  bootstrapInterval,
  type Candidate,
  CodermError,
  createRandom,
  type Interval,
  type PassMatrix,
  type Problem,
  type ProblemMatrix,
  type Ranking,
  type RewardInput,
  type RewardModel,
  rankingFromScores,
  rankingPassAtK,
  type TestSelection,
} from "@coderm/core";
import {
  addCombinedTestCounts,
  addSingleTestCounts,
  emptyConfusion,
  type TestQuality,
  testQuality,
} from "@coderm/reward-tests";
import {
  type ExecuteProblemsOptions,
  executeProblems,
  groupBy,
  type RerankInput,
  type RerankStream,
} from "./execute-problems.js";

/** Options of {@link rerank}. */
export interface RerankOptions extends ExecuteProblemsOptions {
  /** The reward models to compare: test-based ones read the pass matrix, others the code. */
  methods: readonly RewardModel[];
  /** pass@k values to report for methods that rank (pass@1 always). */
  ks?: readonly number[];
  /** Candidates drawn per problem in each repeat (all by default). */
  candidatesPerProblem?: number;
  /** Test samples (generations) drawn per problem in each repeat (all by default). */
  testSamplesPerProblem?: number;
  /** The test columns each problem keeps in one repeat (a test budget's allocation). */
  testSelection?: TestSelection;
  /** Repeats of the random subsets (1 by default); results are means with a 95 % interval. */
  repeats?: number;
  seed?: number | string;
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
  /**
   * Generated-test executions (distinct candidate x distinct test): those run, those testing
   * every candidate would take, and those each pruning method (one with `candidatesToTest`)
   * needs on its own.
   */
  testExecutions: { executed: number; allCandidates: number; byMethod: Record<string, number> };
}

/**
 * Executes every candidate against its problem's generated tests and ground truth (identical
 * pairs once, streaming), fills one pass matrix per problem, and scores each reward model by the
 * expected correctness of its pick (pass@1) and, for models that rank, pass@k by CodeT's rule.
 * Scores are means over the problems that have candidates. The input may be a
 * {@link RerankStream}, whose problems execute as they arrive. Generated tests run only when a
 * model reads the pass matrix.
 */
export async function rerank(
  input: RerankInput | RerankStream,
  options: RerankOptions,
): Promise<RerankResult> {
  const started = performance.now();
  const readers = options.methods.filter((method) => method.needsPassMatrix === true);
  const generatedTests = readers.length > 0;
  const pruning = options.methods.filter((method) => method.candidatesToTest !== undefined);
  if (pruning.length > 0 && options.candidatesPerProblem !== undefined)
    throw new CodermError(
      "invalid-input",
      `method "${pruning[0]!.name}" tests only the candidates it keeps, which candidate subsets cannot honour`,
      { field: "candidatesPerProblem", item: pruning[0]!.name },
    );
  const chosenRows = new Map<string, Map<string, readonly number[]>>();
  const candidatesToTest = async (problem: Problem, candidates: readonly Candidate[]) => {
    const chosen = new Map<string, readonly number[]>();
    for (const method of pruning)
      chosen.set(method.name, await method.candidatesToTest!({ problem, candidates }));
    chosenRows.set(problem.id, chosen);
    // rows every reader needs: all unless each reader prunes
    if (readers.some((method) => method.candidatesToTest === undefined)) return undefined;
    return [...new Set([...chosen.values()].flat())].sort((a, b) => a - b);
  };
  const data = await executeProblems(input, {
    ...options,
    generatedTests,
    ...(pruning.length > 0 ? { candidatesToTest } : {}),
  });
  const executeSeconds = (performance.now() - started) / 1000;
  return {
    ...(await scoreMatrices(data, options)),
    testQuality: generatedTests ? matrixTestQuality(data) : matrixTestQuality([]),
    testExecutions: testExecutions(data, generatedTests, chosenRows),
    executeSeconds,
  };
}

/** Scores executed matrices with each method: {@link rerank} without the execution. */
export async function scoreMatrices(
  data: readonly ProblemMatrix[],
  options: Omit<RerankOptions, keyof ExecuteProblemsOptions>,
): Promise<Pick<RerankResult, "methods" | "problems">> {
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
      const { matrix, correct, candidates } = subsetting
        ? subset(item, random.fork(`${run}/${item.problem.id}`), options, selections?.[index])
        : item;
      for (const method of options.methods) {
        const ranking = await rankingOf(method, {
          problem: item.problem,
          candidates,
          passMatrix: matrix,
        });
        for (const k of method.ranks === false ? [1] : ks) {
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
  const problems: ProblemOutcome[] = [];
  for (const item of data) problems.push(await outcome(item, options.methods));
  return { methods, problems };
}

/** Counts generated-test executions as distinct candidates times distinct tests. */
function testExecutions(
  data: readonly ProblemMatrix[],
  generatedTests: boolean,
  chosenRows: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>,
): RerankResult["testExecutions"] {
  const result: RerankResult["testExecutions"] = { executed: 0, allCandidates: 0, byMethod: {} };
  if (!generatedTests) return result;
  for (const item of data) {
    const tests = new Set(item.tests.map((test) => test.id)).size;
    const distinct = (rows: readonly number[]) =>
      new Set(rows.map((row) => item.candidates[row]!.id)).size;
    const all = item.candidates.map((_, row) => row);
    result.allCandidates += distinct(all) * tests;
    result.executed += distinct(item.testedRows ?? all) * tests;
    for (const [name, rows] of chosenRows.get(item.problem.id) ?? [])
      result.byMethod[name] = (result.byMethod[name] ?? 0) + distinct(rows) * tests;
  }
  return result;
}

/**
 * Test quality (accuracy, F1, FAR, FRR) of the generated tests against ground truth, over the
 * rows whose tests ran.
 */
export function matrixTestQuality(data: readonly ProblemMatrix[]): RerankResult["testQuality"] {
  const single = emptyConfusion();
  const combined = emptyConfusion();
  for (const item of data) {
    const rows = item.testedRows;
    const matrix =
      rows === undefined
        ? item.matrix
        : item.matrix.select(
            rows,
            item.tests.map((_, column) => column),
          );
    const correct = rows === undefined ? item.correct : rows.map((row) => item.correct[row]!);
    addSingleTestCounts(single, matrix, correct);
    addCombinedTestCounts(combined, matrix, correct);
  }
  return { single: testQuality(single), combined: testQuality(combined) };
}

/** A model's ranking: its own, else its scores grouped by equal value. */
export async function rankingOf(method: RewardModel, input: RewardInput): Promise<Ranking> {
  if (method.rank !== undefined) return method.rank(input);
  return rankingFromScores(await method.score(input));
}

function subset(
  item: ProblemMatrix,
  random: ReturnType<typeof createRandom>,
  options: Pick<RerankOptions, "candidatesPerProblem" | "testSamplesPerProblem">,
  selectedColumns: readonly number[] | undefined,
): { matrix: PassMatrix; correct: boolean[]; candidates: Candidate[] } {
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
    candidates: chosenRows.map((row) => item.candidates[row]!),
  };
}

async function outcome(
  item: ProblemMatrix,
  methods: readonly RewardModel[],
): Promise<ProblemOutcome> {
  const result: ProblemOutcome = {
    problemId: item.problem.id,
    candidates: item.candidates.length,
    correct: item.correct.filter(Boolean).length,
    tests: item.tests.length,
    methods: {},
    picks: {},
  };
  for (const method of methods) {
    const ranking = await rankingOf(method, {
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
