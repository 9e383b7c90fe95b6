import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { getDataset } from "@coderm/benchmarks";
import { CodermError } from "@coderm/core";
import { fieldPath } from "./parse-spec.js";
import type {
  AllocationExperiment,
  Budget,
  ExperimentSpec,
  HybridExperiment,
  MethodEntry,
  RerankExperiment,
  RewardModelSpec,
  RmrfExperiment,
  Source,
} from "./spec.js";

/** The version of the cell layout: a new one gives every cell a new key. */
const cellFormat = 1;

/** A source with what identifies its content: a released set's name, a file's hash, a config. */
export type ResolvedSource =
  | { kind: "released"; name: string; label: string }
  | { kind: "file"; path: string; sha256: string; label: string }
  | { kind: "generate"; settings: GenerationIdentity; baseUrl: string; label: string };

/** What identifies a generation's samples (the serving address does not). */
interface GenerationIdentity {
  model: string;
  n: number;
  template?: string;
  temperature: number;
  top_p: number;
  max_tokens?: number;
  api_key_env?: string;
  concurrency: number;
}

/** A method entry with every setting spelled out. */
interface ResolvedMethod {
  name: string;
  label: string;
  filter?: { scorer: "rmrf"; threshold: number };
  keep?: number;
  test_method?: string;
  reward_weight?: number;
}

/** One cell of a rerank experiment: one method's pass@1 on one combination of the axes. */
export interface RerankCell {
  kind: "rerank";
  experiment: string;
  dataset: string;
  candidates: ResolvedSource;
  tests: ResolvedSource;
  method: ResolvedMethod;
  budget: { candidates: Budget; tests: Budget; allocation: string };
  seed: number | string;
  repeats: number;
  limit?: number;
  limits: { time_ms?: number; memory_mb: number };
  reward_model?: RewardModelSpec;
}

/** The allocation study of an experiment (one cell). */
export interface AllocationCell {
  kind: "allocation-study";
  experiment: string;
  settings: Omit<AllocationExperiment, "id" | "kind" | "title">;
}

/** The hybrid-reranking study of an experiment (one cell; its reward models are simulated). */
export interface HybridCell {
  kind: "hybrid-study";
  experiment: string;
  settings: Omit<HybridExperiment, "id" | "kind" | "title">;
}

/** An RM-RF evaluation (one cell). */
export interface RmrfCell {
  kind: "rmrf-eval";
  experiment: string;
  samples: { path: string; sha256: string };
  model?: { path: string; sha256: string };
  repositories?: string[];
}

/** A unit of work whose result the store keeps under its key. */
export type Cell = RerankCell | AllocationCell | HybridCell | RmrfCell;

/** A cell and its content key. */
export interface PlannedCell {
  key: string;
  cell: Cell;
}

/** Options of {@link planCells}. */
export interface PlanOptions {
  /** Relative paths in the spec resolve against this directory (the spec file's). */
  directory: string;
  /** `$CODERM_DATA_DIR` in paths expands to this. */
  dataDir?: string;
}

/**
 * Expands a spec into its cells (datasets x candidate sources x test sources x methods x budgets x
 * seeds for rerank experiments; one cell per study), each keyed by a hash of everything that
 * decides its result: files by their content, generations by their settings. Files are read here,
 * so a missing one fails before any work, naming its field.
 */
export async function planCells(
  spec: ExperimentSpec,
  options: PlanOptions,
): Promise<PlannedCell[]> {
  const cells: Cell[] = [];
  for (const [index, experiment] of spec.experiments.entries()) {
    const at = (...path: (string | number)[]) => fieldPath(["experiments", index, ...path]);
    if (experiment.kind === "rerank") cells.push(...(await rerankCells(experiment, options, at)));
    else if (experiment.kind === "allocation-study" || experiment.kind === "hybrid-study") {
      const { id, kind, title: _title, ...settings } = experiment;
      cells.push({ kind, experiment: id, settings } as AllocationCell | HybridCell);
    } else cells.push(await rmrfCell(experiment, options, at));
  }
  return cells.map((cell) => ({ key: cellKey(cell), cell }));
}

/** The content key of a cell: what decides its result, not how the report names it. */
export function cellKey(cell: Cell): string {
  const identity = { format: cellFormat, ...cell, experiment: undefined } as Record<
    string,
    unknown
  >;
  if (cell.kind === "rerank")
    Object.assign(identity, {
      method: { ...cell.method, label: undefined },
      candidates: sourceIdentity(cell.candidates),
      tests: sourceIdentity(cell.tests),
      reward_model:
        cell.reward_model === undefined
          ? undefined
          : { ...cell.reward_model, url: undefined, api_key_env: undefined },
    });
  if (cell.kind === "rmrf-eval")
    Object.assign(identity, {
      samples: cell.samples.sha256,
      model: cell.model?.sha256,
    });
  return createHash("sha256").update(canonicalJson(identity)).digest("hex");
}

function sourceIdentity(source: ResolvedSource): unknown {
  if (source.kind === "released") return { released: source.name };
  if (source.kind === "file") return { file: source.sha256 };
  const { api_key_env: _key, concurrency: _concurrency, ...settings } = source.settings;
  return { generate: settings };
}

