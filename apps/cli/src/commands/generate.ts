import { loadProblems } from "@coderm/benchmarks";
import { CodermError, createJsonlWriter, type Problem } from "@coderm/core";
import {
  createOpenAIGenerator,
  extractCodetAssertTests,
  extractSolution,
  extractUnittestTests,
  type GenerationJob,
  getPromptTemplate,
  loadPromptTemplate,
  type PromptTemplate,
} from "@coderm/generators";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CommandContext } from "../context.js";
import { positiveInteger } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress } from "../progress.js";

interface GenerateFlags {
  benchmark: string;
  baseUrl?: string;
  model: string;
  n: number;
  template?: string;
  templateFile?: string;
  limit?: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  seed?: number;
  concurrency: number;
  requestBudget?: number;
  cache: boolean;
  out: string;
  json?: boolean;
}

const number = (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError("not a number");
  return parsed;
};

/** Registers `coderm generate solutions|tests`. */
export function registerGenerateCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("generate")
    .description(
      "Sample solutions or unit tests for a benchmark's problems from an OpenAI-compatible server, writing the JSONL that `coderm rerank` reads. Every completion is cached: an interrupted run resumes, a rerun makes no request.",
    );
  for (const kind of ["solutions", "tests"] as const) {
    command
      .command(kind)
      .description(
        kind === "solutions"
          ? "candidate solutions: {task_id, solution, sample_index, extraction, finish_reason} per sample"
          : "unit tests: {task_id, test, kind, sample_index} per extracted test; outputs that yield no test go to <out>.unparsed.jsonl",
      )
      .addOption(
        new Option("--benchmark <name>", "problems to generate for")
          .choices(["humaneval", "humaneval+", "mbpp", "mbpp+", "codet-humaneval-codegen16b"])
          .makeOptionMandatory(),
      )
      .option(
        "--base-url <url>",
        "server base URL, e.g. http://host:8000/v1 (default: OPENAI_BASE_URL)",
      )
      .requiredOption("--model <name>", "the served model")
      .option("--n <n>", "samples per problem", positiveInteger, kind === "solutions" ? 100 : 10)
      .option(
        "--template <name>",
        kind === "solutions"
          ? "instruct (chat, default) or completion (base models)"
          : "coderm-8b (default), codet or unittest-instruct",
      )
      .option("--template-file <file>", "a JSON prompt template of your own")
      .option("--limit <n>", "only the first N problems", positiveInteger)
      .option("--temperature <t>", "sampling temperature", number, 0.8)
      .option("--top-p <p>", "nucleus sampling", number, 0.95)
      .option(
        "--max-tokens <n>",
        "longest completion",
        positiveInteger,
        kind === "solutions" ? 512 : 1024,
      )
      .option("--seed <n>", "sampling seed", positiveInteger)
      .option("--concurrency <n>", "requests in flight", positiveInteger, 64)
      .option("--request-budget <n>", "stop after this many requests", positiveInteger)
      .option("--no-cache", "ignore and do not write the generation cache")
      .requiredOption("--out <file>", "output JSONL")
      .option("--json", "print JSON")
      .action((flags: GenerateFlags) => runGenerate(kind, flags, context));
  }
}

