import { loadProblems } from "@coderm/benchmarks";
import { CodermError, type TextGenerator } from "@coderm/core";
import { createOpenAIGenerator } from "@coderm/generators";
import { type OpenedExecutor, usageReport } from "@coderm/pipeline";
import {
  curateRewardData,
  defaultSimulationLimits,
  exportRewardData,
  readSearchTrees,
} from "@coderm/reward-nt";
import { type Command, InvalidArgumentError, Option } from "commander";
import { generationDatasetNames } from "../benchmark-options.js";
import type { CommandContext } from "../context.js";
import {
  addExecutorOptions,
  type ExecutorFlags,
  startSandboxedExecutor,
} from "../executor-options.js";
import {
  memoryLimitMb,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  probability,
  timeLimitMs,
} from "../options.js";
import { exitCodes, printJson, printSummary, printTable } from "../output.js";
import {
  addProblemSelectionOptions,
  type ProblemSelectionFlags,
  problemSelection,
} from "../problem-options.js";
import { createProgress } from "../progress.js";
import { registerNtStudyCommand } from "./nt-study.js";

interface SearchFlags extends ExecutorFlags, ProblemSelectionFlags {
  benchmark: string;
  problems?: string[];
  limit?: number;
  policyBaseUrl?: string;
  policyModel: string;
  judgeBaseUrl?: string;
  judgeModel?: string;
  out: string;
  rollouts: number;
  branches: number;
  seed: number;
  explorationWeight: number;
  reflection: boolean;
  parallel: number;
  temperature?: number;
  topP?: number;
  maxTokens: number;
  concurrency: number;
  maxRetries: number;
  apiKeyEnv?: string;
  timeLimit: number;
  memoryLimit: number;
  json?: boolean;
}

interface ExportFlags {
  trees: string;
  out: string;
  seed: number;
  json?: boolean;
}

/** Parses a command-line value as any whole number (negative too). */
function integer(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(number))
    throw new InvalidArgumentError("expected a whole number.");
  return number;
}

