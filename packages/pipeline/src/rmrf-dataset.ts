import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadProblems, loadSampleSet } from "@coderm/benchmarks";
import {
  CodermError,
  createRandom,
  type ExecutionLimits,
  type Executor,
  type Problem,
  type UnitTest,
} from "@coderm/core";
import { writeJsonl } from "@coderm/core/node";
import {
  generateMutants,
  type LabeledPair,
  type LabelingProgress,
  type LabelingUnit,
  labeledPairs,
  labelTests,
  pairToRmrfToml,
  type Split,
  testSourceText,
} from "@coderm/reward-rmrf/labeling";
import { prepareGroundTruth } from "./ground-truth.js";

/** The benchmarks a run-free dataset is built from (their canonical solutions are the focal code). */
export const rmrfSourceDatasets = ["humaneval", "humaneval+", "mbpp+"] as const;
/** One of {@link rmrfSourceDatasets}. */
export type RmrfSourceDataset = (typeof rmrfSourceDatasets)[number];

/** Options of {@link buildRmrfDataset}. */
export interface BuildRmrfDatasetOptions {
  /** Which benchmarks (all three by default). */
  datasets?: readonly RmrfSourceDataset[];
  executor: Executor;
  /** Seeds the existing suites, the sampled tests and the splits (0 by default). */
  seed?: number;
  /** Ground-truth tests in each focal file's existing suite (3 by default; MBPP+: 1). */
  existingTests?: number;
  /** CodeT's released generated tests kept per HumanEval problem, distinct (60 by default). */
  codetTests?: number;
  /** Held-out ground-truth tests labeled per focal file (25 by default). */
  groundTruthTests?: number;
  /** More candidate tests (say, what `coderm generate tests` wrote), by problem id. */
  generatedTests?: readonly UnitTest[];
  /** Fractions of problems in the validation and test splits (0.1 and 0.2 by default). */
  splits?: { validation: number; test: number };
  /** Only these problem ids (all by default). */
  problemIds?: readonly string[];
  /** Mutants kept per focal file after dropping equivalent ones (40 by default). */
  maxMutants?: number;
  /** The Python that generates mutants. */
  python?: string;
  /** Limits of the focal runs (10 s, 1 GiB, 64 KiB by default). */
  limits?: ExecutionLimits;
  /**
   * Time limit of a mutant run of a quick test (250 ms by default: a mutant that loops is killed
   * by a timeout, and each costs this much). A test slower than a tenth of it on the focal code
   * keeps the focal limit.
   */
  mutantTimeMs?: number;
  onProgress?: (event: RmrfDatasetProgress) => void;
  signal?: AbortSignal;
}

/** Progress of {@link buildRmrfDataset}. */
export type RmrfDatasetProgress =
  | { stage: "ground-truth" | "mutants"; message: string }
  | ({ stage: "labeling" } & LabelingProgress);

/** What {@link buildRmrfDataset} made. */
export interface RmrfDataset {
  pairs: LabeledPair[];
  statistics: RmrfDatasetStatistics;
}

/** Counts of a run-free dataset. */
export interface RmrfDatasetStatistics {
  pairs: number;
  problems: number;
  focalFiles: number;
  mutants: number;
  /** Positives per target. */
  positives: { runs: number; coverageGain: number; mutationGain: number };
  bySplit: Record<Split, number>;
  byOrigin: Record<string, number>;
  /** Executions the labeling asked for, and how many the verdict cache answered. */
  executions: { focal: number; mutants: number; cached: number };
  /** Existing tests left out of their suite because they fail on the focal code. */
  droppedExisting: number;
  seconds: number;
}

const defaultLimits: ExecutionLimits = { timeMs: 10_000, memoryMb: 1024, outputBytes: 65_536 };

interface FocalFile {
  dataset: RmrfSourceDataset;
  problem: Problem;
  focalCode: string;
  existing: UnitTest[];
  candidates: UnitTest[];
  origins: Map<string, string>;
}

/**
 * Builds RM-RF-style labels from benchmarks: for each problem the canonical solution is the focal
 * code, a seeded subset of its ground-truth tests is the existing suite, and the candidate tests
 * (CodeT's released generated tests for HumanEval, held-out ground-truth tests, generated tests
 * given) are each labeled by execution (see `labelTests`). Splits are by problem, so HumanEval
 * and HumanEval+ versions of one problem share a split. Run it over a verdict cache and a second
 * build executes nothing.
 */
