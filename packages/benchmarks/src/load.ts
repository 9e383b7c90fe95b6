import { CodermError, type Problem } from "@coderm/core";
import type { ExtractCodetTestsOptions } from "@coderm/generators";
import { readCodetSampleSet, type SampleSet } from "./codet.js";
import { type DatasetOptions, resolveDataset, resolveDatasetFile } from "./dataset-files.js";
import { type DatasetName, datasets, getDataset } from "./datasets.js";
import { readHumanEvalPlus, readMbppPlus } from "./evalplus.js";
import { readHumanEval } from "./humaneval.js";
import { readHumanEvalX, readMultiplE } from "./javascript.js";
import {
  type LiveCodeBenchWindow,
  liveCodeBenchReleaseFiles,
  liveCodeBenchToProblem,
  readLiveCodeBench,
} from "./livecodebench.js";
import { type MbppPromptStyle, readMbpp, readMbppFull } from "./mbpp.js";

// The first file of every dataset holds its problems.
const problemReaders: Record<
  Exclude<DatasetName, "livecodebench">,
  (path: string, options: LoadProblemsOptions) => Promise<Problem[]>
> = {
  humaneval: readHumanEval,
  "humaneval+": readHumanEvalPlus,
  mbpp: (path, options) => readMbpp(path, options.promptStyle),
  "mbpp-full": (path, options) => readMbppFull(path, options.promptStyle),
  "mbpp+": readMbppPlus,
  "humaneval-js": readHumanEvalX,
  "multipl-e-js": (path) => readMultiplE(path, "javascript"),
  "multipl-e-ts": (path) => readMultiplE(path, "typescript"),
  "codet-humaneval-codegen16b": readHumanEval,
};

/** Options of {@link loadProblems}. */
export interface LoadProblemsOptions extends DatasetOptions {
  /** LiveCodeBench: its version tag (`release_v5`, `v5`, `v4_v6`, ...; default `release_latest`). */
  release?: string;
  /** LiveCodeBench: keep the problems whose contest date lies in this window. */
  window?: LiveCodeBenchWindow;
  /** MBPP (`mbpp`, `mbpp-full`): how its problems are put to a model (default `evalplus`). */
  promptStyle?: MbppPromptStyle;
}

const promptStyleDatasets: readonly string[] = ["mbpp", "mbpp-full"];

/**
 * Loads the problems of a dataset (fetching and verifying its files first, see
 * {@link resolveDataset}). Benchmarks come with their ground-truth tests; a sample set gives the
 * problems its samples answer. LiveCodeBench reads the files of one version tag, within a date
 * window.
 */
export async function loadProblems(
  name: string,
  options: LoadProblemsOptions = {},
): Promise<Problem[]> {
  const dataset = getDataset(name);
  if (options.promptStyle !== undefined && !promptStyleDatasets.includes(dataset.name)) {
    throw new CodermError(
      "invalid-input",
      `a prompt style chooses how MBPP's problems are put (${promptStyleDatasets.join(", ")}), not ${dataset.name}'s`,
      { field: "promptStyle" },
    );
  }
  if (dataset.name === "livecodebench") {
    const files = liveCodeBenchReleaseFiles(options.release ?? "release_latest");
    const paths = await Promise.all(
      files.map(
        async (file) =>
          (await resolveDatasetFile(dataset.name, `livecodebench/${file}`, options)).localPath,
      ),
    );
    return (await readLiveCodeBench(paths, options.window)).map(liveCodeBenchToProblem);
  }
  if (options.release !== undefined || options.window !== undefined) {
    throw new CodermError(
      "invalid-input",
      `a release and a date window select LiveCodeBench's problems, not ${dataset.name}'s`,
      { field: options.release !== undefined ? "release" : "window" },
    );
  }
  const { localPath } = await resolveDatasetFile(dataset.name, dataset.files[0]!.path, options);
  return problemReaders[dataset.name](localPath, options);
}

/** Options of {@link loadSampleSet}. */
export interface SampleSetOptions extends DatasetOptions, ExtractCodetTestsOptions {
  /** Tests kept from each test sample, the first ones (CodeT's `--test_case_limit`, default 5). */
  testsPerSample?: number;
}

/**
 * Loads a released sample set with CodeT's post-processing: its problems, one candidate per
 * solution sample and the tests extracted from its test samples, with counts.
 */
export async function loadSampleSet(
  name: string,
  options: SampleSetOptions = {},
): Promise<SampleSet> {
  const dataset = getDataset(name);
  if (dataset.kind !== "sample-set" || dataset.model === undefined) {
    const sampleSets = datasets.filter((candidate) => candidate.kind === "sample-set");
    throw new CodermError(
      "invalid-input",
      `dataset "${name}" is a ${dataset.kind}, not a sample set (sample sets: ${sampleSets.map((candidate) => candidate.name).join(", ")})`,
    );
  }
  if (options.testsPerSample !== undefined && !(options.testsPerSample >= 1)) {
    throw new CodermError(
      "invalid-input",
      `testsPerSample must be at least 1, got ${options.testsPerSample}`,
    );
  }
  const [problems, testPrompts, solutions, tests] = (await resolveDataset(name, options)).map(
    (file) => file.localPath,
  );
  return readCodetSampleSet(
    dataset.name,
    dataset.model,
    { problems: problems!, testPrompts: testPrompts!, solutions: solutions!, tests: tests! },
    options,
  );
}
