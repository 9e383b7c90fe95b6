import {
  type Dataset,
  type DatasetOptions,
  datasets,
  getDataset,
  loadProblems,
  loadSampleSet,
  resolveDatasetFile,
} from "@coderm/benchmarks";
import { CodermError } from "@coderm/core";
import { writeJsonl } from "@coderm/core/node";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { positiveInteger } from "../options.js";
import { exitCodes, printJson, printTable } from "../output.js";
import { createProgress, type Progress } from "../progress.js";

/** One file's check: where it is and whether its content matches the registry's sha256. */
interface FileCheck {
  path: string;
  localPath: string | null;
  ok: boolean;
  sha256: string | null;
  /** The registry's sha256; null for an unpinned file (held to its first download's digest). */
  expected: string | null;
  /** Not present (in the data directory or the cache). */
  absent?: true;
  error?: string;
}

/** Registers `coderm datasets list|fetch|verify|show`. */
export function registerDatasetsCommand(program: Command, context: CommandContext): void {
  const { output } = context;
  const command = program
    .command("datasets")
    .description("List, download, verify and inspect benchmark datasets and released sample sets.");

  command
    .command("list")
    .description("List every dataset with its kind, language and files.")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      if (options.json) {
        printJson(output, { datasets });
        return;
      }
      printTable(
        output,
        ["name", "kind", "language", "files", "description"],
        datasets.map((dataset) => [
          dataset.name,
          dataset.kind,
          dataset.language,
          dataset.files.length,
          dataset.description,
        ]),
      );
    });

  command
    .command("fetch")
    .description(
      "Download datasets into the cache (or find them in CODERM_DATA_DIR) and verify them.",
    )
    .argument("[names...]", "datasets to fetch (all by default)")
    .option("--json", "print JSON")
    .action(async (names: string[], options: { json?: boolean }) => {
      const checks = await checkDatasets(selectDatasets(names), {
        download: true,
        stderr: output.stderr,
      });
      report(context, checks, options.json === true);
    });

  command
    .command("verify")
    .description("Check the sha256 of every dataset file present (nothing is downloaded).")
    .argument("[names...]", "datasets to verify (all by default)")
    .option("--json", "print JSON")
    .action(async (names: string[], options: { json?: boolean }) => {
      const checks = await checkDatasets(selectDatasets(names), {
        download: false,
        stderr: output.stderr,
      });
      // every dataset by default: those not present are listed, not failed
      report(context, checks, options.json === true, names.length === 0);
    });

  registerExport(command, context);

  command
    .command("show")
    .description(
      "Load a dataset and print its size: problems and tests, or a sample set's samples and unique solutions and tests.",
    )
    .argument("<name>", "dataset name (see `coderm datasets list`)")
    .option(
      "--tests-per-sample <n>",
      "tests kept from each test sample of a sample set (CodeT keeps 5)",
      positiveInteger,
      5,
    )
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean; testsPerSample: number }) => {
      const summary = await summarize(getDataset(name), options.testsPerSample);
      if (options.json) {
        printJson(output, summary);
        return;
      }
      printTable(
        output,
        ["field", "value"],
        Object.entries(summary).map(([field, value]) => [
          field,
          typeof value === "object" ? JSON.stringify(value) : value,
        ]),
      );
    });
}

/** Registers `coderm datasets export`. */
function registerExport(command: Command, context: CommandContext): void {
  command
    .command("export")
    .description(
      "Write a sample set's solutions ({task_id, solution}, the shape `coderm eval` reads) and tests ({task_id, kind, test}).",
    )
    .argument("<name>", "sample set name (see `coderm datasets list`)")
    .option(
      "--solutions <file>",
      "JSONL file for the solution samples, one a line (duplicates kept)",
    )
    .option(
      "--tests <file>",
      "JSONL file for the post-processed tests, one a line (duplicates kept)",
    )
    .option(
      "--tests-per-sample <n>",
      "tests kept from each test sample (CodeT keeps 5)",
      positiveInteger,
      5,
    )
    .option("--json", "print JSON")
    .action(
      async (
        name: string,
        options: { solutions?: string; tests?: string; testsPerSample: number; json?: boolean },
      ) => {
        if (options.solutions === undefined && options.tests === undefined) {
          throw new CodermError(
            "invalid-input",
            "nothing to export: give --solutions FILE and/or --tests FILE",
          );
        }
        const set = await loadSampleSet(name, { testsPerSample: options.testsPerSample });
        const written: Record<string, number> = {};
        if (options.solutions !== undefined) {
          written.solutions = await writeJsonl(
            options.solutions,
            set.candidates.map((candidate) => ({
              task_id: candidate.problemId,
              solution: candidate.code,
            })),
          );
        }
        if (options.tests !== undefined) {
          written.tests = await writeJsonl(
            options.tests,
            set.tests.map((test) => ({
              task_id: test.problemId,
              kind: test.kind,
              test: "code" in test ? test.code : "",
            })),
          );
        }
        if (options.json) printJson(context.output, { dataset: name, ...written });
        else
          printTable(
            context.output,
            ["file", "lines"],
            Object.entries(written).map(([kind, lines]) => [
              options[kind as "solutions" | "tests"],
              lines,
            ]),
          );
      },
    );
}

