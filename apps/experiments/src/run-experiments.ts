import { createTestBudget } from "@coderm/allocator";
import { getDataset } from "@coderm/benchmarks";
import { CodermError, type Executor, type ProblemMatrix, type RewardModel } from "@coderm/core";
import {
  createRewardMethod,
  executeProblems,
  filterTests,
  matrixTestQuality,
  type OpenedExecutor,
  requireTestBasedReward,
  rerank,
  runAllocationStudy,
  scoreMatrices,
} from "@coderm/pipeline";
import { createServedRewardModel, hybridStudy } from "@coderm/reward-nt";
import { createEmbeddedTestScorer } from "@coderm/reward-rmrf";
import type { RerankCellResult } from "./cell-results.js";
import {
  type AllocationCell,
  canonicalJson,
  type HybridCell,
  type PlannedCell,
  type RerankCell,
} from "./cells.js";
import { type GroupInputs, loadGroupInputs } from "./group-inputs.js";
import type { ResultsStore } from "./results-store.js";
import { evaluateRmrfCell } from "./rmrf-cell.js";

/** What a run reports as it goes, for progress displays. */
export type ExperimentEvent =
  /** Cells of the spec, distinct keys among them (experiments may share cells), keys stored. */
  | { type: "plan"; cells: number; distinct: number; stored: number }
  /** A stage begins: executing a group, running a study. */
  | { type: "stage"; label: string; total?: number }
  /** One unit of the current stage's total is done (a verdict, a completion). */
  | { type: "advance" }
  | { type: "cell"; key: string; experiment: string; seconds: number };

/** Options of {@link runExperiments}. */
export interface RunExperimentsOptions {
  /** The planned cells (see `planCells`); those already in the store are not computed. */
  cells: readonly PlannedCell[];
  store: ResultsStore;
  /** Opens the executor, the first time a cell needs one (a warm store opens nothing). */
  openExecutor: () => Promise<OpenedExecutor>;
  /** Where generated and materialised samples files go. */
  workDirectory: string;
  /** Use and fill the generation and reward caches (true). */
  cache?: boolean;
  onEvent?: (event: ExperimentEvent) => void;
}

/** What {@link runExperiments} did. */
export interface RunExperimentsSummary {
  cells: number;
  /** Distinct cell keys: experiments that share a cell compute and store it once. */
  distinct: number;
  /** Distinct cells found in the store, and computed by this run. */
  stored: number;
  computed: number;
  seconds: number;
}

/**
 * Computes every planned cell the store lacks, through the pipeline, storing each the moment it
 * is done: rerank cells by group (the same inputs, limits and test filter execute once and every
 * test-based cell scores those matrices; learned methods rerank on their own), then the studies.
 * A rerun computes only the missing cells; a killed run keeps what it stored, and its executions
 * are in the verdict cache.
 */
export async function runExperiments(
  options: RunExperimentsOptions,
): Promise<RunExperimentsSummary> {
  const started = performance.now();
  const { store, onEvent } = options;
  const unique = [...new Map(options.cells.map((planned) => [planned.key, planned])).values()];
  const stored = store.has(unique.map((planned) => planned.key));
  const missing = unique.filter((planned) => !stored.has(planned.key));
  onEvent?.({
    type: "plan",
    cells: options.cells.length,
    distinct: unique.length,
    stored: stored.size,
  });
  let opened: OpenedExecutor | undefined;
  const executor = async () => {
    opened ??= await options.openExecutor();
    return opened.executor;
  };
  const inputs = new Map<string, Promise<GroupInputs>>();
  const matrices = new Map<string, Promise<ProblemMatrix[]>>();
  const context: RunContext = { options, executor, inputs, matrices };
  try {
    const groups = new Map<string, PlannedCell[]>();
    for (const planned of missing) {
      const group = groupKey(planned);
      groups.set(group, [...(groups.get(group) ?? []), planned]);
    }
    for (const cells of groups.values()) {
      const first = cells[0]!.cell;
      if (first.kind === "rerank") {
        await runRerankGroup(cells, context);
        continue;
      }
      const cellStarted = performance.now();
      const result =
        first.kind === "rmrf-eval"
          ? await evaluateRmrfCell(
              first,
              () => onEvent?.({ type: "advance" }),
              (label, total) => onEvent?.({ type: "stage", label, total }),
            )
          : await runStudyCell(first, context);
      finish(context, cells[0]!, result, cellStarted);
    }
  } finally {
    await opened?.close();
  }
  return {
    cells: options.cells.length,
    distinct: unique.length,
    stored: stored.size,
    computed: missing.length,
    seconds: (performance.now() - started) / 1000,
  };
}

interface RunContext {
  options: RunExperimentsOptions;
  executor: () => Promise<Executor>;
  inputs: Map<string, Promise<GroupInputs>>;
  matrices: Map<string, Promise<ProblemMatrix[]>>;
}

