import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CodermError, type TestScore, type TestScorer, type TestScorerInput } from "@coderm/core";
import { testSourceText } from "../test-text.js";
import {
  createFeatureExtractor,
  type FeatureContext,
  type FeatureExtractor,
  type FeatureInput,
} from "./features.js";
import { predictTestScore } from "./forest.js";
import { type EmbeddedModel, readEmbeddedModel } from "./model-file.js";
import { type SourceLanguage, sourceLanguages } from "./syntax.js";
import { thresholdsFor } from "./train.js";

/** The file name of the model this package ships. */
const shippedModelName = "rmrf-embedded-v1.json";

/**
 * The path of the model this package ships (`models/rmrf-embedded-v1.json`), found from this
 * module whether it runs from `src/predictors/` or from the built `dist/`.
 */
export function shippedEmbeddedModelPath(): string {
  const candidates = [`../../models/${shippedModelName}`, `../models/${shippedModelName}`].map(
    (relative) => fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined)
    throw new CodermError("not-found", `the shipped model ${shippedModelName} is missing`, {
      details: { looked: candidates },
    });
  return found;
}

/** Scores test texts with a loaded model, sharing the parse of each focal file and suite. */
export interface EmbeddedPredictor {
  readonly model: EmbeddedModel;
  /** One score per input, in order; inputs of one focal file and suite read them once. */
  scoreTexts(inputs: readonly FeatureInput[]): TestScore[];
  /**
   * The model's yes/no of a score: each probability against the target's threshold for the
   * language, chosen on calibration rows to maximize F1.
   */
  decide(
    score: TestScore,
    language: SourceLanguage,
  ): { runs: boolean; coverageGain: boolean; mutationGain: boolean };
}

/**
 * Loads the embedded predictor: a model (given, a model file's path, or the shipped model by
 * default) and the tree-sitter parsers.
 */
export async function loadEmbeddedPredictor(
  model?: EmbeddedModel | string,
): Promise<EmbeddedPredictor> {
  const loaded =
    typeof model === "object"
      ? model
      : await readEmbeddedModel(model ?? shippedEmbeddedModelPath());
  return embeddedPredictor(loaded, await createFeatureExtractor());
}

function embeddedPredictor(model: EmbeddedModel, extractor: FeatureExtractor): EmbeddedPredictor {
  const languages = new Set<string>(model.languages);
  return {
    model,
    scoreTexts(inputs) {
      let last: { input: FeatureInput; context: FeatureContext } | undefined;
      return inputs.map((input) => {
        if (!languages.has(input.language))
          throw new CodermError(
            "unsupported",
            `the embedded model was not trained on ${input.language} (only ${model.languages.join(", ")})`,
          );
        // inputs of one focal file and suite come together: read them once
        if (
          last === undefined ||
          last.input.language !== input.language ||
          last.input.focalCode !== input.focalCode ||
          last.input.existingTests !== input.existingTests
        ) {
          last = {
            input,
            context: extractor.context(input.language, input.focalCode, input.existingTests),
          };
        }
        return predictTestScore(model, extractor.features(last.context, input.testCode));
      });
    },
    decide(score, language) {
      const thresholds = thresholdsFor(model, language);
      return {
        runs: score.runs >= thresholds.runs,
        coverageGain: score.coverageGain >= thresholds.coverageGain,
        mutationGain: score.mutationGain >= thresholds.mutationGain,
      };
    },
  };
}

/** Settings of {@link createEmbeddedTestScorer}. */
export interface EmbeddedTestScorerSettings {
  /** The model, or a model file's path (the shipped model by default). */
  model?: EmbeddedModel | string;
  /** The language of focal code and tests (the problem's, else Python). */
  language?: SourceLanguage;
  /** Stable name in reports (`embedded` by default). */
  name?: string;
}

/**
 * RM-RF's run-free test scorer, embedded: tree-sitter features of the focal file, the existing
 * suite and each test (its source text as `testSourceText` writes it), scored by random forests
 * with calibrated probabilities. No model server, no execution; the model and parsers load on the
 * first call.
 */
export function createEmbeddedTestScorer(settings: EmbeddedTestScorerSettings = {}): TestScorer {
  let loading: Promise<EmbeddedPredictor> | undefined;
  return {
    name: settings.name ?? "embedded",
    async score(input: TestScorerInput): Promise<TestScore[]> {
      loading ??= loadEmbeddedPredictor(settings.model).catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      const predictor = await loading;
      const language = settings.language ?? languageOf(input);
      return predictor.scoreTexts(
        input.tests.map((test) => ({
          language,
          focalCode: input.focalCode,
          existingTests: input.existingTests,
          testCode: testSourceText(test),
        })),
      );
    },
  };
}

function languageOf(input: TestScorerInput): SourceLanguage {
  const language = input.language ?? input.problem?.language ?? "python";
  if (!(sourceLanguages as readonly string[]).includes(language))
    throw new CodermError(
      "unsupported",
      `the embedded test scorer reads Python, Java and Go, not ${language}`,
      input.problem === undefined ? {} : { item: input.problem.id },
    );
  return language as SourceLanguage;
}
