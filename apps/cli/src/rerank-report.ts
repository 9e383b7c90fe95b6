import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ExecutionLimits, Interval, RewardModel, VerdictStatus } from "@coderm/core";
import { createJsonlWriter, writeJsonl } from "@coderm/core/node";
import {
  createRewardMethod,
  type InputError,
  learnedMethods,
  type OpenedExecutor,
  type RerankResult,
  rewardMethods,
} from "@coderm/pipeline";
import { type Command, InvalidArgumentError } from "commander";
import { memoryLimitMb, timeLimitMs } from "./options.js";
import { type Output, printTable } from "./output.js";
import {
  addLearnedMethodOptions,
  type LearnedMethodFlags,
  learnedMethodSettings,
  openRewardModel,
} from "./reward-model-options.js";

/** The flags of the commands that rerank. */
export interface RerankingFlags extends LearnedMethodFlags {
  methods: string[];
  seed: string;
  timeLimit?: number;
  groundTruthTimeLimit?: number;
  memoryLimit: number;
  out?: string;
  json?: boolean;
}

function methodList(value: string): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(rewardMethods as readonly string[]).includes(name))
      throw new InvalidArgumentError(
        `unknown method "${name}" (methods: ${rewardMethods.join(", ")}).`,
      );
  }
  return names;
}

/** The methods a run compares by default: every one that needs no served reward model. */
const defaultMethods = rewardMethods.filter(
  (name) => !(learnedMethods as readonly string[]).includes(name),
);

/**
 * Adds `--methods`, `--seed`, `--time-limit`, `--ground-truth-time-limit`, `--memory-limit`,
 * `--out`, `--json` and the served reward model's flags to a command; the time limits' defaults
 * are described by the caller.
 */
export function addRerankingOptions(
  command: Command,
  defaults: { timeLimit: string; groundTruthTimeLimit: string },
): Command {
  return addLearnedMethodOptions(command)
    .option(
      "--methods <list>",
      `comma-separated methods (${rewardMethods.join(", ")}; ${learnedMethods.join(", ")} need --reward-url)`,
      methodList,
      [...defaultMethods],
    )
    .option("--seed <seed>", "seed of random picks and subsets", "0")
    .option(
      "--time-limit <ms>",
      `time limit of a generated test (default: ${defaults.timeLimit})`,
      timeLimitMs,
    )
    .option(
      "--ground-truth-time-limit <ms>",
      `time limit of a ground-truth test (default: ${defaults.groundTruthTimeLimit})`,
      timeLimitMs,
    )
    .option("--memory-limit <mb>", "memory limit of a candidate in MiB", memoryLimitMb, 1024)
    .option(
      "--out <dir>",
      "write selected.jsonl (each method's pick per problem) and problems.jsonl (per-problem details)",
    )
    .option("--json", "print JSON");
}

/** The limits and methods the flags describe, with the command's default time limits. */
export function rerankingSettings(
  flags: RerankingFlags & { cache?: boolean },
  defaults: { timeMs: number; groundTruthTimeMs: number },
): { limits: ExecutionLimits; groundTruthLimits: ExecutionLimits; methods: RewardModel[] } {
  const usesRewardModel = flags.methods.some((name) =>
    (learnedMethods as readonly string[]).includes(name),
  );
  const rewardModel = usesRewardModel ? openRewardModel(flags) : undefined;
  const limits: ExecutionLimits = {
    timeMs: flags.timeLimit ?? defaults.timeMs,
    memoryMb: flags.memoryLimit,
    outputBytes: 1024,
  };
  return {
    limits,
    groundTruthLimits: {
      ...limits,
      timeMs: flags.groundTruthTimeLimit ?? defaults.groundTruthTimeMs,
    },
    methods: flags.methods.map((method) =>
      createRewardMethod(method, {
        seed: flags.seed,
        ...learnedMethodSettings(flags, rewardModel),
      }),
    ),
  };
}

/** Counts verdicts by status, for a progress note. */
export function verdictTally(): {
  onVerdict: (status: VerdictStatus) => void;
  note: () => string;
} {
  const tally: Partial<Record<VerdictStatus, number>> = {};
  return {
    onVerdict: (status) => {
      tally[status] = (tally[status] ?? 0) + 1;
    },
    note: () =>
      Object.entries(tally)
        .map(([status, count]) => `${status} ${count}`)
        .join(" "),
  };
}

