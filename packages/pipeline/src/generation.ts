import {
  AsyncQueue,
  type Candidate,
  CodermError,
  type Completion,
  type GenerationJob,
  type Problem,
  type TextGenerator,
  type UnitTest,
} from "@coderm/core";
import type { JsonlWriter } from "@coderm/core/node";
import {
  createOpenAIGenerator,
  extractCodetAssertTests,
  extractSolution,
  extractUnittestTests,
  getPromptTemplate,
  loadPromptTemplate,
  type PromptTemplate,
} from "@coderm/generators";
import {
  candidateOfRecord,
  type SolutionRecord,
  solutionRecordSchema,
  type TestRecord,
  testOfRecord,
  testRecordSchema,
  type UnparsedRecord,
  unparsedRecordSchema,
  writeRecords,
} from "./sample-files.js";

/** What a generation makes: candidate solutions or unit tests. */
export type GenerationKind = "solutions" | "tests";

/** What the test writer sees as `{code}`: the problem's prompt, or its canonical solution. */
export type TestCodeSource = "prompt" | "canonical";

/**
 * The template a generation uses: a template file, else a named template, else the kind's
 * default (`instruct` for solutions, LiveCodeBench's own for its problems; `coderm-8b` for
 * tests). A template of the other kind is an error naming the field.
 */
export async function resolveTemplate(
  kind: GenerationKind,
  name: string | undefined,
  file: string | undefined,
  field: string,
  benchmark?: string,
): Promise<PromptTemplate> {
  const solutionDefault = benchmark === "livecodebench" ? "livecodebench" : "instruct";
  const template =
    file !== undefined
      ? await loadPromptTemplate(file)
      : getPromptTemplate(name ?? (kind === "solutions" ? solutionDefault : "coderm-8b"));
  if ((template.kind === "tests") !== (kind === "tests"))
    throw new CodermError(
      "invalid-input",
      `template "${template.name}" makes ${template.kind === "tests" ? "tests" : "solutions"}, not ${kind}`,
      { field },
    );
  return template;
}

/** Settings of one OpenAI-compatible generator. */
export interface GeneratorSettings {
  model: string;
  baseUrl?: string;
  /** The environment variable holding the API key (default `OPENAI_API_KEY`). */
  apiKeyEnv?: string;
  template: PromptTemplate;
  temperature: number;
  topP: number;
  maxTokens: number;
  samplingSeed?: number;
  concurrency: number;
  maxRetries: number;
  requestBudget?: number;
  cache: boolean;
}

/** Creates the OpenAI-compatible generator the settings describe. */
export function createGenerator(settings: GeneratorSettings): TextGenerator {
  let apiKey: string | undefined;
  if (settings.apiKeyEnv !== undefined) {
    apiKey = process.env[settings.apiKeyEnv];
    if (apiKey === undefined)
      throw new CodermError(
        "invalid-input",
        `the environment variable ${settings.apiKeyEnv} (the API key) is not set`,
        { field: "apiKeyEnv" },
      );
  }
  return createOpenAIGenerator({
    model: settings.model,
    ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }),
    ...(apiKey === undefined ? {} : { apiKey }),
    sampling: {
      temperature: settings.temperature,
      topP: settings.topP,
      maxTokens: settings.maxTokens,
      ...(settings.template.stop === undefined ? {} : { stop: settings.template.stop }),
      ...(settings.samplingSeed === undefined ? {} : { seed: settings.samplingSeed }),
    },
    concurrency: settings.concurrency,
    maxRetries: settings.maxRetries,
    ...(settings.requestBudget === undefined ? {} : { requestBudget: settings.requestBudget }),
    ...(settings.cache ? {} : { cache: false as const }),
  });
}

/** One generation job per problem, with the problem's id as the job's id. */
export function generationJobs(
  problems: readonly Problem[],
  template: PromptTemplate,
  n: number,
  testCode: TestCodeSource = "prompt",
): GenerationJob[] {
  return problems.map((problem) => {
    let code = problem.prompt;
    if (template.kind === "tests" && testCode === "canonical") {
      if (problem.canonicalSolution === undefined)
        throw new CodermError("invalid-input", `problem ${problem.id} has no canonical solution`, {
          field: "testCode",
          item: problem.id,
        });
      code = problem.canonicalSolution;
    }
    const { stop, ...rendered } = template.render(problem, { code });
    return {
      id: problem.id,
      template: template.name,
      n,
      ...rendered,
      ...(stop === undefined ? {} : { sampling: { stop } }),
    };
  });
}

/** What one problem's completions became. */
export interface ProblemGeneration {
  problem: Problem;
  solutions: SolutionRecord[];
  tests: TestRecord[];
  unparsed: UnparsedRecord[];
  /** Outputs whose code was the raw text, having no fenced block. */
  rawExtractions: number;
}

/**
 * Turns one problem's completions (all of them, so a Python parse serves the whole problem) into
 * the records of the candidates and tests files, by the template's extraction rule. Outputs that yield no test
 * become {@link UnparsedRecord}s, never a silent gap.
 */