async function runGenerate(
  kind: "solutions" | "tests",
  flags: GenerateFlags,
  context: CommandContext,
): Promise<void> {
  const { output } = context;
  const started = performance.now();
  const template: PromptTemplate =
    flags.templateFile !== undefined
      ? await loadPromptTemplate(flags.templateFile)
      : getPromptTemplate(flags.template ?? (kind === "solutions" ? "instruct" : "coderm-8b"));
  if ((template.kind === "tests") !== (kind === "tests"))
    throw new CodermError(
      "invalid-input",
      `template "${template.name}" makes ${template.kind}, not ${kind}`,
      { field: "--template" },
    );
  let problems = await loadProblems(flags.benchmark);
  if (flags.limit !== undefined) problems = problems.slice(0, flags.limit);
  const byId = new Map<string, Problem>(problems.map((problem) => [problem.id, problem]));
  const generator = createOpenAIGenerator({
    model: flags.model,
    ...(flags.baseUrl === undefined ? {} : { baseURL: flags.baseUrl }),
    sampling: {
      temperature: flags.temperature,
      topP: flags.topP,
      maxTokens: flags.maxTokens,
      ...(template.stop === undefined ? {} : { stop: template.stop }),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    },
    concurrency: flags.concurrency,
    ...(flags.requestBudget === undefined ? {} : { requestBudget: flags.requestBudget }),
    ...(flags.cache ? {} : { cache: false as const }),
  });
  const jobs: GenerationJob[] = problems.map((problem) => ({
    id: problem.id,
    template: template.name,
    n: flags.n,
    // The test writer sees the problem's signature and docstring as its "code solution".
    ...template.render(problem, { code: problem.prompt }),
  }));
  const writer = createJsonlWriter(flags.out);
  const unparsed = kind === "tests" ? createJsonlWriter(`${flags.out}.unparsed.jsonl`) : undefined;
  const progress = createProgress({
    label: `generating ${kind}`,
    total: jobs.length * flags.n,
    stream: output.stderr,
  });
  const counts = { completions: 0, cached: 0, written: 0, unparsed: 0, rawExtractions: 0 };
  try {
    for await (const completion of generator.generate(jobs)) {
      progress.advance();
      counts.completions += 1;
      if (completion.cached) counts.cached += 1;
      const problem = byId.get(completion.jobId)!;
      if (kind === "solutions") {
        const extraction =
          template.extract === "codet-solution" ? "codet-solution" : "markdown-python";
        await writer.write({
          task_id: problem.id,
          solution: extractSolution(problem, completion.text, extraction),
          sample_index: completion.index,
          extraction,
          finish_reason: completion.finishReason,
        });
        counts.written += 1;
        continue;
      }
      if (template.extract === "codet-asserts") {
        const [tests] = await extractCodetAssertTests([
          {
            completion: completion.text,
            problemId: problem.id,
            entryPoint: problem.entryPoint ?? "",
          },
        ]);
        for (const test of tests ?? []) {
          await writer.write({
            task_id: problem.id,
            test: test.code,
            kind: "assert",
            sample_index: completion.index,
          });
          counts.written += 1;
        }
        if ((tests ?? []).length === 0) {
          counts.unparsed += 1;
          await unparsed!.write({
            task_id: problem.id,
            sample_index: completion.index,
            reason: "no assert test",
            raw: completion.text,
          });
        }
        continue;
      }
      const [extracted] = await extractUnittestTests([
        {
          text: completion.text,
          problemId: problem.id,
          ...(problem.entryPoint ? { entryPoint: problem.entryPoint } : {}),
        },
      ]);
      if (extracted === undefined || !extracted.ok) {
        counts.unparsed += 1;
        await unparsed!.write({
          task_id: problem.id,
          sample_index: completion.index,
          reason: extracted?.ok === false ? extracted.reason : "no output",
          raw: completion.text,
        });
        continue;
      }
      if (extracted.rule === "raw") counts.rawExtractions += 1;
      for (const { test } of extracted.tests) {
        await writer.write({
          task_id: problem.id,
          test: test.code,
          kind: "unittest",
          sample_index: completion.index,
        });
        counts.written += 1;
      }
    }
  } finally {
    progress.finish();
    await writer.close();
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
    from_cache: counts.cached,
    written: counts.written,
    unparsed: counts.unparsed,
    usage: {
      requests: generator.usage.requests,
      prompt_tokens: generator.usage.promptTokens,
      completion_tokens: generator.usage.completionTokens,
    },
    out: flags.out,
    wall_s: Math.round((performance.now() - started) / 10) / 100,
  };
  if (flags.json) printJson(output, report);
  else
    printTable(
      output,
      ["metric", "value"],
      Object.entries(report).map(([key, value]) => [
        key,
        typeof value === "object" ? JSON.stringify(value) : value,
      ]),
    );
  context.exitCode = exitCodes.ok;
}