function finish(context: RunContext, planned: PlannedCell, result: unknown, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  context.options.store.put(planned.key, planned.cell, result, seconds);
  context.options.onEvent?.({
    type: "cell",
    key: planned.key,
    experiment: planned.cell.experiment,
    seconds,
  });
}

/** The cells that execute together: the same inputs, limits and test filter; learned apart. */
function groupKey({ key, cell }: PlannedCell): string {
  if (cell.kind !== "rerank") return key;
  const learned = !isTestBased(cell.method.name);
  return canonicalJson({
    inputs: inputsKey(cell),
    filter: cell.method.filter,
    learned: learned ? cell.method : undefined,
  });
}

function inputsKey(cell: RerankCell): string {
  return canonicalJson({
    dataset: cell.dataset,
    candidates: cell.candidates,
    tests: cell.tests,
    limit: cell.limit,
    limits: cell.limits,
  });
}

function isTestBased(name: string): boolean {
  return !["nt", "hybrid", "combined"].includes(name);
}

async function groupInputs(cell: RerankCell, context: RunContext): Promise<GroupInputs> {
  const key = inputsKey(cell);
  let loaded = context.inputs.get(key);
  if (loaded === undefined) {
    const { onEvent } = context.options;
    if (cell.candidates.kind === "generate" || cell.tests.kind === "generate")
      onEvent?.({ type: "stage", label: `generating for ${cell.experiment}` });
    loaded = loadGroupInputs(cell, {
      workDirectory: context.options.workDirectory,
      generationCache: context.options.cache ?? true,
      onCompletion: () => onEvent?.({ type: "advance" }),
    });
    context.inputs.set(key, loaded);
  }
  return loaded;
}

async function runRerankGroup(cells: readonly PlannedCell[], context: RunContext): Promise<void> {
  const first = cells[0]!.cell as RerankCell;
  const { onEvent } = context.options;
  const loaded = await groupInputs(first, context);
  let input = loaded.input;
  let filtered: RerankCellResult["test_filter"];
  if (first.method.filter !== undefined) {
    const result = await filterTests(input, {
      scorer: createEmbeddedTestScorer({ name: first.method.filter.scorer }),
      threshold: first.method.filter.threshold,
    });
    input = result.input;
    filtered = {
      scorer: first.method.filter.scorer,
      threshold: first.method.filter.threshold,
      tests_kept: result.kept,
      tests_dropped: result.dropped,
    };
  }
  const executor = await context.executor();
  const sources =
    first.candidates.label === first.tests.label
      ? first.candidates.label
      : `${first.candidates.label} x ${first.tests.label}`;
  const label = `${first.experiment}: ${first.dataset}, ${sources}${filtered === undefined ? "" : ` (${filtered.scorer} filter)`}`;
  const progress = (event: { total: number } | object) => {
    if ("total" in event)
      onEvent?.({ type: "stage", label: `executing ${label}`, total: event.total });
    else onEvent?.({ type: "advance" });
  };
  const execution = {
    executor,
    limits: loaded.limits,
    groundTruthLimits: loaded.groundTruthLimits,
    judging: loaded.judging,
    ...(loaded.evalPlus === undefined ? {} : { evalPlus: loaded.evalPlus }),
  };
  const inputs = {
    problems: input.problems.length,
    candidates: input.candidates.length,
    tests: input.tests.length,
  };
  if (!isTestBased(first.method.name)) {
    for (const planned of cells) {
      const cell = planned.cell as RerankCell;
      const started = performance.now();
      const result = await rerank(input, {
        ...execution,
        methods: [methodOf(cell)],
        seed: cell.seed,
        repeats: cell.repeats,
        ...(cell.budget.candidates === "all"
          ? {}
          : { candidatesPerProblem: cell.budget.candidates }),
        onProgress: progress,
      });
      finish(
        context,
        planned,
        {
          scores: result.methods[cell.method.name] ?? {},
          test_quality: result.testQuality,
          inputs,
          skipped: loaded.skipped,
          test_executions: {
            executed: result.testExecutions.executed,
            all_candidates: result.testExecutions.allCandidates,
          },
          ...(filtered === undefined ? {} : { test_filter: filtered }),
        } satisfies RerankCellResult,
        started,
      );
    }
    return;
  }
  const data = await executeProblems(input, { ...execution, onProgress: progress });
  const quality = matrixTestQuality(data);
  for (const planned of cells) {
    const cell = planned.cell as RerankCell;
    const started = performance.now();
    const method = methodOf(cell);
    const testSelection =
      cell.budget.tests === "all"
        ? undefined
        : createTestBudget({
            budget: cell.budget.tests,
            allocation: cell.budget.allocation as "equal" | "greedy" | "oracle",
            method: requireTestBasedReward(method, "methods"),
            seed: cell.seed,
          });
    const scored = await scoreMatrices(data, {
      methods: [method],
      seed: cell.seed,
      repeats: cell.repeats,
      ...(cell.budget.candidates === "all" ? {} : { candidatesPerProblem: cell.budget.candidates }),
      ...(testSelection === undefined ? {} : { testSelection }),
    });
    finish(
      context,
      planned,
      {
        scores: scored.methods[method.name] ?? {},
        test_quality: quality,
        inputs,
        skipped: loaded.skipped,
        ...(filtered === undefined ? {} : { test_filter: filtered }),
      } satisfies RerankCellResult,
      started,
    );
  }
}