/** What `coderm rerank --json` prints (and `coderm run --json`, with its generation added). */
export interface RerankReport {
  dataset: string;
  methods: RerankResult["methods"];
  test_quality: RerankResult["testQuality"];
  inputs: { problems: number; candidates: number; tests: number };
  codet_packing: { applied: boolean; failed_suites: string[] };
  errors: { count: number; items: InputError[] };
  executions: {
    unique: number;
    cached: number;
    deduplicated: number;
    by_verdict: Record<string, number>;
  };
  timing: { wall_s: number; execute_s: number };
  /**
   * Generated-test executions (distinct candidate x distinct test): run, needed to test every
   * candidate, and needed by each method that prunes candidates before testing (hybrid).
   */
  test_executions: { executed: number; all_candidates: number; by_method: Record<string, number> };
  /** The run-free test filter, when one dropped tests before execution. */
  test_filter?: {
    scorer: string;
    threshold: number;
    tests_scored: number;
    tests_kept: number;
    tests_dropped: number;
    score_s: number;
  };
}

/** Builds the report of a finished rerank. */
export function rerankReport(options: {
  name: string;
  result: RerankResult;
  inputs: RerankReport["inputs"];
  codetPacking: boolean;
  packedSuiteFailures: string[];
  errors: InputError[];
  executor: OpenedExecutor;
  started: number;
  testFilter?: RerankReport["test_filter"];
}): RerankReport {
  const { result, executor } = options;
  return {
    dataset: options.name,
    methods: result.methods,
    test_quality: result.testQuality,
    inputs: options.inputs,
    codet_packing: { applied: options.codetPacking, failed_suites: options.packedSuiteFailures },
    errors: { count: options.errors.length, items: options.errors },
    executions: {
      unique: executor.stats.executed,
      cached: executor.stats.cached,
      deduplicated: executor.stats.deduplicated,
      by_verdict: executor.stats.byStatus,
    },
    timing: {
      wall_s: round((performance.now() - options.started) / 1000),
      execute_s: round(result.executeSeconds),
    },
    test_executions: {
      executed: result.testExecutions.executed,
      all_candidates: result.testExecutions.allCandidates,
      by_method: result.testExecutions.byMethod,
    },
    ...(options.testFilter === undefined ? {} : { test_filter: options.testFilter }),
  };
}

/** Writes `problems.jsonl` and `selected.jsonl` (each method's picks, with their code) to `dir`. */
export async function writeRerankOutputs(
  dir: string,
  result: RerankResult,
  code: ReadonlyMap<string, string>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeJsonl(join(dir, "problems.jsonl"), result.problems);
  const selected = createJsonlWriter(join(dir, "selected.jsonl"));
  try {
    for (const problem of result.problems) {
      for (const [method, picks] of Object.entries(problem.picks)) {
        await selected.write({
          task_id: problem.problemId,
          method,
          expected_pass: problem.methods[method],
          solutions: picks.map((id) => code.get(id)),
        });
      }
    }
  } finally {
    await selected.close();
  }
}

/** Prints a rerank's scores as a table, then the run's counts and test quality. */
export function printRerankReport(output: Output, report: RerankReport): void {
  const metrics = [
    ...new Set(Object.values(report.methods).flatMap((scores) => Object.keys(scores))),
  ].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  printTable(
    output,
    ["method", ...metrics],
    Object.entries(report.methods).map(([method, scores]) => [
      method,
      ...metrics.map((metric) => format(scores[metric])),
    ]),
  );
  const { inputs, executions, timing } = report;
  output.stdout.write(
    `\n${report.dataset}: ${inputs.problems} problems, ${inputs.candidates} candidates, ${inputs.tests} tests; ` +
      `${executions.unique} executed, ${executions.cached} from cache; ${timing.wall_s} s (execution ${timing.execute_s} s)\n`,
  );
  const tested = report.test_executions;
  for (const [method, count] of Object.entries(tested.by_method))
    output.stdout.write(
      `${method} tests ${count} of ${tested.all_candidates} candidate x test pairs (${(100 * (1 - count / Math.max(1, tested.all_candidates))).toFixed(1)} % saved)\n`,
    );
  const filter = report.test_filter;
  if (filter !== undefined)
    output.stdout.write(
      `test filter ${filter.scorer} (runs >= ${filter.threshold}): ${filter.tests_dropped} of ${filter.tests_scored} distinct tests dropped before execution, scored in ${filter.score_s.toFixed(1)} s\n`,
    );
  const quality = report.test_quality;
  output.stdout.write(
    `test quality (single / combined): accuracy ${format(quality.single.accuracy)} / ${format(quality.combined.accuracy)}, F1 ${format(quality.single.f1)} / ${format(quality.combined.f1)}, ` +
      `FAR ${format(quality.single.falseAcceptanceRate)} / ${format(quality.combined.falseAcceptanceRate)}, FRR ${format(quality.single.falseRejectionRate)} / ${format(quality.combined.falseRejectionRate)}\n`,
  );
}

function format(value: number | Interval | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number") return value.toFixed(2);
  return `${value.mean.toFixed(2)} [${value.low.toFixed(2)}, ${value.high.toFixed(2)}]`;
}

/** Rounds to hundredths. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
