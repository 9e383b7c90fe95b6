import { loadProblems } from "@coderm/benchmarks";
import { createJsonlWriter } from "@coderm/core/node";
import {
  createGenerator,
  type GenerationCounts,
  type GenerationKind,
  generate,
  resolveTemplate,
  type TestCodeSource,
  usageReport,
} from "@coderm/pipeline";
import { type Command, Option } from "commander";
import { generationDatasetNames } from "../benchmark-options.js";
import type { CommandContext } from "../context.js";
import {
  addSamplingOptions,
  addTestCodeOption,
  type SamplingFlags,
} from "../generation-options.js";
import { positiveInteger } from "../options.js";
import { exitCodes, printSummary } from "../output.js";
import {
  addProblemSelectionOptions,
  type ProblemSelectionFlags,
  problemSelection,
} from "../problem-options.js";
import { createProgress } from "../progress.js";

interface GenerateFlags extends SamplingFlags, ProblemSelectionFlags {
  benchmark: string;
  baseUrl?: string;
  model: string;
  n: number;
  template?: string;
  templateFile?: string;
  testCode?: TestCodeSource;
  limit?: number;
  maxTokens: number;
  cache: boolean;
  out: string;
  json?: boolean;
}

/** Registers `coderm generate solutions|tests`. */
export function registerGenerateCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("generate")
    .description(
      "Sample solutions or unit tests for a benchmark's problems from an OpenAI-compatible server, writing the JSONL that `coderm rerank` reads. Every completion is cached: an interrupted run resumes, a rerun makes no request.",
    );
  for (const kind of ["solutions", "tests"] as const) {
    const sub = command
      .command(kind)
      .description(
        kind === "solutions"
          ? "candidate solutions: {task_id, solution, sample_index, extraction, finish_reason} per sample"
          : "unit tests: {task_id, test, kind, sample_index} per extracted test; outputs that yield no test go to <out>.unparsed.jsonl",
      )
      .addOption(
        new Option("--benchmark <name>", "problems to generate for")
          .choices(generationDatasetNames)
          .makeOptionMandatory(),
      )
      .addOption(
        new Option("--base-url <url>", "server base URL, e.g. http://host:8000/v1").env(
          "OPENAI_BASE_URL",
        ),
      )
      .requiredOption("--model <name>", "the served model")
      .option("--n <n>", "samples per problem", positiveInteger, 100)
      .option(
        "--template <name>",
        kind === "solutions"
          ? "instruct (chat, default), completion (base models), or livecodebench (LiveCodeBench's prompt; the default for livecodebench)"
          : "coderm-8b (default), codet or unittest-instruct",
      )
      .option("--template-file <file>", "a JSON prompt template of your own")
      .option("--limit <n>", "only the first N problems", positiveInteger)
      .option(
        "--max-tokens <n>",
        "longest completion",
        positiveInteger,
        kind === "solutions" ? 512 : 2048,
      );
    addProblemSelectionOptions(sub);
    if (kind === "tests") addTestCodeOption(sub);
    addSamplingOptions(sub)
      .option("--no-cache", "ignore and do not write the generation cache")
      .requiredOption("--out <file>", "output JSONL")
      .option("--json", "print JSON")
      .action((flags: GenerateFlags) => runGenerate(kind, flags, context));
  }
}

async function runGenerate(
  kind: GenerationKind,
  flags: GenerateFlags,
  context: CommandContext,
): Promise<void> {
  const { output } = context;
  const started = performance.now();
  const template = await resolveTemplate(
    kind,
    flags.template,
    flags.templateFile,
    "template",
    flags.benchmark,
  );
  let problems = await loadProblems(flags.benchmark, problemSelection(flags));
  if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
  const generator = createGenerator({ ...flags, template });
  const records = createJsonlWriter(flags.out);
  const unparsed = kind === "tests" ? createJsonlWriter(`${flags.out}.unparsed.jsonl`) : undefined;
  const progress = createProgress({
    label: `generating ${kind}`,
    total: problems.length * flags.n,
    stream: output.stderr,
  });
  const failed: { task_id: string; reason: string }[] = [];
  let counts: GenerationCounts;
  try {
    counts = await generate({
      kind,
      problems,
      generator,
      template,
      n: flags.n,
      ...(flags.testCode === undefined ? {} : { testCode: flags.testCode }),
      records,
      ...(unparsed === undefined ? {} : { unparsed }),
      onCompletion: () => progress.advance(),
      onFailure: (problemId, reason) => {
        failed.push({ task_id: problemId, reason });
        output.stderr.write(`coderm: skipped: ${problemId}: ${reason}\n`);
      },
    });
  } finally {
    progress.finish();
    await records.close();
    await unparsed?.close();
    await generator.close();
  }
  const report = {
    kind,
    benchmark: flags.benchmark,
    model: flags.model,
    template: template.name,
    problems: problems.length,
    completions: counts.completions,
    from_cache: counts.fromCache,
    written: counts.written,
    unparsed: counts.unparsed,
    raw_extractions: counts.rawExtractions,
    failed,
    usage: usageReport(generator),
    out: flags.out,
    wall_s: Math.round((performance.now() - started) / 10) / 100,
  };
  printSummary(output, report, flags.json);
  context.exitCode = exitCodes.ok;
}
