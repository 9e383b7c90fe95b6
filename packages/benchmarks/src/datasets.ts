import { CodermError, type Language } from "@coderm/core";
import { liveCodeBenchFiles } from "./livecodebench.js";

/** What a dataset holds: problems with ground truth, or a released set of model samples. */
export type DatasetKind = "benchmark" | "sample-set";

/** One file of a dataset. */
export interface DatasetFile {
  /** Path inside a data directory, such as `humaneval/HumanEval.jsonl.gz`. */
  path: string;
  /** The public address the file is downloaded from. */
  url: string;
  /** True when the upstream file is gzip-compressed. */
  gzipped: boolean;
  /**
   * sha256 hex of the decompressed content, so a gzipped and a plain copy check the same. Absent
   * for a file whose digest could not be taken when it was registered (LiveCodeBench's and the
   * original MBPP's: their hosts are not reachable from where this project is built): such a file is held to the digest of its
   * first download, recorded beside it in the cache.
   */
  sha256?: string;
}

/** A dataset coderm knows how to fetch, verify and load. */
export interface Dataset {
  name: DatasetName;
  description: string;
  language: Language;
  kind: DatasetKind;
  license: string;
  /** The model that wrote the samples of a sample set. */
  model?: string;
  /** The benchmark whose problems a sample set samples. */
  benchmark?: string;
  /**
   * Time limit of one ground-truth test in milliseconds, as the benchmark's own harness sets it
   * (HumanEval's and MBPP's 3 s; EvalPlus's least per-input limit, 4 s, which its per-input
   * limits raise; CodeT's 0.1 s for its released set).
   */
  timeLimitMs: number;
  /**
   * How its generated tests are judged beyond their verdicts: `codet-packed-suite` fails every
   * candidate of a problem whose tests do not compile packed into one function, as CodeT's runner
   * does (see `codetPackedSuiteFailures`); `verdicts` judges each test by its verdict alone.
   */
  judging: "verdicts" | "codet-packed-suite";
  /**
   * How samples are judged against the ground truth: `tests` runs every ground-truth test under
   * `timeLimitMs`; `evalplus` follows EvalPlus: expected outputs and per-input time limits from the
   * canonical solution, base inputs then plus inputs, each stopping at its first failure, under
   * `memoryLimitMb` (see `@coderm/pipeline`'s evaluate).
   */
  groundTruth: "tests" | "evalplus";
  /** Memory limit of a candidate in MiB as the benchmark's own harness sets it (EvalPlus: 4 GiB). */
  memoryLimitMb: number;
  files: readonly DatasetFile[];
}

const github = "https://raw.githubusercontent.com";
const codet = `${github}/microsoft/CodeT/main/CodeT/data`;
const multiplE = `${github}/deepseek-ai/DeepSeek-Coder/main/Evaluation/HumanEval/data`;
const codegen16b = "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300";
const liveCodeBenchUpstream =
  "https://huggingface.co/datasets/livecodebench/code_generation_lite/resolve/main";