export async function extractProblem(
  kind: GenerationKind,
  template: PromptTemplate,
  problem: Problem,
  unsorted: readonly Completion[],
): Promise<ProblemGeneration> {
  const completions = [...unsorted].sort((a, b) => a.index - b.index);
  const result: ProblemGeneration = {
    problem,
    solutions: [],
    tests: [],
    unparsed: [],
    rawExtractions: 0,
  };
  if (kind === "solutions") {
    result.solutions = completions.map((completion) => {
      // The rule that found the code is recorded: a python block, the first block, or the raw
      // text (an answer with no code block, counted in `rawExtractions`).
      const { code: solution, extraction } = extractSolution(
        problem,
        completion.text,
        template.extract,
      );
      if (extraction === "raw") result.rawExtractions += 1;
      return {
        task_id: problem.id,
        solution,
        sample_index: completion.index,
        extraction,
        finish_reason: completion.finishReason,
      };
    });
    return result;
  }
  if (template.extract === "codet-asserts") {
    const extracted = await extractCodetAssertTests(
      completions.map((completion) => ({
        completion: completion.text,
        problemId: problem.id,
        entryPoint: problem.entryPoint ?? "",
      })),
    );
    completions.forEach((completion, position) => {
      const tests = extracted[position] ?? [];
      if (tests.length === 0)
        result.unparsed.push({
          task_id: problem.id,
          sample_index: completion.index,
          reason: "no assert test",
          raw: completion.text,
        });
      for (const test of tests)
        result.tests.push({
          task_id: problem.id,
          test: test.code,
          kind: "assert",
          sample_index: completion.index,
        });
    });
    return result;
  }
  const extracted = await extractUnittestTests(
    completions.map((completion) => ({
      text: completion.text,
      problemId: problem.id,
      ...(problem.entryPoint ? { entryPoint: problem.entryPoint } : {}),
    })),
  );
  completions.forEach((completion, position) => {
    const extraction = extracted[position];
    if (extraction === undefined || !extraction.ok) {
      result.unparsed.push({
        task_id: problem.id,
        sample_index: completion.index,
        reason: extraction?.ok === false ? extraction.reason : "no output",
        raw: completion.text,
      });
      return;
    }
    if (extraction.rule === "raw") result.rawExtractions += 1;
    for (const { test } of extraction.tests)
      result.tests.push({
        task_id: problem.id,
        test: test.code,
        kind: "unittest",
        sample_index: completion.index,
      });
  });
  return result;
}

/** Writes a problem's records: solutions or tests to `records`, failures to `unparsed`. */
export async function writeProblemGeneration(
  generation: ProblemGeneration,
  records: JsonlWriter,
  unparsed: JsonlWriter | undefined,
): Promise<void> {
  await writeRecords(records, solutionRecordSchema, generation.solutions);
  await writeRecords(records, testRecordSchema, generation.tests);
  if (unparsed !== undefined)
    await writeRecords(unparsed, unparsedRecordSchema, generation.unparsed);
}

/** The candidates of a problem's solution records, as the candidates file gives them. */
export function candidatesOf(generation: ProblemGeneration): Candidate[] {
  return generation.solutions.map((record, sampleIndex) =>
    candidateOfRecord(generation.problem.id, record.solution!, sampleIndex),
  );
}

/** The unit tests of a problem's test records, as the tests file gives them. */
export function testsOf(generation: ProblemGeneration): UnitTest[] {
  return generation.tests.map((record) => testOfRecord(generation.problem.id, record));
}

/** One problem's completions, once all are in or once its job failed. */
export interface ProblemCompletions {
  problemId: string;
  completions: Completion[];
  /** Why the job failed, when it did; `completions` then holds what arrived before. */
  failure?: string;
}

/**
 * Runs a generator over one job per problem and yields each problem's completions once all `n`
 * are in, in the order problems complete. A job the server rejects (a 4xx other than 429, such as
 * a prompt longer than the model's context) is yielded with its reason, and the other jobs go on.
 * When nothing at all is served, the first rejection is thrown: the settings (model, URL) are then
 * what is wrong. Other failures (the server unreachable, 429 or 5xx after the retries) end the
 * run.
 */
export async function* generateByProblem(
  generator: TextGenerator,
  jobs: readonly GenerationJob[],
  n: number,
  onCompletion: (completion: Completion) => void = () => {},
): AsyncGenerator<ProblemCompletions> {
  const events = new AsyncQueue<Completion | { jobId: string; failure: CodermError }>();
  let firstRejection: CodermError | undefined;
  (async () => {
    const stream = generator.generate(jobs, {
      onJobError: (job, error) => {
        if (!CodermError.isInstance(error) || error.code !== "rejected") return false;
        firstRejection ??= error;
        events.push({ jobId: job.id, failure: error });
        return true;
      },
    });
    for await (const completion of stream) events.push(completion);
    events.end();
  })().catch((error: unknown) => events.end(error));
  let served = 0;
  const pending = new Map<string, Completion[]>();
  for await (const event of events) {
    const list = pending.get(event.jobId) ?? [];
    if ("failure" in event) {
      pending.delete(event.jobId);
      yield { problemId: event.jobId, completions: list, failure: event.failure.message };
      continue;
    }
    served += 1;
    onCompletion(event);
    list.push(event);
    if (list.length < n) {
      pending.set(event.jobId, list);
      continue;
    }
    pending.delete(event.jobId);
    yield { problemId: event.jobId, completions: list };
  }
  if (served === 0 && firstRejection !== undefined) throw firstRejection;
}

/** A generator's spending, as commands report it. */
export function usageReport(generator: TextGenerator): {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
} {
  return {
    requests: generator.usage.requests,
    prompt_tokens: generator.usage.promptTokens,
    completion_tokens: generator.usage.completionTokens,
  };
}
