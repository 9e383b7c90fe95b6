import { join } from "node:path";
import {
  AsyncQueue,
  type ExecutionLimits,
  type Executor,
  type Problem,
  type RewardModel,
  type TextGenerator,
  type VerdictStatus,
} from "@coderm/core";
import type { JsonlWriter } from "@coderm/core/node";
import type { PromptTemplate } from "@coderm/generators";
import type { EvalPlusSettings } from "./evalplus-rules.js";
import type { ProblemSamples } from "./execute-problems.js";
import {
  candidatesOf,
  extractProblem,
  type GenerationKind,
  generateByProblem,
  generationJobs,
  type ProblemGeneration,
  type TestCodeSource,
  testsOf,
  writeProblemGeneration,
} from "./generation.js";
import { type RerankResult, rerank } from "./rerank.js";
import type { InputError } from "./rerank-inputs.js";

/** The files a run writes as it goes (what `loadRerankInputs` reads back). */
export interface RunFiles {
  /** Where the files are, for error messages. */
  directory: string;
  solutions: JsonlWriter;
  tests: JsonlWriter;
  unparsed: JsonlWriter;
}

/** Options of {@link run}. */
export interface RunOptions {
  problems: readonly Problem[];
  /** The solution (policy) model's generator and the test writer's. */
  generators: Record<GenerationKind, TextGenerator>;
  templates: Record<GenerationKind, PromptTemplate>;
  /** Samples a problem: solutions and test generations. */
  samplesPerProblem: Record<GenerationKind, number>;
  /** What the test writer sees as the solution (the prompt by default). */
  testCode?: TestCodeSource;
  executor: Executor;
  methods: readonly RewardModel[];
  limits: ExecutionLimits;
  groundTruthLimits: ExecutionLimits;
  /** Judge the ground truth as EvalPlus does (see `ExecuteProblemsOptions.evalPlus`). */
  evalPlus?: EvalPlusSettings;
  seed?: number | string;
  files?: RunFiles;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/** What a run reports as it goes, for progress displays. */
export type RunEvent =
  | { type: "completion"; kind: GenerationKind; cached: boolean }
  /** A problem with candidates is ready to execute; `verdictsKnown` verdicts are expected so far. */
  | { type: "problem-ready"; verdictsKnown: number }
  | { type: "verdict"; status: VerdictStatus }
  | { type: "input-error"; error: InputError };

/** What one kind of generation did. */
export interface GenerationCounts {
  completions: number;
  fromCache: number;
  /** Records written: solutions, or tests. */
  written: number;
  unparsed: number;
  /** Outputs with no code block, whose raw text was taken as the code. */
  rawExtractions: number;
  /** Problems whose generation the server rejected (each also an input error). */
  failed: number;
}

/** The result of {@link run}. */
export interface RunResult {
  rerank: RerankResult;
  generation: Record<GenerationKind, GenerationCounts>;
  errors: InputError[];
  inputs: { problems: number; candidates: number; tests: number };
  /** The code of every candidate, by id (for writing picks). */
  code: Map<string, string>;
  /** Seconds from the start until generation ended, and until the first verdict. */
  generateSeconds: number;
  firstVerdictSeconds: number | null;
}

/**
 * Generates solutions and unit tests, executes each problem as soon as both halves of its samples
 * are in (while later problems still generate), reranks with every method and scores the picks
 * against ground truth, in one go. Completions stream into the files as they are extracted, so
 * an interrupted run keeps them; outputs that yield no test become input errors, never a silent
 * gap.
 */
export async function run(options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const { problems, files } = options;
  const emit = options.onEvent ?? (() => {});
  const byId = new Map<string, Problem>(problems.map((problem) => [problem.id, problem]));
  const counts = (): GenerationCounts => ({
    completions: 0,
    fromCache: 0,
    written: 0,
    unparsed: 0,
    rawExtractions: 0,
    failed: 0,
  });
  const generation: Record<GenerationKind, GenerationCounts> = {
    solutions: counts(),
    tests: counts(),
  };
  const errors: InputError[] = [];
  const error = (item: InputError) => {
    errors.push(item);
    emit({ type: "input-error", error: item });
  };
  const code = new Map<string, string>();
  const inputs = { problems: problems.length, candidates: 0, tests: 0 };
  const samples = new AsyncQueue<ProblemSamples>();
  const halves = new Map<string, Partial<Record<GenerationKind, ProblemGeneration>>>();
  let generationEnded = started;
  let firstVerdict: number | undefined;

  /** Drains one generator, extracting each problem's records once all its samples are in. */
  const consume = async (kind: GenerationKind) => {
    const count = generation[kind];
    const jobs = generationJobs(
      problems,
      options.templates[kind],
      options.samplesPerProblem[kind],
      options.testCode,
    );
    const completed = generateByProblem(
      options.generators[kind],
      jobs,
      options.samplesPerProblem[kind],
      (completion) => {
        count.completions += 1;
        if (completion.cached) count.fromCache += 1;
        emit({ type: "completion", kind, cached: completion.cached });
      },
    );
    for await (const done of completed) {
      if (done.failure !== undefined) {
        count.failed += 1;
        error({ item: done.problemId, message: `${kind} generation failed: ${done.failure}` });
      }
      const problem = byId.get(done.problemId)!;
      const extracted = await extractProblem(
        kind,
        options.templates[kind],
        problem,
        done.completions,
      );
      count.written += extracted.solutions.length + extracted.tests.length;
      count.unparsed += extracted.unparsed.length;
      count.rawExtractions += extracted.rawExtractions;
      for (const item of extracted.unparsed)
        error({
          ...(files === undefined ? {} : { file: join(files.directory, "tests.unparsed.jsonl") }),
          item: `${item.task_id}#${item.sample_index}`,
          message: `test output yielded no test: ${item.reason}`,
        });
      if (files !== undefined) {
        await writeProblemGeneration(
          extracted,
          kind === "solutions" ? files.solutions : files.tests,
          files.unparsed,
        );
      }
      const half = { ...halves.get(problem.id), [kind]: extracted };
      if (half.solutions === undefined || half.tests === undefined) {
        halves.set(problem.id, half);
        continue;
      }
      halves.delete(problem.id);
      const candidates = candidatesOf(half.solutions);
      const tests = testsOf(half.tests);
      for (const candidate of candidates) code.set(candidate.id, candidate.code);
      inputs.candidates += candidates.length;
      inputs.tests += tests.length;
      samples.push({ problemId: problem.id, candidates, tests });
    }
  };
  const generating = Promise.all([consume("solutions"), consume("tests")]).then(
    () => {
      generationEnded = performance.now();
      samples.end();
    },
    (failure: unknown) => {
      samples.end(failure);
      throw failure;
    },
  );
  // The rerank below fails with the generation's error; this keeps it from being unhandled twice.
  generating.catch(() => {});

  const result = await rerank(
    { problems, samples },
    {
      executor: options.executor,
      methods: options.methods,
      limits: options.limits,
      groundTruthLimits: options.groundTruthLimits,
      ...(options.evalPlus === undefined ? {} : { evalPlus: options.evalPlus }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: (event) => {
        if ("total" in event) {
          emit({ type: "problem-ready", verdictsKnown: event.total });
          return;
        }
        firstVerdict ??= performance.now();
        emit({ type: "verdict", status: event.status });
      },
    },
  );
  await generating;
  return {
    rerank: result,
    generation,
    errors,
    inputs,
    code,
    generateSeconds: (generationEnded - started) / 1000,
    firstVerdictSeconds: firstVerdict === undefined ? null : (firstVerdict - started) / 1000,
  };
}