/** Registers `coderm nt mcts|export|study`. */
export function registerNtCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("nt")
    .description(
      "CodeRM-NT, the reward model that scores code without tests: curate its training data by Monte-Carlo tree search over partial programs, export it for the authors' trainer, and study how good it must be before hybrid reranking pays.",
    );
  registerNtStudyCommand(command, context);

  const search = command
    .command("mcts")
    .description(
      "Grow one search tree a problem: the policy's answer is cut into segments; its prefixes are continued first, then rewrites from scratch, then nodes chosen by UCT; each leaf's program runs with calling examples in the sandbox and an LLM judge scores it from the execution log. Trees are written to --out after every rollout: a rerun resumes them, asking the servers nothing twice (completions are cached).",
    )
    .addOption(
      new Option("--benchmark <name>", "problems to search")
        .choices(generationDatasetNames)
        .makeOptionMandatory(),
    )
    .option("--problems <id...>", "only these problems (say HumanEval/0 HumanEval/3)")
    .option("--limit <n>", "only the first N problems", positiveInteger)
    .addOption(
      new Option("--policy-base-url <url>", "the policy's server, e.g. http://host:8000/v1").env(
        "OPENAI_BASE_URL",
      ),
    )
    .requiredOption("--policy-model <name>", "the policy: writes, continues and rewrites answers")
    .option("--judge-base-url <url>", "the judge's server (default: --policy-base-url)")
    .option("--judge-model <name>", "the judge: scores programs 1-5 (default: --policy-model)")
    .requiredOption("--out <dir>", "directory of the trees (one JSON file a problem)")
    .option("--rollouts <n>", "rollouts a problem", positiveInteger, 10)
    .option("--branches <n>", "most expansions through a node", positiveInteger, 4)
    .option("--seed <n>", "seeds random choices and the servers' sampling seeds", integer, 0)
    .option(
      "--exploration-weight <c>",
      "c of UCT (default: the square root of 2)",
      nonNegativeNumber,
      Math.SQRT2,
    )
    .option(
      "--no-reflection",
      "do not show a continuation request another completion of its prefix with its feedback",
    )
    .option("--parallel <n>", "problems searched at once", positiveInteger, 4)
    .option(
      "--temperature <t>",
      "sampling temperature of both models (default: the server's)",
      nonNegativeNumber,
    )
    .option("--top-p <p>", "nucleus sampling of both models (default: the server's)", probability)
    .option("--max-tokens <n>", "longest completion", positiveInteger, 4096)
    .option("--concurrency <n>", "requests in flight (per server)", positiveInteger, 64)
    .option(
      "--max-retries <n>",
      "retries of a request on 429, 5xx, timeouts and dropped connections, with backoff",
      nonNegativeInteger,
      8,
    )
    .option(
      "--api-key-env <name>",
      "the environment variable holding the API key (default: OPENAI_API_KEY; local servers need none)",
    )
    .option(
      "--time-limit <ms>",
      "time limit of one simulated program",
      timeLimitMs,
      defaultSimulationLimits.timeMs,
    )
    .option(
      "--memory-limit <MiB>",
      "memory limit of one simulated program",
      memoryLimitMb,
      defaultSimulationLimits.memoryMb,
    )
    .option("--json", "print JSON");
  addProblemSelectionOptions(search);
  addExecutorOptions(search).action((flags: SearchFlags) => runSearch(flags, context));

  command
    .command("export")
    .description(
      "Write CodeRM-NT's training data from search trees: scalar-{train,validation}.jsonl ({raw_index, input, output, q, n}: the answer through each segment, label min(q/n, 1)) and pairwise-{train,validation}.jsonl ({raw_index, input, output_chosen, output_reject, q_chosen, n_chosen, q_reject, n_reject}: branching and end nodes off each other's root path whose q/n differ). The first 5% of each file's lines are the validation split.",
    )
    .requiredOption("--trees <dir>", "the trees `coderm nt mcts` wrote")
    .requiredOption("--out <dir>", "directory to write the four files to")
    .option("--seed <n>", "seeds which answer stands for a node in a pair", integer, 0)
    .option("--json", "print JSON")
    .action((flags: ExportFlags) => runExport(flags, context));
}

function chatGenerator(
  flags: SearchFlags,
  model: string,
  baseUrl: string | undefined,
): TextGenerator {
  let apiKey: string | undefined;
  if (flags.apiKeyEnv !== undefined) {
    apiKey = process.env[flags.apiKeyEnv];
    if (apiKey === undefined)
      throw new CodermError(
        "invalid-input",
        `the environment variable ${flags.apiKeyEnv} (the API key, --api-key-env) is not set`,
      );
  }
  return createOpenAIGenerator({
    model,
    ...(baseUrl === undefined ? {} : { baseURL: baseUrl }),
    ...(apiKey === undefined ? {} : { apiKey }),
    sampling: {
      maxTokens: flags.maxTokens,
      ...(flags.temperature === undefined ? {} : { temperature: flags.temperature }),
      ...(flags.topP === undefined ? {} : { topP: flags.topP }),
    },
    concurrency: flags.concurrency,
    maxRetries: flags.maxRetries,
    ...(flags.cache ? {} : { cache: false as const }),
  });
}