/** Every dataset coderm knows, in a stable order. */
export const datasets = [
  {
    name: "humaneval",
    description: "HumanEval: 164 hand-written Python problems with `check(candidate)` tests",
    language: "python",
    kind: "benchmark",
    timeLimitMs: 3000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "MIT",
    files: [
      {
        path: "humaneval/HumanEval.jsonl.gz",
        url: `${github}/openai/human-eval/master/data/HumanEval.jsonl.gz`,
        gzipped: true,
        sha256: "1d49078ba3e2b196b9344535bef34a43021f038fad9561d6ee7c53450609a6a2",
      },
    ],
  },
  {
    name: "humaneval+",
    description: "HumanEval+ v0.1.10 (EvalPlus): HumanEval with about 750 test inputs a problem",
    language: "python",
    kind: "benchmark",
    timeLimitMs: 4000,
    judging: "verdicts",
    groundTruth: "evalplus",
    memoryLimitMb: 4096,
    license: "Apache-2.0",
    files: [
      {
        path: "evalplus/HumanEvalPlus-v0.1.10.jsonl.gz",
        url: "https://github.com/evalplus/humanevalplus_release/releases/download/v0.1.10/HumanEvalPlus.jsonl.gz",
        gzipped: true,
        sha256: "42526ec0e7d5f3ee0b06d6ced98f8c8bae3d76519151bfb3d36f79010645bd7f",
      },
    ],
  },
  {
    name: "mbpp",
    description: "MBPP (sanitized): 427 hand-verified basic Python problems with assert tests",
    language: "python",
    kind: "benchmark",
    timeLimitMs: 3000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "CC-BY-4.0",
    files: [
      {
        path: "mbpp/sanitized-mbpp.json",
        url: `${github}/google-research/google-research/master/mbpp/sanitized-mbpp.json`,
        gzipped: false,
        sha256: "ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9",
      },
    ],
  },
  {
    name: "mbpp-full",
    description:
      "MBPP (original): 974 crowd-sourced Python problems with assert tests; its split (test: 11–510) in each problem's metadata",
    language: "python",
    kind: "benchmark",
    timeLimitMs: 3000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "CC-BY-4.0",
    files: [
      {
        path: "mbpp/mbpp.jsonl",
        url: `${github}/google-research/google-research/master/mbpp/mbpp.jsonl`,
        gzipped: false,
      },
    ],
  },
  {
    name: "mbpp+",
    description: "MBPP+ v0.2.0 (EvalPlus): 378 MBPP problems with many more test inputs",
    language: "python",
    kind: "benchmark",
    timeLimitMs: 4000,
    judging: "verdicts",
    groundTruth: "evalplus",
    memoryLimitMb: 4096,
    license: "Apache-2.0",
    files: [
      {
        path: "evalplus/MbppPlus-v0.2.0.jsonl.gz",
        url: "https://github.com/evalplus/mbppplus_release/releases/download/v0.2.0/MbppPlus.jsonl.gz",
        gzipped: true,
        sha256: "b54e762755248ca411b523c917fa9f93c07b5ff2966bf60b3917b853926a3dad",
      },
    ],
  },
  {
    name: "livecodebench",
    description:
      "LiveCodeBench code_generation_lite: contest problems by release (v1 … v6), stdin and functional tests",
    language: "python",
    kind: "benchmark",
    // LiveCodeBench's default per-test timeout (lcb_runner --timeout)
    timeLimitMs: 6000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "CC-BY-4.0",
    files: liveCodeBenchFiles.map((file) => ({
      path: `livecodebench/${file}`,
      url: `${liveCodeBenchUpstream}/${file}`,
      gzipped: false,
    })),
  },
  {
    name: "humaneval-js",
    description: "HumanEval-X JavaScript (CodeGeeX): 164 problems with canonical solutions",
    language: "javascript",
    kind: "benchmark",
    timeLimitMs: 3000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "Apache-2.0",
    files: [
      {
        path: "humaneval-x/humaneval_js.jsonl.gz",
        url: `${github}/THUDM/CodeGeeX/main/codegeex/benchmark/humaneval-x/js/data/humaneval_js.jsonl.gz`,
        gzipped: true,
        sha256: "da529500a73fcbc86bc8f6c7855c0f2c0fc7af1c4dc530e26a54bbfd17f97cef",
      },
    ],
  },
  {
    name: "multipl-e-js",
    description: "MultiPL-E HumanEval in JavaScript: 161 problems with node:assert tests",
    language: "javascript",
    kind: "benchmark",
    timeLimitMs: 3000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "MIT",
    files: [
      {
        path: "multipl-e/humaneval-js.jsonl",
        url: `${multiplE}/humaneval-js.jsonl`,
        gzipped: false,
        sha256: "634e2eee8d6e22de07c121b972207683dd96be76256bf44bdfc1a3386b739287",
      },
    ],
  },
  {
    name: "multipl-e-ts",
    description: "MultiPL-E HumanEval in TypeScript: 159 problems with node:assert tests",
    language: "typescript",
    kind: "benchmark",
    timeLimitMs: 3000,
    judging: "verdicts",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "MIT",
    files: [
      {
        path: "multipl-e/humaneval-ts.jsonl",
        url: `${multiplE}/humaneval-ts.jsonl`,
        gzipped: false,
        sha256: "4b1af1050c9f226335d54a8c80553c39454a525cace3e67bdcfcc9092ba02637",
      },
    ],
  },
  {
    name: "codet-humaneval-codegen16b",
    description:
      "CodeT's HumanEval samples from CodeGen-Mono-16B: 100 solutions and 100 test completions a problem",
    language: "python",
    kind: "sample-set",
    timeLimitMs: 100,
    judging: "codet-packed-suite",
    groundTruth: "tests",
    memoryLimitMb: 2048,
    license: "MIT",
    model: "codegen-mono-16b",
    benchmark: "humaneval",
    // The loader reads these four in this order.
    files: [
      {
        path: "codet/HumanEval_for_code_generation.jsonl.gz",
        url: `${codet}/dataset/HumanEval_for_code_generation.jsonl`,
        gzipped: false,
        sha256: "882c3d56432b2b5b9e568398d7ebdf54f2c84fdb05fef3b833a3d935ad71861c",
      },
      {
        path: "codet/HumanEval_for_test_case_generation.jsonl.gz",
        url: `${codet}/dataset/HumanEval_for_test_case_generation.jsonl`,
        gzipped: false,
        sha256: "32c8f69001f439f3817b9124b54c78870d90b5c54e2babafdd9598bc5adf322e",
      },
      {
        path: `codet/${codegen16b}_code_solution.jsonl.gz`,
        url: `${codet}/generated_data/${codegen16b}_code_solution.jsonl`,
        gzipped: false,
        sha256: "239b84349993c19a98bc4bf96a9a9ac47908125b3242db72788471e6c58728d5",
      },
      {
        path: `codet/${codegen16b}_test_case.jsonl.gz`,
        url: `${codet}/generated_data/${codegen16b}_test_case.jsonl`,
        gzipped: false,
        sha256: "ac10882a8b480ab04e591f39a4c62ce8faa1c207aae1c3e4679ad9ec8215a255",
      },
    ],
  },
] as const satisfies readonly (Omit<Dataset, "name"> & { name: string })[];

/** The name of a dataset coderm knows. */
export type DatasetName = (typeof datasets)[number]["name"];

/** The dataset with this name; an unknown name is a `not-found` error listing the known ones. */
export function getDataset(name: string): Dataset {
  const dataset = datasets.find((candidate) => candidate.name === name);
  if (dataset === undefined) {
    const known = datasets.map((candidate) => candidate.name).join(", ");
    throw new CodermError("not-found", `unknown dataset "${name}" (known: ${known})`, {
      details: { name, known: datasets.map((candidate) => candidate.name) },
    });
  }
  return dataset;
}
