import { CodermError } from "../errors.js";
import type {
  Completion,
  GenerateOptions,
  GenerationJob,
  GenerationUsage,
  TextGenerator,
} from "../interfaces/text-generator.js";

/** Settings of {@link createMockTextGenerator}. */
export interface MockTextGeneratorSettings {
  /** The text of sample `index` of a job; `sample <index> of <job id>` by default. */
  respond?: (job: GenerationJob, index: number) => string | Promise<string>;
}

/** A {@link TextGenerator} that answers with a function and remembers every job. */
export interface MockTextGenerator extends TextGenerator {
  /** Every job received, in order. */
  readonly jobs: GenerationJob[];
}

/**
 * A mock of the {@link TextGenerator} interface for tests of code that generates: no server, one
 * "request" per job, `n` completions each. A `respond` that throws fails the job, which goes to
 * `onJobError` as a real generator's exhausted retries do.
 */
export function createMockTextGenerator(
  settings: MockTextGeneratorSettings = {},
): MockTextGenerator {
  const jobs: GenerationJob[] = [];
  const usage: GenerationUsage = { requests: 0, promptTokens: 0, completionTokens: 0, cached: 0 };
  return {
    jobs,
    usage,
    async *generate(input, options: GenerateOptions = {}): AsyncGenerator<Completion> {
      for await (const job of input) {
        if (options.signal?.aborted) throw new CodermError("cancelled", "generation was cancelled");
        jobs.push(job);
        usage.requests += 1;
        const completions: Completion[] = [];
        try {
          for (let index = 0; index < job.n; index++) {
            const text = await (settings.respond?.(job, index) ?? `sample ${index} of ${job.id}`);
            completions.push({ jobId: job.id, index, text, finishReason: "stop", cached: false });
          }
        } catch (error) {
          if (options.onJobError?.(job, error)) continue;
          throw error;
        }
        yield* completions;
      }
    },
    async close() {},
  };
}