export async function buildRmrfDataset(options: BuildRmrfDatasetOptions): Promise<RmrfDataset> {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const limits = options.limits ?? defaultLimits;
  const chosen = options.datasets ?? rmrfSourceDatasets;
  const files: FocalFile[] = [];
  const keep = (problem: Problem) =>
    options.problemIds === undefined || options.problemIds.includes(problem.id);

  const groundTruth = async (name: "humaneval+" | "mbpp+") => {
    const problems = (await loadProblems(name)).filter(keep);
    return problems;
  };
  const generatedByProblem = groupTests(options.generatedTests ?? []);

  if (chosen.includes("humaneval") || chosen.includes("humaneval+")) {
    const plus = await groundTruth("humaneval+");
    if (chosen.includes("humaneval")) {
      const original = new Map(
        (await loadProblems("humaneval")).map((problem) => [problem.id, problem]),
      );
      const codet =
        options.codetTests === 0 ? new Map<string, UnitTest[]>() : await codetTestsByProblem();
      for (const problem of plus) {
        const focalCode = original.get(problem.id)?.canonicalSolution;
        if (focalCode === undefined) continue;
        const random = createRandom(`${seed}:humaneval:${problem.id}`);
        const base = baseTests(problem);
        const existing = random.sample(base, Math.min(options.existingTests ?? 3, base.length - 1));
        const heldOut = base.filter((test) => !existing.includes(test));
        const codetTests = random.sample(codet.get(problem.id) ?? [], options.codetTests ?? 60);
        files.push(
          focal("humaneval", { ...problem, canonicalSolution: focalCode }, focalCode, existing, [
            ["codet", codetTests],
            ["ground-truth", heldOut.slice(0, options.groundTruthTests ?? 25)],
            ["generated", generatedByProblem.get(problem.id) ?? []],
          ]),
        );
      }
    }
    if (chosen.includes("humaneval+")) files.push(...plusFocalFiles("humaneval+", plus, 3));
  }
  if (chosen.includes("mbpp+"))
    files.push(...plusFocalFiles("mbpp+", await groundTruth("mbpp+"), 1));

  function plusFocalFiles(
    dataset: RmrfSourceDataset,
    problems: Problem[],
    existingDefault: number,
  ) {
    return problems.flatMap((problem) => {
      if (problem.canonicalSolution === undefined) return [];
      const random = createRandom(`${seed}:${dataset}:${problem.id}`);
      const base = baseTests(problem);
      const existing = random.sample(
        base,
        Math.min(options.existingTests ?? existingDefault, base.length - 1),
      );
      const rest = (problem.tests ?? []).filter((test) => !existing.includes(test));
      const heldOut = random.sample(rest, options.groundTruthTests ?? 25);
      return [
        focal(dataset, problem, problem.canonicalSolution, existing, [
          ["ground-truth", heldOut],
          ["generated", dataset === "mbpp+" ? (generatedByProblem.get(problem.id) ?? []) : []],
        ]),
      ];
    });
  }

  // Expected outputs of the chosen ground-truth inputs, computed by each focal code itself.
  options.onProgress?.({ stage: "ground-truth", message: `${files.length} focal files` });
  const prepared = await prepareGroundTruth(
    files.map((file) => ({
      ...file.problem,
      id: `${file.dataset}:${file.problem.id}`,
      canonicalSolution: file.focalCode,
      tests: [...file.existing, ...file.candidates].filter((test) => test.kind === "call"),
    })),
    { executor: options.executor, limits },
  );
  const readyTests = new Map(
    prepared.flatMap((problem) =>
      (problem.tests ?? []).map((test) => [`${problem.id}\u0000${test.id}`, test]),
    ),
  );
  for (const file of files) {
    const ready = (test: UnitTest) =>
      readyTests.get(`${file.dataset}:${file.problem.id}\u0000${test.id}`) ?? test;
    file.existing = file.existing.map(ready);
    file.candidates = file.candidates.map(ready);
  }

  options.onProgress?.({ stage: "mutants", message: `mutating ${files.length} focal files` });
  const mutantSets = await generateMutants(
    files.map((file) => ({ key: `${file.dataset}:${file.problem.id}`, code: file.focalCode })),
    {
      ...(options.python === undefined ? {} : { python: options.python }),
      maxMutants: options.maxMutants ?? 40,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );

  const units = files.map((file): LabelingUnit => {
    const key = `${file.dataset}:${file.problem.id}`;
    const set = mutantSets.get(key);
    if (set === undefined || set.error !== undefined)
      throw new CodermError("internal", `no mutants: ${set?.error ?? "missing"}`, { item: key });
    return {
      key,
      problemId: file.problem.id,
      focalCode: file.focalCode,
      existingTests: file.existing,
      candidateTests: file.candidates,
      mutants: set.mutants,
    };
  });
  const executions = { focal: 0, mutants: 0, cached: 0 };
  const mutantTimeMs = options.mutantTimeMs ?? 250;
  const labels = await labelTests(units, {
    executor: options.executor,
    limits,
    mutantLimits: { ...limits, timeMs: mutantTimeMs },
    mutantTime: (focalWallMs) => (focalWallMs > mutantTimeMs / 10 ? limits.timeMs : mutantTimeMs),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (progress) => {
      executions[progress.phase === "focal" ? "focal" : "mutants"] = progress.total;
      if (progress.done === progress.total) executions.cached += progress.cached;
      options.onProgress?.({ stage: "labeling", ...progress });
    },
  });

  const splitOf = splitAssigner(seed, options.splits ?? { validation: 0.1, test: 0.2 });
  const pairs = labels.flatMap((unitLabels, index) => {
    const file = files[index]!;
    return labeledPairs(unitLabels, {
      dataset: file.dataset,
      split: splitOf(file.problem.id),
      origin: (testId) => file.origins.get(testId) ?? "unknown",
      focalCode: file.focalCode,
      existingTests: unitLabels.existingTests
        .map((id) => file.existing.find((test) => test.id === id)!)
        .map(testSourceText)
        .join("\n"),
    });
  });
  return {
    pairs,
    statistics: {
      ...countPairs(pairs),
      problems: new Set(files.map((file) => file.problem.id)).size,
      focalFiles: files.length,
      mutants: units.reduce((sum, unit) => sum + unit.mutants.length, 0),
      executions,
      droppedExisting: labels.reduce((sum, unit) => sum + unit.droppedExisting.length, 0),
      seconds: (performance.now() - started) / 1000,
    },
  };
}

function focal(
  dataset: RmrfSourceDataset,
  problem: Problem,
  focalCode: string,
  existing: UnitTest[],
  sources: [string, readonly UnitTest[]][],
): FocalFile {
  const origins = new Map<string, string>();
  const existingIds = new Set(existing.map((test) => test.id));
  const candidates: UnitTest[] = [];
  for (const [origin, tests] of sources) {
    for (const test of tests) {
      if (origins.has(test.id) || existingIds.has(test.id)) continue;
      origins.set(test.id, origin);
      candidates.push(test);
    }
  }
  return { dataset, problem, focalCode, existing, candidates, origins };
}

function baseTests(problem: Problem): UnitTest[] {
  const count = problem.metadata?.baseTestCount;
  const tests = problem.tests ?? [];
  return typeof count === "number" ? tests.slice(0, count) : tests;
}

function groupTests(tests: readonly UnitTest[]): Map<string, UnitTest[]> {
  const groups = new Map<string, UnitTest[]>();
  for (const test of tests) {
    const group = groups.get(test.problemId) ?? [];
    group.push(test);
    groups.set(test.problemId, group);
  }
  return groups;
}

async function codetTestsByProblem(): Promise<Map<string, UnitTest[]>> {
  const set = await loadSampleSet("codet-humaneval-codegen16b");
  const seen = new Set<string>();
  return groupTests(
    set.tests.filter((test) => {
      const key = `${test.problemId}\u0000${test.id}`;
      return !seen.has(key) && seen.add(key);
    }),
  );
}

/** A problem's split, from a hash of the seed and its id (so one problem has one split). */
function splitAssigner(seed: number, fractions: { validation: number; test: number }) {
  return (problemId: string): Split => {
    const draw = createRandom(`${seed}:split:${problemId}`).next();
    if (draw < fractions.test) return "test";
    if (draw < fractions.test + fractions.validation) return "validation";
    return "train";
  };
}

function countPairs(pairs: readonly LabeledPair[]) {
  const positives = { runs: 0, coverageGain: 0, mutationGain: 0 };
  const bySplit: Record<Split, number> = { train: 0, validation: 0, test: 0 };
  const byOrigin: Record<string, number> = {};
  for (const pair of pairs) {
    if (pair.labels.runs) positives.runs += 1;
    if (pair.labels.coverageGain) positives.coverageGain += 1;
    if (pair.labels.mutationGain) positives.mutationGain += 1;
    bySplit[pair.split] += 1;
    byOrigin[pair.origin] = (byOrigin[pair.origin] ?? 0) + 1;
  }
  return { pairs: pairs.length, positives, bySplit, byOrigin };
}

/** What {@link writeRmrfDataset} wrote. */
export interface WrittenRmrfDataset {
  /** The JSONL file of every pair. */
  pairsFile: string;
  /** The directory of RM-RF TOML samples (one per pair, by split), where asked for. */
  tomlDirectory?: string;
  /** The statistics, as JSON. */
  summaryFile: string;
}

/**
 * Writes a run-free dataset to a directory: `pairs.jsonl` (every pair with its sets),
 * `summary.json` (the statistics) and, unless `toml` is false, `toml/<split>/<dataset>/<problem>-<test>.toml`
 * in RM-RF's sample format (which `readRmrfSample` reads back to the same deltas).
 */
export async function writeRmrfDataset(
  dataset: RmrfDataset,
  directory: string,
  options: { toml?: boolean } = {},
): Promise<WrittenRmrfDataset> {
  await mkdir(directory, { recursive: true });
  const pairsFile = join(directory, "pairs.jsonl");
  await writeJsonl(pairsFile, dataset.pairs);
  const summaryFile = join(directory, "summary.json");
  await writeFile(summaryFile, `${JSON.stringify(dataset.statistics, null, 2)}\n`);
  if (options.toml === false) return { pairsFile, summaryFile };
  const tomlDirectory = join(directory, "toml");
  await rm(tomlDirectory, { recursive: true, force: true });
  const made = new Set<string>();
  for (const pair of dataset.pairs) {
    const folder = join(tomlDirectory, pair.split, safeName(pair.dataset));
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await writeFile(
      join(folder, `${safeName(pair.problemId)}-${pair.test.id.slice(0, 16)}.toml`),
      pairToRmrfToml(pair),
    );
  }
  return { pairsFile, tomlDirectory, summaryFile };
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, "_");
}