function selectDatasets(names: readonly string[]): Dataset[] {
  return names.length === 0 ? [...datasets] : names.map((name) => getDataset(name));
}

async function checkDatasets(
  selected: readonly Dataset[],
  settings: { download: boolean; stderr: NodeJS.WriteStream },
): Promise<{ dataset: Dataset; files: FileCheck[] }[]> {
  const results = [];
  let progress: Progress | undefined;
  const options: DatasetOptions = {
    download: settings.download,
    onProgress: ({ path, receivedBytes, totalBytes }) => {
      progress ??= createProgress({ label: `downloading ${path}`, stream: settings.stderr });
      if (totalBytes !== undefined) progress.setTotal(totalBytes);
      progress.advance(receivedBytes - downloaded);
      downloaded = receivedBytes;
    },
  };
  let downloaded = 0;
  for (const dataset of selected) {
    const files: FileCheck[] = [];
    for (const file of dataset.files) {
      downloaded = 0;
      try {
        const { localPath } = await resolveDatasetFile(dataset.name, file.path, options);
        files.push({
          path: file.path,
          localPath,
          ok: true,
          sha256: file.sha256 ?? null,
          expected: file.sha256 ?? null,
        });
      } catch (error) {
        if (!CodermError.isInstance(error)) throw error;
        const details = error.details ?? {};
        files.push({
          path: file.path,
          localPath: error.file ?? null,
          ok: false,
          sha256: typeof details.actual === "string" ? details.actual : null,
          expected: file.sha256 ?? null,
          ...(error.code === "not-found" ? { absent: true as const } : {}),
          error: error.message,
        });
      } finally {
        progress?.finish();
        progress = undefined;
      }
    }
    results.push({ dataset, files });
  }
  return results;
}

function report(
  context: CommandContext,
  checks: { dataset: Dataset; files: FileCheck[] }[],
  json: boolean,
  absentIsFine = false,
): void {
  const { output } = context;
  const fine = (file: FileCheck) => file.ok || (absentIsFine && file.absent === true);
  const rows = checks.map(({ dataset, files }) => ({
    name: dataset.name,
    ok: files.every(fine),
    path: files[0]?.localPath ?? null,
    sha256: files[0]?.sha256 ?? null,
    files,
  }));
  if (json) {
    printJson(output, { datasets: rows });
  } else {
    printTable(
      output,
      ["dataset", "status", "sha256", "path"],
      rows.flatMap((row) =>
        row.files.map((file, index) => [
          index === 0 ? row.name : "",
          file.ok ? "OK" : fine(file) ? "ABSENT" : "FAILED",
          file.sha256?.slice(0, 16) ?? "-",
          file.localPath ?? file.path,
        ]),
      ),
    );
  }
  for (const row of rows) {
    for (const file of row.files) if (!fine(file)) output.stderr.write(`coderm: ${file.error}\n`);
  }
  if (rows.some((row) => !row.ok)) context.exitCode = exitCodes.failure;
}

async function summarize(
  dataset: Dataset,
  testsPerSample: number,
): Promise<Record<string, unknown>> {
  const base = { name: dataset.name, kind: dataset.kind, language: dataset.language };
  if (dataset.kind === "sample-set") {
    const { statistics } = await loadSampleSet(dataset.name, { testsPerSample });
    const perProblem = Object.values(statistics.perProblem);
    return {
      ...base,
      model: dataset.model,
      problems: statistics.problems,
      solutionSamplesPerProblem: range(perProblem.map((counts) => counts.solutionSamples)),
      testSamplesPerProblem: range(perProblem.map((counts) => counts.testSamples)),
      solutionSamples: statistics.solutionSamples,
      testSamples: statistics.testSamples,
      testsPerSample,
      tests: statistics.tests,
      uniqueSolutions: statistics.uniqueSolutions,
      uniqueCandidates: statistics.uniqueCandidates,
      uniqueTests: statistics.uniqueTests,
      uniquePairs: statistics.uniquePairs,
    };
  }
  const problems = await loadProblems(dataset.name);
  const testsByKind: Record<string, number> = {};
  for (const problem of problems) {
    for (const test of problem.tests ?? [])
      testsByKind[test.kind] = (testsByKind[test.kind] ?? 0) + 1;
  }
  return {
    ...base,
    problems: problems.length,
    tests: Object.values(testsByKind).reduce((sum, count) => sum + count, 0),
    testsByKind,
    testsPerProblem: range(problems.map((problem) => problem.tests?.length ?? 0)),
    withCanonicalSolution: problems.filter((problem) => problem.canonicalSolution !== undefined)
      .length,
  };
}

function range(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}
