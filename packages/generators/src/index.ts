export {
  type CodetTestSample,
  codetStopTokens,
  type ExtractCodetTestsOptions,
  extractCodetSolution,
  extractCodetTests,
} from "./codet-extraction.js";
export {
  type CodeExtractionRule,
  type CodetTestOutput,
  type ExtractCodetAssertTestsOptions,
  type ExtractedCode,
  type ExtractedUnittest,
  type ExtractUnittestTestsOptions,
  extractCode,
  extractCodetAssertTests,
  extractLiveCodeBenchCode,
  extractSolution,
  extractUnittestTests,
  type UnittestExtraction,
  type UnittestOutput,
} from "./extract.js";
export {
  createSqliteGenerationCache,
  type GenerationCache,
  type GenerationKey,
  type SqliteGenerationCacheSettings,
  type StoredCompletion,
} from "./generation-cache.js";
export { createHttpFetch, type HttpFetchOptions } from "./http-fetch.js";
export { createOpenAIGenerator, type OpenAIGeneratorSettings } from "./openai-generator.js";
export {
  extractResponseCode,
  type ResponseExtractionRule,
  responseExtractionRules,
} from "./response-code.js";
export {
  type ExtractionRule,
  getPromptTemplate,
  loadPromptTemplate,
  type PromptMode,
  type PromptTemplate,
  type PromptTemplateFile,
  type PromptTemplateKind,
  promptTemplates,
  type RenderedPrompt,
  type RenderOptions,
} from "./templates.js";
