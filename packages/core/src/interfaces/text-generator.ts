/** One chat message of a prompt. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Sampling parameters (sent as the server's `temperature`, `top_p`, `max_tokens`, ...). */
export interface Sampling {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: readonly string[];
  seed?: number;
}

/** `n` completions of one prompt: chat `messages`, or a plain completion `prompt`. */
export interface GenerationJob {
  /** The caller's id, echoed on every completion. */
  id: string;
  /** The template that made the prompt (part of the cache key). */
  template: string;
  messages?: readonly ChatMessage[];
  prompt?: string;
  /** How many samples. */
  n: number;
  /** Overrides the generator's sampling for this job. */
  sampling?: Sampling;
  /**
   * Asks for an answer that is JSON of this schema, where the server can enforce it (OpenAI's and
   * vLLM's `response_format` of type `json_schema` on chat; vLLM's `guided_json` on completions).
   */
  responseFormat?: ResponseFormat;
}

/** A JSON schema the answer must follow (structured output), with a name for the server. */
export interface ResponseFormat {
  name: string;
  schema: Record<string, unknown>;
}

/** One sample of a job. */
export interface Completion {
  jobId: string;
  /** 0 .. n - 1. */
  index: number;
  text: string;
  finishReason: string | null;
  /** Served from the generation cache (no request made). */
  cached: boolean;
}

/** What a generator spent. */
export interface GenerationUsage {
  /** HTTP requests that returned completions (retries not counted). */
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Completions served from the cache. */
  cached: number;
}

/** Options of {@link TextGenerator.generate}. */
export interface GenerateOptions {
  signal?: AbortSignal;
  /**
   * Called when a job fails for good (its retries spent). Return true to drop the job and go on
   * with the others (its samples so far stay emitted); by default, or returning false, the stream
   * ends with the error.
   */
  onJobError?: (job: GenerationJob, error: unknown) => boolean;
}

/** Generates completions for jobs from a language model; results stream as responses arrive. */
export interface TextGenerator {
  generate(
    jobs: Iterable<GenerationJob> | AsyncIterable<GenerationJob>,
    options?: GenerateOptions,
  ): AsyncIterable<Completion>;
  readonly usage: GenerationUsage;
  close(): Promise<void>;
}
