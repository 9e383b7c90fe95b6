import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { getDataset, loadProblems, loadSampleSet } from "@coderm/benchmarks";
import type { ExecutionLimits, Problem } from "@coderm/core";
import { createJsonlWriter, writeJsonl } from "@coderm/core/node";
import {
  createGenerator,
  type EvalPlusSettings,
  evalPlusDefaults,
  generate,
  type JudgingPolicy,
  loadRerankInputs,
  type RerankInput,
  resolveTemplate,
} from "@coderm/pipeline";
import { canonicalJson, type RerankCell, type ResolvedSource } from "./cells.js";

/** A rerank group's loaded inputs: what every cell of the group executes and scores. */
export interface GroupInputs {
  input: RerankInput;
  judging: JudgingPolicy;
  limits: ExecutionLimits;
  groundTruthLimits: ExecutionLimits;
  evalPlus?: EvalPlusSettings;
  /** Bad input items skipped (file line or item, and why). */
  skipped: number;
}

/** Options of {@link loadGroupInputs}. */
export interface LoadGroupOptions {
  /** Where generated and materialised samples files go. */
  workDirectory: string;
  /** Use and fill the generation cache (true). */
  generationCache?: boolean;
  /** Told about each generated completion. */
  onCompletion?: () => void;
}

/**
 * Loads the inputs of a rerank cell's group: a released set on both sides as its loader gives
 * it (with its own judging rule and time limit), else samples files, where a released side is
 * written out as a file and a generation source generates (its completions cached, so a killed
 * run resumes) into one, then read as file inputs of the cell's dataset.
 */
export async function loadGroupInputs(
  cell: RerankCell,
  options: LoadGroupOptions,
): Promise<GroupInputs> {
  const dataset = getDataset(cell.dataset);
  const memoryMb = cell.limits.memory_mb;
  const { candidates, tests } = cell;
  if (
    candidates.kind === "released" &&
    tests.kind === "released" &&
    candidates.name === tests.name
  ) {
    const loaded = await loadRerankInputs({
      dataset: candidates.name,
      testsPerSample: 5,
      ...(cell.limit === undefined ? {} : { limit: cell.limit }),
    });
    const timeMs = cell.limits.time_ms ?? getDataset(candidates.name).timeLimitMs;
    const limits = { timeMs, memoryMb, outputBytes: 1024 };
    return {
      input: loaded.input,
      judging: loaded.judging,
      limits,
      groundTruthLimits: limits,
      skipped: loaded.errors.length,
    };
  }
  const problems = await loadProblems(cell.dataset);
  const candidatesFile = await sourceFile(cell.candidates, "solutions", problems, cell, options);
  const testsFile = await sourceFile(cell.tests, "tests", problems, cell, options);
  const loaded = await loadRerankInputs({
    benchmark: cell.dataset,
    candidatesFile,
    testsFile,
    skipBadLines: true,
    ...(cell.limit === undefined ? {} : { limit: cell.limit }),
  });
  const limits = { timeMs: cell.limits.time_ms ?? 1000, memoryMb, outputBytes: 1024 };
  const evalPlus = dataset.groundTruth === "evalplus";
  return {
    input: loaded.input,
    judging: loaded.judging,
    limits,
    groundTruthLimits: evalPlus
      ? { ...limits, memoryMb: dataset.memoryLimitMb }
      : { ...limits, timeMs: dataset.timeLimitMs },
    ...(evalPlus ? { evalPlus: evalPlusDefaults } : {}),
    skipped: loaded.errors.length,
  };
}

/** The samples file of one side of a group: the file itself, or one written for it. */
async function sourceFile(
  source: ResolvedSource,
  kind: "solutions" | "tests",
  problems: readonly Problem[],
  cell: RerankCell,
  options: LoadGroupOptions,
): Promise<string> {
  if (source.kind === "file") return source.path;
  const directory = join(
    options.workDirectory,
    source.kind === "released" ? "released" : "generated",
  );
  await mkdir(directory, { recursive: true });
  const name = createHash("sha256")
    .update(canonicalJson({ source, kind, dataset: cell.dataset, limit: cell.limit }))
    .digest("hex")
    .slice(0, 16);
  const file = join(directory, `${kind}-${name}.jsonl`);
  if (source.kind === "released") {
    const set = await loadSampleSet(source.name, { testsPerSample: 5 });
    await writeJsonl(
      file,
      kind === "solutions"
        ? set.candidates.map((candidate) => ({
            task_id: candidate.problemId,
            solution: candidate.code,
          }))
        : set.tests.map((test) => ({
            task_id: test.problemId,
            test: "code" in test ? test.code : "",
            kind: test.kind === "unittest" ? "unittest" : "assert",
            ...(test.source?.sampleIndex === undefined
              ? {}
              : { sample_index: test.source.sampleIndex }),
          })),
    );
    return file;
  }
  const settings = source.settings;
  const template = await resolveTemplate(
    kind,
    settings.template,
    undefined,
    "template",
    cell.dataset,
  );
  const generator = createGenerator({
    model: settings.model,
    baseUrl: source.baseUrl,
    ...(settings.api_key_env === undefined ? {} : { apiKeyEnv: settings.api_key_env }),
    template,
    temperature: settings.temperature,
    topP: settings.top_p,
    maxTokens: settings.max_tokens ?? (kind === "solutions" ? 512 : 2048),
    concurrency: settings.concurrency,
    maxRetries: 3,
    cache: options.generationCache ?? true,
  });
  const records = createJsonlWriter(file);
  const unparsed = kind === "tests" ? createJsonlWriter(`${file}.unparsed.jsonl`) : undefined;
  try {
    await generate({
      kind,
      problems: cell.limit === undefined ? problems : problems.slice(0, cell.limit),
      generator,
      template,
      n: settings.n,
      records,
      ...(unparsed === undefined ? {} : { unparsed }),
      ...(options.onCompletion === undefined ? {} : { onCompletion: options.onCompletion }),
    });
  } finally {
    await records.close();
    await unparsed?.close();
    await generator.close();
  }
  return file;
}
