import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { defaultCacheDir } from "@coderm/core/node";
import {
  createResultsStore,
  defaultResultsStorePath,
  type ExperimentEvent,
  experimentsReport,
  type PlannedCell,
  planCells,
  readExperimentSpec,
  runExperiments,
  shippedSpecPath,
  shippedSpecs,
} from "@coderm/experiments";
import { renderHtml, renderMarkdown } from "@coderm/report";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { addExecutorOptions, type ExecutorFlags, startExecutor } from "../executor-options.js";
import { printJson, printTable } from "../output.js";
import { createProgress, type Progress } from "../progress.js";

interface StoreFlags {
  store?: string;
  json?: boolean;
}

interface RunFlags extends ExecutorFlags, StoreFlags {
  report?: string;
}

interface ReportFlags extends StoreFlags {
  out?: string;
}

/** Registers `coderm experiments run|report|plan`. */
export function registerExperimentsCommand(program: Command, context: CommandContext): void {
  const command = program
    .command("experiments")
    .description(
      `Experiments as specs (YAML or JSON): datasets x candidate sources x test sources x methods x budgets x seeds, run through the pipeline into a results store keyed by each cell's content, reported as Markdown and a self-contained HTML page. SPEC is a file or a shipped spec (${shippedSpecs().join(", ")}).`,
    );
  const storeOption = (sub: Command) =>
    sub
      .option(
        "--store <file>",
        "the SQLite results store (default: experiments/results.sqlite in the cache directory)",
      )
      .option("--json", "print JSON");
  addExecutorOptions(
    storeOption(
      command
        .command("run <spec>")
        .description(
          "Compute every cell of the spec that the store lacks (a rerun computes only missing cells; a killed run resumes), then optionally write the report.",
        )
        .option(
          "--report <dir>",
          "then write report.md, report.html and charts/ to this directory",
        ),
    ),
  ).action((spec: string, flags: RunFlags) => runCommand(spec, flags, context));
  storeOption(
    command
      .command("report <spec>")
      .description(
        "Render the spec's results from the store: Markdown on standard output, or report.md, report.html (self-contained: inline CSS and SVG) and charts/*.svg with --out.",
      )
      .option("--out <dir>", "write report.md, report.html and charts/ here"),
  ).action((spec: string, flags: ReportFlags) => reportCommand(spec, flags, context));
  storeOption(
    command
      .command("plan <spec>")
      .description(
        "Validate the spec and count its cells, and how many the store has, per experiment.",
      ),
  ).action((spec: string, flags: StoreFlags) => planCommand(spec, flags, context));
}

/** A spec argument: a file, or the name of a shipped spec. */
async function loadSpec(argument: string) {
  const file = shippedSpecPath(argument) ?? resolve(argument);
  const spec = await readExperimentSpec(file);
  const cells = await planCells(spec, { directory: dirname(file) });
  return { spec, cells };
}

function openStore(flags: StoreFlags) {
  return createResultsStore({
    path: flags.store ?? defaultResultsStorePath(defaultCacheDir()),
  });
}

async function runCommand(argument: string, flags: RunFlags, context: CommandContext) {
  const { output } = context;
  const { spec, cells } = await loadSpec(argument);
  const store = openStore(flags);
  try {
    let progress: Progress | undefined;
    const onEvent = (event: ExperimentEvent) => {
      if (event.type === "stage") {
        progress?.finish();
        progress = undefined;
        if (event.total === undefined) {
          output.stderr.write(`coderm: ${event.label}\n`);
          return;
        }
        progress = createProgress({
          label: event.label,
          stream: output.stderr,
          ...(event.total === undefined ? {} : { total: event.total }),
        });
      } else if (event.type === "advance") progress?.advance();
      else if (event.type === "plan")
        output.stderr.write(
          `coderm: ${spec.name}: ${event.cells} cells (${event.distinct} distinct), ${event.stored} in the store, ${event.distinct - event.stored} to compute\n`,
        );
    };
    const summary = await runExperiments({
      cells,
      store,
      openExecutor: () => startExecutor(flags, output),
      workDirectory: join(dirname(store.path), "work"),
      cache: flags.cache,
      onEvent,
    }).finally(() => progress?.finish());
    const written =
      flags.report === undefined
        ? undefined
        : await writeReport(flags.report, experimentsReport(spec, cells, store));
    const report = {
      spec: spec.name,
      store: store.path,
      cells: summary.cells,
      distinct_cells: summary.distinct,
      from_store: summary.stored,
      computed: summary.computed,
      wall_s: Math.round(summary.seconds * 100) / 100,
      ...(written === undefined ? {} : { report: written }),
    };
    if (flags.json) printJson(output, report);
    else
      output.stdout.write(
        `${spec.name}: ${summary.cells} cells, ${summary.distinct} distinct (${summary.stored} from the store, ${summary.computed} computed) in ${report.wall_s} s; store ${store.path}${written === undefined ? "" : `; report ${written.html}`}\n`,
      );
  } finally {
    store.close();
  }
}

async function reportCommand(argument: string, flags: ReportFlags, context: CommandContext) {
  const { output } = context;
  const { spec, cells } = await loadSpec(argument);
  const store = openStore(flags);
  try {
    const document = experimentsReport(spec, cells, store);
    if (flags.out === undefined) {
      const { markdown } = renderMarkdown(document);
      if (flags.json) printJson(output, document);
      else output.stdout.write(markdown);
      return;
    }
    const written = await writeReport(flags.out, document);
    if (flags.json) printJson(output, written);
    else
      output.stdout.write(
        `wrote ${written.markdown}, ${written.html} and ${written.charts} charts\n`,
      );
  } finally {
    store.close();
  }
}

async function planCommand(argument: string, flags: StoreFlags, context: CommandContext) {
  const { output } = context;
  const { spec, cells } = await loadSpec(argument);
  const store = openStore(flags);
  try {
    const stored = store.has(cells.map((planned) => planned.key));
    const rows = spec.experiments.map((experiment) => {
      const own = cells.filter((planned: PlannedCell) => planned.cell.experiment === experiment.id);
      return {
        experiment: experiment.id,
        kind: experiment.kind,
        cells: own.length,
        stored: own.filter((planned) => stored.has(planned.key)).length,
      };
    });
    if (flags.json) printJson(output, { spec: spec.name, store: store.path, experiments: rows });
    else
      printTable(
        output,
        ["experiment", "kind", "cells", "in store"],
        rows.map((row) => [row.experiment, row.kind, String(row.cells), String(row.stored)]),
      );
  } finally {
    store.close();
  }
}

/** Writes `report.md`, `report.html` and `charts/*.svg` to `dir`. */
async function writeReport(
  dir: string,
  document: ReturnType<typeof experimentsReport>,
): Promise<{ markdown: string; html: string; charts: number }> {
  const { markdown, charts } = renderMarkdown(document);
  await mkdir(join(dir, "charts"), { recursive: true });
  for (const chart of charts) await writeFile(join(dir, chart.file), chart.svg);
  const paths = { markdown: join(dir, "report.md"), html: join(dir, "report.html") };
  await writeFile(paths.markdown, markdown);
  await writeFile(paths.html, renderHtml(document));
  return { ...paths, charts: charts.length };
}
