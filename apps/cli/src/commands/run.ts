import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import type { TextGenerator } from "@coderm/core";
import { createJsonlWriter } from "@coderm/core/node";
import type { PromptTemplate } from "@coderm/generators";
import {
  createGenerator,
  type GenerationCounts,
  type GenerationKind,
  type RunFiles,
  resolveTemplate,
  run,
  type TestCodeSource,
  usageReport,
} from "@coderm/pipeline";
import { type Command, Option } from "commander";
import { generationDatasetNames } from "../benchmark-options.js";
import type { CommandContext } from "../context.js";
import { addEvalPlusOptions, type EvalPlusFlags, groundTruthJudging } from "../evalplus-options.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import {
  addSamplingOptions,
  addTestCodeOption,
  type SamplingFlags,
} from "../generation-options.js";
import { positiveInteger } from "../options.js";
import { printJson } from "../output.js";
import {
  addProblemSelectionOptions,
  type ProblemSelectionFlags,
  problemSelection,
} from "../problem-options.js";
import { createProgress } from "../progress.js";
import {
  addRerankingOptions,
  printRerankReport,
  type RerankingFlags,
  type RerankReport,
  rerankingSettings,
  rerankReport,
  round,
  verdictTally,
  writeRerankOutputs,
} from "../rerank-report.js";

interface RunFlags
  extends ExecutorFlags,
    RerankingFlags,
    SamplingFlags,
    ProblemSelectionFlags,
    EvalPlusFlags {
  benchmark: string;
  limit?: number;
  baseUrl?: string;
  model: string;
  testBaseUrl?: string;
  testModel?: string;
  n: number;
  nTests: number;
  template?: string;
  templateFile?: string;
  testTemplate?: string;
  testTemplateFile?: string;
  testCode: TestCodeSource;
  maxTokens: number;
  testMaxTokens: number;
  generationCache: boolean;
}

/** What `coderm run --json` prints: `coderm rerank --json`'s report, plus the generation. */
interface RunReport extends RerankReport {
  generation: Record<GenerationKind, GenerationSummary>;
  timing: RerankReport["timing"] & { generate_s: number; first_verdict_s: number | null };
}

interface GenerationSummary {
  model: string;
  template: string;
  completions: number;
  from_cache: number;
  written: number;
  unparsed: number;
  /** Outputs with no code block, whose raw text was taken as the code. */
  raw_extractions: number;
  /** Problems whose generation the server rejected (each also an item under `errors`). */
  failed: number;
  usage: ReturnType<typeof usageReport>;
}

/** Registers `coderm run`. */
export function registerRunCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("run")
    .description(
      "Generate solutions and unit tests from OpenAI-compatible servers, execute every solution against every test as soon as a problem's samples are in (while later problems still generate), rerank and score the picks against ground truth, in one go. " +
        "`--json` prints `coderm rerank --json`'s report with the generation added; `--out DIR` also writes solutions.jsonl and tests.jsonl, which `coderm rerank --candidates/--tests` reads.",
    )
    .addOption(
      new Option("--benchmark <name>", "problems to run")
        .choices(generationDatasetNames)
        .makeOptionMandatory(),
    )
    .option("--limit <n>", "only the first N problems", positiveInteger)
    .addOption(
      new Option(
        "--base-url <url>",
        "the solution server's base URL, e.g. http://host:8000/v1",
      ).env("OPENAI_BASE_URL"),
    )
    .requiredOption("--model <name>", "the solution (policy) model")
    .option("--test-base-url <url>", "the test writer's server (default: --base-url)")
    .option("--test-model <name>", "the test writer (default: --model)")
    .option("--n <n>", "solutions a problem", positiveInteger, 100)
    .option("--n-tests <n>", "test generations a problem", positiveInteger, 100)
    .option(
      "--template <name>",
      "solution template: instruct (default), completion, or livecodebench (the default for livecodebench)",
    )
    .option("--template-file <file>", "a JSON solution template of your own")
    .option(
      "--test-template <name>",
      "test template: coderm-8b (default), codet or unittest-instruct",
    )
    .option("--test-template-file <file>", "a JSON test template of your own")
    .option("--max-tokens <n>", "longest solution", positiveInteger, 512)
    .option("--test-max-tokens <n>", "longest test generation", positiveInteger, 2048)
    .option(
      "--no-generation-cache",
      "ask the servers again instead of reading (or writing) the generation cache; verdicts stay cached (--no-cache turns off both)",
    );
  addProblemSelectionOptions(command);
  addEvalPlusOptions(command);
  addTestCodeOption(command);
  addSamplingOptions(command);
  addRerankingOptions(command, { timeLimit: "1000", groundTruthTimeLimit: "3000" });
  addExecutorOptions(command).action((flags: RunFlags) => runRun(flags, context));
}

