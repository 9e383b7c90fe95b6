import {
  type ChatMessage,
  CodermError,
  type GenerationJob,
  type Sampling,
  type TestScore,
  type TestScorer,
  type TestScorerInput,
  type TextGenerator,
} from "@coderm/core";
import { z } from "zod";
import { testSourceText } from "../test-text.js";

/** Settings of {@link createServedTestScorer}. */
export interface ServedTestScorerSettings {
  /** A generator over the served model (say, `createOpenAIGenerator` of `@coderm/generators`). */
  generator: TextGenerator;
  /** The focal file's language, named in the prompt (Python by default). */
  language?: string;
  /**
   * Ask for structured output (a JSON schema the server enforces: `response_format` on chat).
   * True by default; turn it off for servers without it: the answer is then parsed leniently.
   */
  structuredOutput?: boolean;
  /** Sampling of the judgement (temperature 0 and 256 tokens by default). */
  sampling?: Sampling;
  /**
   * What a test scores when the model's answer cannot be read: `throw` (the default) fails the
   * call naming the test; `neutral` gives 0.5 on every target.
   */
  onUnreadable?: "throw" | "neutral";
  /** Stable name in reports (`served` by default). */
  name?: string;
}

const answerSchema = {
  type: "object",
  properties: {
    runs: { type: "boolean" },
    coverage_increase: { type: "boolean" },
    mutation_increase: { type: "boolean" },
  },
  required: ["runs", "coverage_increase", "mutation_increase"],
  additionalProperties: false,
} as const;

// A yes/no, a boolean or a probability; RM-RF's answers and a model's habits both read.
const verdictValue = z.union([
  z.boolean(),
  z.number().min(0).max(1),
  z
    .string()
    .transform((text) => text.trim().toLowerCase())
    .pipe(z.enum(["yes", "no", "true", "false", "1", "0"]))
    .transform((text) => text === "yes" || text === "true" || text === "1"),
]);
const answerParser = z.object({
  runs: verdictValue,
  coverage_increase: verdictValue,
  mutation_increase: verdictValue,
});

/** The template name of the served scorer's prompt (part of the generation cache key). */
export const servedTestScorerTemplate = "rmrf-zero-shot-v1";

/**
 * The zero-shot prompt: the focal file, the existing tests and the candidate test, and the three
 * questions RM-RF asks, to be answered as one JSON object.
 */
export function servedTestScorerMessages(
  input: Pick<TestScorerInput, "focalCode" | "existingTests">,
  testCode: string,
  language = "Python",
): ChatMessage[] {
  return [
    {
      role: "system",
      content:
        "You are an expert software tester. You judge a candidate unit test without running it.",
    },
    {
      role: "user",
      content: [
        `A ${language} source file (the focal file):`,
        fenced(input.focalCode, language),
        "Its existing tests:",
        fenced(input.existingTests === "" ? "# (none)" : input.existingTests, language),
        "A candidate test to add to the existing tests:",
        fenced(testCode, language),
        "Answer three questions about the test suite with the candidate test added:",
        "1. runs: does the augmented suite run without errors or failures?",
        "2. coverage_increase: does the candidate test cover focal-file lines the existing tests do not?",
        "3. mutation_increase: does the candidate test kill mutants of the focal file that the existing tests do not?",
        'Reply with one JSON object and nothing else: {"runs": true|false, "coverage_increase": true|false, "mutation_increase": true|false}',
      ].join("\n\n"),
    },
  ];
}

/**
 * A run-free test scorer over a served language model, zero-shot: one chat request a test asking
 * RM-RF's three questions, the answer read as JSON (structured output where the server offers
 * it). Booleans become probabilities 0 or 1, numbers in [0, 1] are taken as probabilities; the
 * targets are nested as RM-RF's labels are (a test that does not run raises nothing).
 */
export function createServedTestScorer(settings: ServedTestScorerSettings): TestScorer {
  const language = settings.language ?? "Python";
  const structured = settings.structuredOutput ?? true;
  const sampling: Sampling = { temperature: 0, maxTokens: 256, ...settings.sampling };
  return {
    name: settings.name ?? "served",
    async score(input) {
      const jobs = input.tests.map(
        (test, index): GenerationJob => ({
          id: String(index),
          template: servedTestScorerTemplate,
          messages: servedTestScorerMessages(input, testSourceText(test), language),
          n: 1,
          sampling,
          ...(structured ? { responseFormat: { name: "rmrf_labels", schema: answerSchema } } : {}),
        }),
      );
      const scores: (TestScore | undefined)[] = new Array(jobs.length);
      for await (const completion of settings.generator.generate(jobs)) {
        const index = Number(completion.jobId);
        scores[index] = readAnswer(completion.text, input.tests[index]!.id, settings.onUnreadable);
      }
      return scores.map((score, index) => {
        if (score === undefined)
          throw new CodermError("internal", "the generator returned no answer", {
            item: input.tests[index]!.id,
          });
        return score;
      });
    },
  };
}

/** Reads a model's answer: the first JSON object in the text, its three fields. */
export function readAnswer(
  text: string,
  testId: string,
  onUnreadable: ServedTestScorerSettings["onUnreadable"] = "throw",
): TestScore {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  let parsed: z.infer<typeof answerParser> | undefined;
  if (start !== -1 && end > start) {
    try {
      const result = answerParser.safeParse(JSON.parse(text.slice(start, end + 1)));
      if (result.success) parsed = result.data;
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === undefined) {
    if (onUnreadable === "neutral") return { runs: 0.5, coverageGain: 0.5, mutationGain: 0.5 };
    throw new CodermError(
      "invalid-input",
      `the model's answer is not the JSON asked for: ${JSON.stringify(text.slice(0, 200))}`,
      { item: testId },
    );
  }
  const probability = (value: boolean | number) =>
    typeof value === "boolean" ? Number(value) : value;
  const runs = probability(parsed.runs);
  return {
    runs,
    coverageGain: Math.min(runs, probability(parsed.coverage_increase)),
    mutationGain: Math.min(runs, probability(parsed.mutation_increase)),
  };
}

function fenced(code: string, language: string): string {
  return `\`\`\`${language.toLowerCase()}\n${code.trimEnd()}\n\`\`\``;
}