async function runSearch(flags: SearchFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  let problems = await loadProblems(flags.benchmark, problemSelection(flags));
  if (flags.problems !== undefined) {
    const known = new Set(problems.map((problem) => problem.id));
    const unknown = flags.problems.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new CodermError(
        "invalid-input",
        `--problems: ${flags.benchmark} has no problem ${unknown.join(", ")}`,
      );
    const wanted = new Set(flags.problems);
    problems = problems.filter((problem) => wanted.has(problem.id));
  }
  if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
  const policy = chatGenerator(flags, flags.policyModel, flags.policyBaseUrl);
  const judge = chatGenerator(
    flags,
    flags.judgeModel ?? flags.policyModel,
    flags.judgeBaseUrl ?? flags.policyBaseUrl,
  );
  const progress = createProgress({
    label: "tree search",
    total: problems.length * flags.rollouts,
    stream: output.stderr,
  });
  let opened: OpenedExecutor | undefined;
  try {
    opened = await startSandboxedExecutor(flags, "run the programs");
    let failed = 0;
    progress.setNote(
      () =>
        `${failed} failed, requests ${policy.usage.requests + judge.usage.requests} (${policy.usage.cached + judge.usage.cached} cached)`,
    );
    const summary = await curateRewardData({
      problems,
      policy,
      judge,
      executor: opened.executor,
      outDir: flags.out,
      rollouts: flags.rollouts,
      branches: flags.branches,
      explorationWeight: flags.explorationWeight,
      seed: flags.seed,
      reflection: flags.reflection,
      parallel: flags.parallel,
      limits: {
        ...defaultSimulationLimits,
        timeMs: flags.timeLimit,
        memoryMb: flags.memoryLimit,
      },
      ...(flags.python === undefined ? {} : { python: flags.python }),
      onProgress: (event) => {
        if (event.kind === "resumed" || event.kind === "rollout")
          progress.advance(Math.min(event.kind === "resumed" ? event.rollouts : 1, flags.rollouts));
        if (event.kind === "failed") {
          failed += 1;
          progress.advance(flags.rollouts - event.rollouts);
          output.stderr.write(`coderm: skipped: ${event.problemId}: ${event.reason}\n`);
        }
      },
    });
    progress.finish();
    const report = {
      benchmark: flags.benchmark,
      problems: summary.problems,
      completed: summary.completed,
      resumed: summary.resumed,
      rollouts_run: summary.rolloutsRun,
      nodes: summary.nodes,
      leaves: summary.leaves,
      failed: summary.failed.map((failure) => ({
        task_id: failure.problemId,
        reason: failure.reason,
      })),
      policy: { model: flags.policyModel, cached: policy.usage.cached, ...usageReport(policy) },
      judge: {
        model: flags.judgeModel ?? flags.policyModel,
        cached: judge.usage.cached,
        ...usageReport(judge),
      },
      confinement: opened.confinement,
      executed: opened.stats.executed,
      executions_cached: opened.stats.cached,
      out: flags.out,
      wall_s: Math.round((performance.now() - started) / 10) / 100,
    };
    printSummary(output, report, flags.json);
    context.exitCode = exitCodes.ok;
  } finally {
    progress.finish();
    await opened?.close();
    await policy.close();
    await judge.close();
  }
}

async function runExport(flags: ExportFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const trees = await readSearchTrees(flags.trees);
  if (trees.length === 0)
    throw new CodermError(
      "invalid-input",
      `--trees ${flags.trees}: no search trees (*.json) in it`,
    );
  const written = await exportRewardData({ trees, outDir: flags.out, seed: flags.seed });
  const report = {
    trees: written.trees,
    paths_kept: written.paths.kept,
    paths_skipped: written.paths.skipped,
    scalar: {
      train: written.scalar.train,
      validation: written.scalar.validation,
      files: [written.scalar.trainFile, written.scalar.validationFile],
    },
    pairwise: {
      train: written.pairwise.train,
      validation: written.pairwise.validation,
      files: [written.pairwise.trainFile, written.pairwise.validationFile],
    },
  };
  if (flags.json) printJson(output, report);
  else
    printTable(
      output,
      ["data", "train", "validation", "files"],
      [
        ["scalar", report.scalar.train, report.scalar.validation, report.scalar.files.join(" ")],
        [
          "pairwise",
          report.pairwise.train,
          report.pairwise.validation,
          report.pairwise.files.join(" "),
        ],
      ],
    );
  context.exitCode = exitCodes.ok;
}