async function runRun(flags: RunFlags, context: CommandContext): Promise<void> {
  const { output } = context;
  const started = performance.now();
  const templates: Record<GenerationKind, PromptTemplate> = {
    solutions: await resolveTemplate(
      "solutions",
      flags.template,
      flags.templateFile,
      "template",
      flags.benchmark,
    ),
    tests: await resolveTemplate(
      "tests",
      flags.testTemplate,
      flags.testTemplateFile,
      "testTemplate",
    ),
  };
  let problems = await loadProblems(flags.benchmark, problemSelection(flags));
  if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
  const samplesPerProblem: Record<GenerationKind, number> = {
    solutions: flags.n,
    tests: flags.nTests,
  };
  const models: Record<GenerationKind, string> = {
    solutions: flags.model,
    tests: flags.testModel ?? flags.model,
  };
  const testBaseUrl = flags.testBaseUrl ?? flags.baseUrl;
  const cache = flags.cache && flags.generationCache;
  const generators: Record<GenerationKind, TextGenerator> = {
    solutions: createGenerator({ ...flags, cache, template: templates.solutions }),
    tests: createGenerator({
      ...flags,
      cache,
      model: models.tests,
      ...(testBaseUrl === undefined ? {} : { baseUrl: testBaseUrl }),
      maxTokens: flags.testMaxTokens,
      template: templates.tests,
    }),
  };
  const settings = rerankingSettings(flags, { timeMs: 1000, groundTruthTimeMs: 3000 });
  const { limits, methods } = settings;
  const { groundTruthLimits, evalPlus } = groundTruthJudging(
    flags.benchmark,
    flags,
    settings.groundTruthLimits,
  );
  let files: RunFiles | undefined;
  if (flags.out !== undefined) {
    await mkdir(flags.out, { recursive: true });
    files = {
      directory: flags.out,
      solutions: createJsonlWriter(join(flags.out, "solutions.jsonl")),
      tests: createJsonlWriter(join(flags.out, "tests.jsonl")),
      unparsed: createJsonlWriter(join(flags.out, "tests.unparsed.jsonl")),
    };
  }

  // One display: completions and verdicts together. Verdicts of problems not in yet are
  // estimated from those that are.
  const progress = createProgress({ label: "run", stream: output.stderr });
  const completionsTotal = problems.length * (flags.n + flags.nTests);
  const counts = { completions: 0, verdicts: 0, verdictsKnown: 0, arrived: 0 };
  const tally = verdictTally();
  const updateTotal = () => {
    const perProblem = counts.arrived > 0 ? counts.verdictsKnown / counts.arrived : 0;
    progress.setTotal(
      completionsTotal +
        counts.verdictsKnown +
        Math.round(perProblem * (problems.length - counts.arrived)),
    );
  };
  updateTotal();
  progress.setNote(
    () =>
      `generated ${counts.completions}/${completionsTotal}, executed ${counts.verdicts}/${counts.verdictsKnown}${counts.arrived < problems.length ? "+" : ""} ${tally.note()}`,
  );

  const opened = await startExecutor(flags, output);
  let report: RunReport;
  try {
    const result = await run({
      problems,
      generators,
      templates,
      samplesPerProblem,
      testCode: flags.testCode,
      executor: opened.executor,
      methods,
      limits,
      groundTruthLimits,
      ...(evalPlus === undefined ? {} : { evalPlus }),
      seed: flags.seed,
      ...(files === undefined ? {} : { files }),
      onEvent: (event) => {
        if (event.type === "completion") {
          counts.completions += 1;
          progress.advance();
        } else if (event.type === "problem-ready") {
          counts.arrived += 1;
          counts.verdictsKnown = event.verdictsKnown;
          updateTotal();
        } else if (event.type === "verdict") {
          counts.verdicts += 1;
          tally.onVerdict(event.status);
          progress.advance();
        }
      },
    });
    const base = rerankReport({
      name: flags.benchmark,
      result: result.rerank,
      inputs: result.inputs,
      codetPacking: false,
      packedSuiteFailures: [],
      errors: result.errors,
      executor: opened,
      started,
    });
    const summary = (kind: GenerationKind): GenerationSummary =>
      generationSummary(
        models[kind],
        templates[kind].name,
        result.generation[kind],
        generators[kind],
      );
    report = {
      ...base,
      generation: { solutions: summary("solutions"), tests: summary("tests") },
      timing: {
        ...base.timing,
        generate_s: round(result.generateSeconds),
        first_verdict_s:
          result.firstVerdictSeconds === null ? null : round(result.firstVerdictSeconds),
      },
    };
    if (flags.out !== undefined) await writeRerankOutputs(flags.out, result.rerank, result.code);
  } finally {
    progress.finish();
    await opened.close();
    await Promise.all([
      files?.solutions.close(),
      files?.tests.close(),
      files?.unparsed.close(),
      generators.solutions.close(),
      generators.tests.close(),
    ]);
  }

  if (flags.json) {
    printJson(output, report);
    return;
  }
  printRerankReport(output, report);
  const { solutions, tests } = report.generation;
  output.stdout.write(
    `generation: ${solutions.completions} solutions (${solutions.from_cache} from cache, ${solutions.usage.requests} requests), ` +
      `${tests.completions} test outputs (${tests.from_cache} from cache, ${tests.usage.requests} requests) giving ${tests.written} tests, ${tests.unparsed} unparsed; ` +
      `first verdict at ${report.timing.first_verdict_s ?? "-"} s, generation done at ${report.timing.generate_s} s\n`,
  );
}

function generationSummary(
  model: string,
  template: string,
  counts: GenerationCounts,
  generator: TextGenerator,
): GenerationSummary {
  return {
    model,
    template,
    completions: counts.completions,
    from_cache: counts.fromCache,
    written: counts.written,
    unparsed: counts.unparsed,
    raw_extractions: counts.rawExtractions,
    failed: counts.failed,
    usage: usageReport(generator),
  };
}
