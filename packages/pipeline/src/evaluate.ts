import { getDataset, type LoadProblemsOptions, loadProblems } from "@coderm/benchmarks";
import { CodermError, type ExecutionLimits, type Executor, type Problem } from "@coderm/core";
import { createJsonlWriter } from "@coderm/core/node";
import { compareEvalResults, type EvalResultsComparison } from "./compare-eval-results.js";
import { evalPlusResults, writeEvalPlusResults } from "./eval-results.js";
import { type EvalPlusSettings, evalPlusDefaults } from "./evalplus-rules.js";
import { prepareGroundTruth } from "./ground-truth.js";
import { type JudgedSample, judgeSamples, passAtKPercent } from "./judge.js";
import { readSamples, type Sample } from "./sample-files.js";

/** Which of a benchmark's problems to load, and how they are put (see `loadProblems`). */
export type ProblemSelection = Pick<LoadProblemsOptions, "release" | "window" | "promptStyle">;

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** The benchmark whose ground truth judges the samples. */
  benchmark: string;
  /** A candidates file (`{task_id, solution}` or `{task_id, completion}` a line, plain or gzipped). */
  samplesFile: string;
  executor: Executor;
  limits: ExecutionLimits;
  /**
   * EvalPlus's benchmarks: its per-input time limits (from the canonical solution's time), in
   * place of `limits.timeMs`; absent, every test gets `limits.timeMs`. Ignored elsewhere.
   */
  evalPlus?: EvalPlusSettings;
  /**
   * Run every test of EvalPlus's benchmarks, not stopping at a sequence's first failure
   * (EvalPlus's `--test-details`).
   */
  testDetails?: boolean;
  /** Where to write one line per sample, in input order, with its verdicts. */
  detailsFile?: string;
  /** Where to write EvalPlus's `eval_results.json` (EvalPlus's benchmarks only). */
  evalResultsFile?: string;
  /**
   * An `eval_results.json` that EvalPlus wrote for the same samples: the result lists every sample
   * whose base or plus verdict differs (EvalPlus's benchmarks only).
   */
  compareFile?: string;
  /** The benchmark's data directory, where not `CODERM_DATA_DIR`. */
  dataDir?: string;
  /**
   * Which of the benchmark's problems, and how they are put: LiveCodeBench's release and date
   * window, MBPP's prompt style (a `completion` sample continues the problem's prompt).
   */
  selection?: ProblemSelection;
  /**
   * Skip bad lines of the samples file (returned in `badLines`); by default the first one is
   * thrown, naming its file and line.
   */
  skipBadLines?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: EvaluateEvent) => void;
}

/** Progress of {@link evaluate}: the expected outputs phase, then judging. */
export type EvaluateEvent =
  | { phase: "expected-outputs"; total: number }
  | { phase: "expected-outputs"; done: number }
  | { phase: "judging"; total: number }
  | { phase: "judging"; done: number };

/** The result of {@link evaluate}. */
export interface EvaluateResult {
  judged: JudgedSample[];
  /** pass@k in percent for each k the sample counts allow (`pass@1`, `pass@10`, ...). */
  scores: Record<string, number>;
  /** EvalPlus's benchmarks: pass@k on the base inputs alone (the original benchmark's tests). */
  baseScores?: Record<string, number>;
  /** With `compareFile`: where this run and EvalPlus's disagree. */
  comparison?: EvalResultsComparison;
  /**
   * pass@k by the problems' difficulty (LiveCodeBench's easy, medium, hard), for benchmarks that
   * label it.
   */
  byDifficulty?: Record<string, Record<string, number>>;
  problems: number;
  /** Problems without any sample (they count as unsolved). */
  problemsWithoutSamples: number;
  executeSeconds: number;
  /** The lines skipped with `skipBadLines`, each naming its file, line and field. */
  badLines: CodermError[];
}

