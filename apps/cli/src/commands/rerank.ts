import { createTestBudget, testBudgetAllocations } from "@coderm/allocator";
import { filterTests, loadRerankInputs, requireTestBasedReward, rerank } from "@coderm/pipeline";
import { createEmbeddedTestScorer } from "@coderm/reward-rmrf";
import { type Command, Option } from "commander";
import { benchmarkNames } from "../benchmark-options.js";
import type { CommandContext } from "../context.js";
import { addEvalPlusOptions, type EvalPlusFlags, groundTruthJudging } from "../evalplus-options.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import {
  addSkipBadLinesOption,
  reportSkippedLines,
  requireInputFile,
  type SkipBadLinesFlags,
} from "../input-files.js";
import { positiveInteger, positiveNumber, probability, problemIds } from "../options.js";
import { printJson } from "../output.js";
import { createProgress } from "../progress.js";
import {
  addRerankingOptions,
  printRerankReport,
  type RerankingFlags,
  type RerankReport,
  rerankingSettings,
  rerankReport,
  verdictTally,
  writeRerankOutputs,
} from "../rerank-report.js";

interface RerankFlags extends ExecutorFlags, RerankingFlags, SkipBadLinesFlags, EvalPlusFlags {
  dataset?: string;
  benchmark?: string;
  candidates?: string;
  tests?: string;
  limitTestsPerSample: number;
  problems?: string[];
  limit?: number;
  nCandidates?: number;
  nTests?: number;
  repeats: number;
  codetPacking?: boolean;
  testBudget?: number;
  allocation: (typeof testBudgetAllocations)[number];
  filterTests?: "rmrf";
  filterThreshold: number;
  filterModel?: string;
}

/** Registers `coderm rerank`. */
export function registerRerankCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("rerank")
    .description(
      "Execute candidates against generated tests, pick a solution per problem with each test-based method, and score the picks against ground truth. " +
        "With no inputs: HumanEval with CodeT's released CodeGen-Mono-16B solutions and tests, CodeT's post-processing and limits.",
    )
    .option("--dataset <name>", "a released sample set (default: codet-humaneval-codegen16b)")
    .addOption(
      new Option("--benchmark <name>", "problems and ground truth for file inputs").choices(
        benchmarkNames,
      ),
    )
    .option("--candidates <file>", "JSONL: {task_id, solution} or {task_id, completion} per sample")
    .option(
      "--tests <file>",
      "JSONL: {task_id, test, kind?: assert|unittest, sample_index?} per generated test",
    )
    .option(
      "--problems <ids>",
      "only these problems: ids separated by commas (HumanEval/0,HumanEval/5), repeatable; --limit then counts among them",
      problemIds,
    )
    .option("--limit <n>", "only the first N problems", positiveInteger)
    .option(
      "--limit-tests-per-sample <n>",
      "tests kept from each test sample of a sample set (CodeT keeps 5)",
      positiveInteger,
      5,
    )
    .option(
      "--n-candidates <n>",
      "candidates drawn at random per problem in each repeat",
      positiveInteger,
    )
    .option(
      "--n-tests <n>",
      "test samples (generations) drawn at random per problem in each repeat",
      positiveInteger,
    )
    .option(
      "--repeats <n>",
      "repeats of the random subsets, reported as mean and 95% interval",
      positiveInteger,
      1,
    )
    .option(
      "--test-budget <n>",
      "keep only this many tests per problem on average, spent across problems by --allocation (drawn again in each repeat)",
      positiveNumber,
    )
    .addOption(
      new Option(
        "--allocation <strategy>",
        "how --test-budget is spent: equal, greedy (on predicted difficulty, cross-validated) or oracle (greedy on the gold pass rate); greedy follows the first of --methods",
      )
        .choices([...testBudgetAllocations])
        .default("equal"),
    )
    .option(
      "--codet-packing",
      "judge as CodeT's runner does: a problem whose tests do not compile packed into one function fails every candidate (default for sample sets)",
    )
    .option("--no-codet-packing", "judge every test on its own (default for file inputs)")
    .addOption(
      new Option(
        "--filter-tests <scorer>",
        "drop generated tests a run-free predictor says will not run correctly, before executing anything: rmrf (the embedded RM-RF model; the focal code is each problem's most frequent candidate)",
      ).choices(["rmrf"]),
    )
    .option(
      "--filter-threshold <p>",
      "with --filter-tests: drop a test whose predicted probability of running correctly is below this",
      probability,
      0.5,
    )
    .option(
      "--filter-model <file>",
      "with --filter-tests rmrf: a model file that `coderm rmrf train` wrote (default: the shipped model)",
    );
  addSkipBadLinesOption(command);
  addRerankingOptions(command, {
    timeLimit: "100, CodeT's, for sample sets; 1000 for files",
    groundTruthTimeLimit: "as --time-limit for sample sets, 3000 for files",
  });
  addEvalPlusOptions(command);
  addExecutorOptions(command).action((flags: RerankFlags) => runRerank(flags, context));
}

