import type { Completion, Problem, TextGenerator } from "@coderm/core";
import type { JsonlWriter } from "@coderm/core/node";
import type { PromptTemplate } from "@coderm/generators";
import {
  extractProblem,
  type GenerationKind,
  generateByProblem,
  generationJobs,
  type TestCodeSource,
  writeProblemGeneration,
} from "./generation.js";
import type { GenerationCounts } from "./run.js";

/** Options of {@link generate}. */
export interface GenerateOptions {
  kind: GenerationKind;
  problems: readonly Problem[];
  generator: TextGenerator;
  template: PromptTemplate;
  /** Samples a problem. */
  n: number;
  /** What the test writer sees as the solution (the prompt by default). */
  testCode?: TestCodeSource;
  /** Where the solution or test records go, and the outputs that yield no test. */
  records: JsonlWriter;
  unparsed?: JsonlWriter;
  onCompletion?: (completion: Completion) => void;
  /** Called for a problem the server rejected (it is skipped; the others go on). */
  onFailure?: (problemId: string, reason: string) => void;
}

/**
 * Generates `n` samples for every problem, extracts each problem's records once its samples are
 * in, and writes them: the solutions (or tests) file that `loadRerankInputs` reads, and the
 * outputs that yielded no test. Every completion is cached by the generator, so an interrupted
 * run resumes.
 */
export async function generate(options: GenerateOptions): Promise<GenerationCounts> {
  const byId = new Map<string, Problem>(options.problems.map((problem) => [problem.id, problem]));
  const jobs = generationJobs(options.problems, options.template, options.n, options.testCode);
  const counts: GenerationCounts = {
    completions: 0,
    fromCache: 0,
    written: 0,
    unparsed: 0,
    rawExtractions: 0,
    failed: 0,
  };
  for await (const done of generateByProblem(options.generator, jobs, options.n, (completion) => {
    counts.completions += 1;
    if (completion.cached) counts.fromCache += 1;
    options.onCompletion?.(completion);
  })) {
    if (done.failure !== undefined) {
      counts.failed += 1;
      options.onFailure?.(done.problemId, done.failure);
    }
    const generation = await extractProblem(
      options.kind,
      options.template,
      byId.get(done.problemId)!,
      done.completions,
    );
    await writeProblemGeneration(generation, options.records, options.unparsed);
    counts.written += generation.solutions.length + generation.tests.length;
    counts.unparsed += generation.unparsed.length;
    counts.rawExtractions += generation.rawExtractions;
  }
  return counts;
}