/** JSON with sorted keys and no undefined members, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

async function rerankCells(
  experiment: RerankExperiment,
  options: PlanOptions,
  at: (...path: (string | number)[]) => string,
): Promise<RerankCell[]> {
  const candidates = await Promise.all(
    experiment.candidates.map((source, index) =>
      resolveSource(source, options, at("candidates", index)),
    ),
  );
  const tests = await Promise.all(
    experiment.tests.map((source, index) => resolveSource(source, options, at("tests", index))),
  );
  for (const [side, sources] of [
    ["candidates", candidates],
    ["tests", tests],
  ] as const)
    sources.forEach((source, index) => {
      if (source.kind !== "released") return;
      const benchmark = getDataset(source.name).benchmark;
      const other = experiment.datasets.find((dataset) => dataset !== benchmark);
      if (other !== undefined)
        throw new CodermError(
          "invalid-input",
          `the released set ${source.name} samples ${benchmark}'s problems, not ${other}'s`,
          { field: at(side, index) },
        );
    });
  const methods = experiment.methods.map(resolveMethod);
  const budgets = experiment.budgets.candidates.flatMap((candidateBudget) =>
    experiment.budgets.tests.flatMap((testBudget) =>
      // with every test, the allocations coincide: one cell
      (testBudget === "all" ? ["equal"] : experiment.budgets.allocation).map((allocation) => ({
        candidates: candidateBudget,
        tests: testBudget,
        allocation,
      })),
    ),
  );
  const cells: RerankCell[] = [];
  for (const dataset of experiment.datasets)
    for (const candidateSource of candidates)
      for (const testSource of tests)
        for (const method of methods)
          for (const budget of budgets)
            for (const seed of experiment.seeds)
              cells.push({
                kind: "rerank",
                experiment: experiment.id,
                dataset,
                candidates: candidateSource,
                tests: testSource,
                method,
                budget,
                seed,
                repeats: experiment.repeats,
                ...(experiment.limit === undefined ? {} : { limit: experiment.limit }),
                limits: {
                  ...(experiment.time_limit_ms === undefined
                    ? {}
                    : { time_ms: experiment.time_limit_ms }),
                  memory_mb: experiment.memory_limit_mb,
                },
                ...(experiment.reward_model === undefined
                  ? {}
                  : { reward_model: experiment.reward_model }),
              });
  return cells;
}

function resolveMethod(entry: MethodEntry): ResolvedMethod {
  if (typeof entry === "string") return { name: entry, label: entry };
  const filter =
    entry.filter === undefined ? undefined : { scorer: entry.filter, threshold: entry.threshold };
  return {
    name: entry.name,
    label: entry.label ?? (filter === undefined ? entry.name : `${entry.name}+${filter.scorer}`),
    ...(filter === undefined ? {} : { filter }),
    ...(entry.keep === undefined ? {} : { keep: entry.keep }),
    ...(entry.test_method === undefined ? {} : { test_method: entry.test_method }),
    ...(entry.reward_weight === undefined ? {} : { reward_weight: entry.reward_weight }),
  };
}

async function resolveSource(
  source: Source,
  options: PlanOptions,
  field: string,
): Promise<ResolvedSource> {
  if ("released" in source)
    return { kind: "released", name: source.released, label: source.released };
  if ("file" in source) {
    const path = resolvePath(source.file, options, field);
    return { kind: "file", path, sha256: await fileHash(path, field), label: source.file };
  }
  const { base_url: baseUrl, ...settings } = source.generate;
  return {
    kind: "generate",
    settings: settings as GenerationIdentity,
    baseUrl,
    label: `${settings.model} (n=${settings.n})`,
  };
}

async function rmrfCell(
  experiment: RmrfExperiment,
  options: PlanOptions,
  at: (...path: (string | number)[]) => string,
): Promise<RmrfCell> {
  const samples = resolvePath(experiment.samples, options, at("samples"));
  const model =
    experiment.model === undefined
      ? undefined
      : resolvePath(experiment.model, options, at("model"));
  return {
    kind: "rmrf-eval",
    experiment: experiment.id,
    samples: { path: samples, sha256: await directoryHash(samples, at("samples")) },
    ...(model === undefined
      ? {}
      : { model: { path: model, sha256: await fileHash(model, at("model")) } }),
    ...(experiment.repositories === undefined ? {} : { repositories: experiment.repositories }),
  };
}

/** A spec path: `$CODERM_DATA_DIR/...` expanded, relative ones against the spec's directory. */
function resolvePath(path: string, options: PlanOptions, field: string): string {
  const variable = /^\$(\{CODERM_DATA_DIR\}|CODERM_DATA_DIR)(?=\/|$)/;
  if (variable.test(path)) {
    const dataDir = options.dataDir ?? process.env.CODERM_DATA_DIR;
    if (dataDir === undefined)
      throw new CodermError("invalid-input", `${path} names $CODERM_DATA_DIR, which is not set`, {
        field,
      });
    return join(dataDir, path.replace(variable, ""));
  }
  return isAbsolute(path) ? path : resolve(options.directory, path);
}

async function fileHash(path: string, field: string): Promise<string> {
  try {
    return createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
  } catch (cause) {
    throw new CodermError("not-found", `cannot read ${path}: ${(cause as Error).message}`, {
      field,
      cause,
    });
  }
}

/** A hash over a directory's files (names and contents, in name order). */
async function directoryHash(path: string, field: string): Promise<string> {
  try {
    if (!(await stat(path)).isDirectory()) return await fileHash(path, field);
    const hash = createHash("sha256");
    const entries = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    for (const file of entries) hash.update(file.slice(path.length)).update(await readFile(file));
    return hash.digest("hex");
  } catch (cause) {
    if (CodermError.isInstance(cause)) throw cause;
    throw new CodermError("not-found", `cannot read ${path}: ${(cause as Error).message}`, {
      field,
      cause,
    });
  }
}