/**
 * pass@k of a samples file against a benchmark's ground truth: computes the expected outputs the
 * benchmark leaves to its canonical solutions (EvalPlus's inputs), judges every sample (identical
 * programs of a problem once) and writes the per-sample details when asked (also those judged
 * before a failure, when judging stops partway).
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const emit = options.onEvent ?? (() => {});
  const { executor, limits } = options;
  const dataset = getDataset(options.benchmark);
  const evalPlus = dataset.groundTruth === "evalplus";
  for (const field of ["evalResultsFile", "compareFile"] as const) {
    if (options[field] !== undefined && !evalPlus)
      throw new CodermError(
        "invalid-input",
        `eval_results.json is EvalPlus's format: ${options.benchmark} is not one of its benchmarks`,
        { field },
      );
  }
  const loaded = await loadProblems(options.benchmark, {
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...options.selection,
  });
  if (loaded.length === 0)
    throw new CodermError("invalid-input", `${options.benchmark} has no problems in that window`, {
      field: "since",
    });
  const problems = await prepareGroundTruth(loaded, {
    executor,
    limits,
    ...(evalPlus && options.evalPlus !== undefined ? { evalPlus: options.evalPlus } : {}),
    onProgress: (event) => emit({ phase: "expected-outputs", ...event }),
  });
  const byId = new Map<string, Problem>(problems.map((problem) => [problem.id, problem]));
  const samples: Sample[] = [];
  const badLines: CodermError[] = [];
  for await (const sample of readSamples(
    options.samplesFile,
    byId,
    options.skipBadLines ? (error) => badLines.push(error) : undefined,
  ))
    samples.push(sample);
  if (samples.length === 0)
    throw new CodermError("invalid-input", "the samples file holds no samples", {
      file: options.samplesFile,
    });
  const started = performance.now();
  const judged: JudgedSample[] = [];
  try {
    for await (const sample of judgeSamples(samples, {
      problems: byId,
      executor,
      limits,
      ...(evalPlus
        ? {
            stopAtFirstFailure: !options.testDetails,
            evalPlus: options.evalPlus ?? evalPlusDefaults,
          }
        : {}),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (event) =>
        emit(
          "total" in event
            ? { phase: "judging", total: event.total }
            : { phase: "judging", done: event.done },
        ),
    }))
      judged.push(sample);
  } catch (error) {
    // What was judged before the failure is kept.
    if (options.detailsFile !== undefined)
      await writeDetails(options.detailsFile, judged).catch(() => {});
    throw error;
  }
  const executeSeconds = (performance.now() - started) / 1000;
  if (options.detailsFile !== undefined) await writeDetails(options.detailsFile, judged);
  const sampledProblems = new Set(judged.map((sample) => sample.taskId)).size;
  const scores = passAtKPercent(judged, byId.keys());
  const baseScores = evalPlus
    ? passAtKPercent(
        judged.map((sample) => ({
          taskId: sample.taskId,
          passed: sample.sequences[0]?.status === "pass",
        })),
        byId.keys(),
      )
    : undefined;
  const byDifficulty = scoresByDifficulty(judged, problems);
  let comparison: EvalResultsComparison | undefined;
  if (baseScores !== undefined) {
    const results = evalPlusResults(
      judged,
      byId,
      { base: baseScores, plus: scores },
      dataset.files[0]!.sha256 ?? "",
    );
    if (options.evalResultsFile !== undefined)
      await writeEvalPlusResults(options.evalResultsFile, results);
    if (options.compareFile !== undefined)
      comparison = await compareEvalResults(results, options.compareFile);
  }
  return {
    judged,
    scores,
    ...(baseScores === undefined ? {} : { baseScores }),
    ...(comparison === undefined ? {} : { comparison }),
    ...(byDifficulty === undefined ? {} : { byDifficulty }),
    problems: byId.size,
    problemsWithoutSamples: byId.size - sampledProblems,
    executeSeconds,
    badLines,
  };
}

async function writeDetails(path: string, judged: readonly JudgedSample[]): Promise<void> {
  const writer = createJsonlWriter(path);
  try {
    for (const sample of judged) {
      await writer.write({
        task_id: sample.taskId,
        passed: sample.passed,
        ...(sample.sequences.length > 1
          ? {
              sequences: sample.sequences.map(({ name, status, verdicts, testCount }) => ({
                name,
                status,
                ran: verdicts.length,
                tests: testCount,
              })),
            }
          : {}),
        verdicts: sample.verdicts.map(({ testId, status, errorType, message, wallMs }) => ({
          test: testId,
          status,
          errorType,
          message,
          wallMs,
        })),
      });
    }
  } finally {
    await writer.close();
  }
}

function scoresByDifficulty(
  judged: readonly JudgedSample[],
  problems: readonly Problem[],
): Record<string, Record<string, number>> | undefined {
  const groups = new Map<string, string[]>();
  for (const problem of problems) {
    const difficulty = problem.metadata?.difficulty;
    if (typeof difficulty !== "string") return undefined;
    groups.set(difficulty, [...(groups.get(difficulty) ?? []), problem.id]);
  }
  const result: Record<string, Record<string, number>> = {};
  for (const [difficulty, ids] of groups) {
    const members = new Set(ids);
    result[difficulty] = passAtKPercent(
      judged.filter((sample) => members.has(sample.taskId)),
      ids,
    );
  }
  return result;
}