async function runRerank(flags: RerankFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  const files = flags.candidates !== undefined || flags.tests !== undefined;
  // A half-given set of file inputs is named by the loader; whole ones are checked here.
  if (
    flags.candidates !== undefined &&
    flags.tests !== undefined &&
    flags.benchmark !== undefined
  ) {
    requireInputFile("--candidates", flags.candidates);
    requireInputFile("--tests", flags.tests);
  }
  const loaded = await loadRerankInputs({
    ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }),
    ...(flags.benchmark === undefined ? {} : { benchmark: flags.benchmark }),
    ...(flags.candidates === undefined ? {} : { candidatesFile: flags.candidates }),
    ...(flags.tests === undefined ? {} : { testsFile: flags.tests }),
    testsPerSample: flags.limitTestsPerSample,
    ...(flags.skipBadLines ? { skipBadLines: true } : {}),
    ...(flags.problems === undefined ? {} : { problems: flags.problems }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
    ...(flags.codetPacking === undefined
      ? {}
      : { judging: flags.codetPacking ? "codet-packed-suite" : "verdicts" }),
  });
  const { name, errors, judging, judgingRule } = loaded;
  reportSkippedLines(
    output,
    errors.map((error) => error.message),
  );
  let input = loaded.input;
  let testFilter: RerankReport["test_filter"];
  if (flags.filterTests !== undefined) {
    const scorer = createEmbeddedTestScorer({
      name: flags.filterTests,
      ...(flags.filterModel === undefined ? {} : { model: flags.filterModel }),
    });
    const filtered = await filterTests(input, { scorer, threshold: flags.filterThreshold });
    input = filtered.input;
    testFilter = {
      scorer: scorer.name,
      threshold: flags.filterThreshold,
      tests_scored: filtered.scored,
      tests_kept: filtered.kept,
      tests_dropped: filtered.dropped,
      score_s: filtered.seconds,
    };
  }
  const timeMs = files ? 1000 : 100;
  const settings = rerankingSettings(flags, {
    timeMs,
    groundTruthTimeMs: files ? 3000 : (flags.timeLimit ?? timeMs),
  });
  const { limits, methods } = settings;
  const { groundTruthLimits, evalPlus } = groundTruthJudging(
    files ? flags.benchmark : undefined,
    flags,
    settings.groundTruthLimits,
  );
  const testSelection =
    flags.testBudget === undefined
      ? undefined
      : createTestBudget({
          budget: flags.testBudget,
          allocation: flags.allocation,
          method: requireTestBasedReward(methods[0]!, "methods"),
          seed: flags.seed,
        });

  const opened = await startExecutor(flags, output);
  try {
    const progress = createProgress({ label: "executing", stream: output.stderr });
    const tally = verdictTally();
    progress.setNote(tally.note);
    const result = await rerank(input, {
      executor: opened.executor,
      methods,
      limits,
      groundTruthLimits,
      ...(evalPlus === undefined ? {} : { evalPlus }),
      repeats: flags.repeats,
      seed: flags.seed,
      judging,
      ...(flags.nCandidates === undefined ? {} : { candidatesPerProblem: flags.nCandidates }),
      ...(flags.nTests === undefined ? {} : { testSamplesPerProblem: flags.nTests }),
      ...(testSelection === undefined ? {} : { testSelection }),
      onProgress: (event) => {
        if ("total" in event) {
          progress.setTotal(event.total);
          return;
        }
        tally.onVerdict(event.status);
        progress.advance();
      },
    });
    progress.finish();
    const report = rerankReport({
      name,
      result,
      inputs: {
        problems: input.problems.length,
        candidates: input.candidates.length,
        tests: input.tests.length,
      },
      codetPacking: judgingRule === "codet-packed-suite",
      packedSuiteFailures: [...judging.failedSuites],
      errors,
      executor: opened,
      started,
      ...(testFilter === undefined ? {} : { testFilter }),
    });
    if (flags.out !== undefined)
      await writeRerankOutputs(
        flags.out,
        result,
        new Map(input.candidates.map((candidate) => [candidate.id, candidate.code])),
      );
    if (flags.json) printJson(output, report);
    else printRerankReport(output, report);
  } finally {
    await opened.close();
  }
}
