import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExecutionLimits, ProblemMatrix } from "@coderm/core";
import {
  executeProblems,
  type JudgingPolicy,
  loadRerankInputs,
  type OpenedExecutor,
} from "@coderm/pipeline";
import type { Command } from "commander";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "./executor-options.js";
import { memoryLimitMb, positiveInteger, problemIds, timeLimitMs } from "./options.js";
import type { Output } from "./output.js";
import { createProgress } from "./progress.js";

/** The flags of a study over a released sample set's executed matrices. */
export interface StudyMatrixFlags extends ExecutorFlags {
  dataset: string;
  problems?: string[];
  limit?: number;
  timeLimit: number;
  memoryLimit: number;
  out?: string;
  json?: boolean;
}

/**
 * Adds the flags every study over a released sample set shares: `--dataset`, `--problems`,
 * `--limit`, `--time-limit`, `--memory-limit`, `--out`, `--json` and the executor's flags.
 */
export function addStudyMatrixOptions(command: Command): Command {
  return addExecutorOptions(
    command
      .option("--dataset <name>", "a released sample set", "codet-humaneval-codegen16b")
      .option(
        "--problems <ids>",
        "only these problems: ids separated by commas (HumanEval/0,HumanEval/5), repeatable; --limit then counts among them",
        problemIds,
      )
      .option("--limit <n>", "only the first N problems", positiveInteger)
      .option("--time-limit <ms>", "time limit of a test (CodeT's 100)", timeLimitMs, 100)
      .option("--memory-limit <mb>", "memory limit of a candidate in MiB", memoryLimitMb, 1024)
      .option("--out <dir>", "write study.json, study.md and study.svg")
      .option("--json", "print JSON"),
  );
}

/** A released sample set's executed matrices, and the executor that ran them (the caller closes it). */
export interface StudyMatrices {
  problems: ProblemMatrix[];
  judging: JudgingPolicy | undefined;
  limits: ExecutionLimits;
  opened: OpenedExecutor;
  executeSeconds: number;
}

/**
 * Executes a released sample set (its candidates against five tests a generation, as CodeT
 * does) into pass matrices, with a progress bar on stderr; the executor stays open for the study.
 */
export async function executeStudyMatrices(
  flags: StudyMatrixFlags,
  output: Output,
): Promise<StudyMatrices> {
  const { input, judging } = await loadRerankInputs({
    dataset: flags.dataset,
    testsPerSample: 5,
    ...(flags.problems === undefined ? {} : { problems: flags.problems }),
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
  });
  const limits = { timeMs: flags.timeLimit, memoryMb: flags.memoryLimit, outputBytes: 1024 };
  const opened = await startExecutor(flags, output);
  try {
    const started = performance.now();
    const progress = createProgress({ label: "executing", stream: output.stderr });
    const problems = await executeProblems(input, {
      executor: opened.executor,
      limits,
      groundTruthLimits: limits,
      judging,
      onProgress: (event) => {
        if ("total" in event) progress.setTotal(event.total);
        else progress.advance();
      },
    });
    progress.finish();
    return {
      problems,
      judging,
      limits,
      opened,
      executeSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}

/** Writes a study's `study.json`, `study.md` and `study.svg` to `dir`. */
export async function writeStudyFiles(
  dir: string,
  result: unknown,
  markdown: string,
  svg: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "study.json"), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, "study.md"), markdown);
  await writeFile(join(dir, "study.svg"), svg);
}