function methodOf(cell: RerankCell): RewardModel {
  const { method } = cell;
  let rewardModel: RewardModel | undefined;
  if (!isTestBased(method.name)) {
    const spec = cell.reward_model;
    if (spec === undefined)
      throw new CodermError("invalid-input", `method "${method.name}" needs reward_model`, {
        field: "reward_model",
        item: cell.experiment,
      });
    const apiKey = spec.api_key_env === undefined ? undefined : process.env[spec.api_key_env];
    rewardModel = createServedRewardModel({
      baseURL: spec.url,
      protocol: spec.protocol as Parameters<typeof createServedRewardModel>[0]["protocol"],
      model: spec.model,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(spec.thinking ? { thinking: true } : {}),
    });
  }
  return createRewardMethod(method.name, {
    seed: cell.seed,
    ...(rewardModel === undefined ? {} : { rewardModel }),
    ...(method.keep === undefined ? {} : { keep: method.keep }),
    ...(method.test_method === undefined ? {} : { testMethod: method.test_method }),
    ...(method.reward_weight === undefined ? {} : { rewardWeight: method.reward_weight }),
  });
}

/** A released set's executed matrices (shared by every study of the run on the same set). */
async function releasedMatrices(
  cell: AllocationCell | HybridCell,
  context: RunContext,
): Promise<{
  problems: ProblemMatrix[];
  limits: GroupInputs["limits"];
  judging: GroupInputs["judging"];
}> {
  const { dataset, limit, time_limit_ms: timeMs, memory_limit_mb: memoryMb } = cell.settings;
  const pseudo: RerankCell = {
    kind: "rerank",
    experiment: cell.experiment,
    dataset: getDataset(dataset).benchmark ?? dataset,
    candidates: { kind: "released", name: dataset, label: dataset },
    tests: { kind: "released", name: dataset, label: dataset },
    method: { name: "codet", label: "codet" },
    budget: { candidates: "all", tests: "all", allocation: "equal" },
    seed: 0,
    repeats: 1,
    ...(limit === undefined ? {} : { limit }),
    limits: { ...(timeMs === undefined ? {} : { time_ms: timeMs }), memory_mb: memoryMb },
  };
  const loaded = await groupInputs(pseudo, context);
  const key = inputsKey(pseudo);
  let problems = context.matrices.get(key);
  if (problems === undefined) {
    const executor = await context.executor();
    const { onEvent } = context.options;
    problems = executeProblems(loaded.input, {
      executor,
      limits: loaded.limits,
      groundTruthLimits: loaded.groundTruthLimits,
      judging: loaded.judging,
      onProgress: (event) => {
        if ("total" in event)
          onEvent?.({ type: "stage", label: `executing ${dataset}`, total: event.total });
        else onEvent?.({ type: "advance" });
      },
    });
    context.matrices.set(key, problems);
  }
  return { problems: await problems, limits: loaded.limits, judging: loaded.judging };
}

async function runStudyCell(
  cell: AllocationCell | HybridCell,
  context: RunContext,
): Promise<unknown> {
  const started = performance.now();
  const { problems, limits, judging } = await releasedMatrices(cell, context);
  const executeSeconds = (performance.now() - started) / 1000;
  const { onEvent } = context.options;
  if (cell.kind === "hybrid-study") {
    onEvent?.({
      type: "stage",
      label: `${cell.experiment}: hybrid study (simulated reward models)`,
    });
    const { settings } = cell;
    return hybridStudy(problems, {
      tests: requireTestBasedReward(
        createRewardMethod(settings.tests, { seed: settings.seed }),
        "tests",
      ),
      dataset: settings.dataset,
      aurocs: settings.aurocs,
      keeps: settings.keeps,
      seeds: settings.seeds,
      seed: settings.seed,
    });
  }
  onEvent?.({ type: "stage", label: `${cell.experiment}: allocation study` });
  const { settings } = cell;
  return runAllocationStudy(problems, {
    dataset: settings.dataset,
    executor: await context.executor(),
    limits,
    judging,
    executeSeconds,
    budgets: settings.budgets,
    seeds: settings.seeds,
    folds: settings.folds,
    draws: settings.draws,
    probeTests: settings.probe_tests,
    seed: settings.seed,
    rule: settings.early_stopping,
  });
}
