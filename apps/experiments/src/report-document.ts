import type { StudyResult } from "@coderm/allocator";
import { bootstrapInterval, type Interval } from "@coderm/core";
import {
  allocationStudySections,
  hybridStudySections,
  type LineChart,
  type ReportBlock,
  type ReportDocument,
  type ReportSection,
  type ReportTable,
} from "@coderm/report";
import type { HybridStudyResult } from "@coderm/reward-nt";
import type { TestScoreReport } from "@coderm/reward-rmrf";
import type { RerankCellResult } from "./cell-results.js";
import type { PlannedCell, RerankCell } from "./cells.js";
import type { ResultsStore } from "./results-store.js";
import type { RmrfCellResult } from "./rmrf-cell.js";
import type { Experiment, ExperimentSpec, RerankExperiment } from "./spec.js";

/** RM-RF's fine-tuned 7B model: mean F1 over its three targets (its paper). */
const rmrfPaperMeanF1 = 0.69;

/**
 * The report of a spec from the store: per rerank experiment a method x dataset table of pass@1
 * with the change against the random pick (and the published figure where the spec gives one),
 * best-of-N against tests and candidates per problem, allocation curves, and test quality; the
 * allocation and hybrid studies; RM-RF's per-target table. Cells not in the store are counted and
 * said, never invented.
 */
export function experimentsReport(
  spec: ExperimentSpec,
  cells: readonly PlannedCell[],
  store: ResultsStore,
): ReportDocument {
  const results = new Map<string, unknown>();
  for (const { key } of cells) {
    const stored = store.get(key);
    if (stored !== undefined) results.set(key, stored.result);
  }
  const shownQuality = new Set<string>();
  const sections = spec.experiments.flatMap((experiment) => {
    const own = cells.filter((planned) => planned.cell.experiment === experiment.id);
    const found = own.filter((planned) => results.has(planned.key));
    const missing = own.length - found.length;
    const sectionsOf = experimentSections(experiment, found, results, shownQuality);
    if (missing > 0) {
      const note: ReportBlock = {
        kind: "note",
        text: `${missing} of ${own.length} cells of ${experiment.id} are not in the store yet: run \`coderm experiments run\` to compute them.`,
      };
      if (sectionsOf.length === 0)
        return [{ id: experiment.id, title: experiment.title ?? experiment.id, blocks: [note] }];
      sectionsOf[0]!.blocks.unshift(note);
    }
    return sectionsOf;
  });
  return {
    title: spec.title ?? `Experiments: ${spec.name}`,
    intro: [
      ...(spec.description === undefined ? [] : [spec.description]),
      `${cells.filter((planned) => results.has(planned.key)).length} of ${cells.length} cells computed; pass@1 in percent.`,
    ],
    sections,
  };
}

function experimentSections(
  experiment: Experiment,
  found: readonly PlannedCell[],
  results: ReadonlyMap<string, unknown>,
  shownQuality: Set<string>,
): ReportSection[] {
  if (found.length === 0) return [];
  const result = results.get(found[0]!.key);
  switch (experiment.kind) {
    case "rerank":
      return rerankSections(experiment, found, results, shownQuality);
    case "allocation-study":
      return prefixed(experiment, allocationStudySections(result as StudyResult));
    case "hybrid-study":
      return prefixed(experiment, hybridStudySections(result as HybridStudyResult));
    case "rmrf-eval":
      return [rmrfSection(experiment, result as RmrfCellResult)];
  }
}

/** Study sections under the experiment's id and title. */
function prefixed(experiment: Experiment, sections: ReportSection[]): ReportSection[] {
  return sections.map((section) => ({
    ...section,
    id: `${experiment.id}-${section.id}`,
    title: `${experiment.title ?? experiment.id}: ${section.title}`,
  }));
}

interface RerankEntry {
  cell: RerankCell;
  result: RerankCellResult;
}

/** The combination of dataset and sources that one column group of the tables shows. */
function comboOf(cell: RerankCell): string {
  const { candidates, tests } = cell;
  const sources =
    candidates.label === tests.label ? candidates.label : `${candidates.label} × ${tests.label}`;
  return `${cell.dataset} · ${sources}`;
}

function rerankSections(
  experiment: RerankExperiment,
  found: readonly PlannedCell[],
  results: ReadonlyMap<string, unknown>,
  shownQuality: Set<string>,
): ReportSection[] {
  const entries: RerankEntry[] = found.map((planned) => ({
    cell: planned.cell as RerankCell,
    result: results.get(planned.key) as RerankCellResult,
  }));
  const combos = [...new Set(entries.map((entry) => comboOf(entry.cell)))];
  const methods = [...new Set(entries.map((entry) => entry.cell.method.label))];
  const title = experiment.title ?? experiment.id;
  const full = entries.filter(
    (entry) => entry.cell.budget.candidates === "all" && entry.cell.budget.tests === "all",
  );
  const blocks: ReportBlock[] = [];
  if (full.length > 0)
    blocks.push({ kind: "table", table: mainTable(experiment, full, combos, methods) });
  const sections: ReportSection[] = [{ id: experiment.id, title, blocks }];
  const charts = scalingCharts(experiment, entries, combos, methods);
  if (charts.length > 0)
    sections.push({
      id: `${experiment.id}-scaling`,
      title: `${title}: best-of-N against the budget`,
      blocks: charts.map((chart) => ({ kind: "chart", chart })),
    });
  // each group's test quality once in the report: experiments over the same inputs share it
  const quality = testQualityTable(full.filter((entry) => !shownQuality.has(qualityGroup(entry))));
  for (const entry of full) shownQuality.add(qualityGroup(entry));
  if (quality.rows.length > 0)
    sections.push({
      id: `${experiment.id}-test-quality`,
      title: `${title}: quality of the generated tests`,
      blocks: [
        {
          kind: "text",
          text: "Each generated test (single) and all of a problem's tests together (combined) as a classifier of the candidates' ground-truth correctness, in percent. FAR: a wrong candidate accepted; FRR: a correct one rejected.",
        },
        { kind: "table", table: quality },
      ],
    });
  return sections;
}

/** Values over seeds: the mean, with a 95 % bootstrap interval when there are several. */
function overSeeds(values: readonly number[]): Interval {
  return values.length < 2
    ? { mean: values[0] ?? Number.NaN, low: values[0] ?? Number.NaN, high: values[0] ?? Number.NaN }
    : bootstrapInterval(values, { seed: 0 });
}

function meanOf(value: number | Interval | undefined): number {
  if (value === undefined) return Number.NaN;
  return typeof value === "number" ? value : value.mean;
}

function show(interval: Interval, withInterval: boolean): string {
  if (Number.isNaN(interval.mean)) return "–";
  return withInterval && interval.high > interval.low
    ? `${interval.mean.toFixed(2)} [${interval.low.toFixed(2)}, ${interval.high.toFixed(2)}]`
    : interval.mean.toFixed(2);
}

function signed(value: number): string {
  if (Number.isNaN(value)) return "–";
  return `${value >= 0.005 ? "+" : ""}${value.toFixed(2)}`;
}

function mainTable(
  experiment: RerankExperiment,
  full: readonly RerankEntry[],
  combos: readonly string[],
  methods: readonly string[],
): ReportTable {
  const published = experiment.published ?? {};
  const hasPublished = Object.keys(published).length > 0;
  const passAt1 = (method: string, combo: string) =>
    overSeeds(
      full
        .filter((entry) => entry.cell.method.label === method && comboOf(entry.cell) === combo)
        .map((entry) => meanOf(entry.result.scores["pass@1"])),
    );
  const hasRandom = methods.includes("random");
  const rows = methods.map((method) => {
    const cells = combos.flatMap((combo) => {
      const value = passAt1(method, combo);
      const versus = hasRandom ? [signed(value.mean - passAt1("random", combo).mean)] : [];
      return [show(value, true), ...versus];
    });
    const reference = published[method];
    const first = passAt1(method, combos[0]!);
    const publishedCells = hasPublished
      ? [
          reference === undefined ? "–" : reference.toFixed(2),
          reference === undefined ? "–" : signed(first.mean - reference),
        ]
      : [];
    return [method, ...cells, ...publishedCells];
  });
  const seeds = new Set(full.map((entry) => String(entry.cell.seed))).size;
  return {
    caption: `pass@1 (%) of each method's pick${seeds > 1 ? `, mean [95 % interval] over ${seeds} seeds` : ""}${hasRandom ? "; Δ: the change against a random pick (the vanilla model)" : ""}`,
    columns: [
      { label: "method", align: "left" },
      ...combos.flatMap((combo) => [
        { label: `${combo}: pass@1`, align: "right" as const },
        ...(hasRandom ? [{ label: "Δ random", align: "right" as const }] : []),
      ]),
      ...(hasPublished
        ? [
            { label: "published", align: "right" as const },
            { label: "Δ published", align: "right" as const },
          ]
        : []),
    ],
    rows,
  };
}

/** Where the "all" budget sits on an axis: the problems' average count. */
function budgetPosition(budget: number | "all", allValue: number): number {
  return budget === "all" ? allValue : budget;
}

function scalingCharts(
  experiment: RerankExperiment,
  entries: readonly RerankEntry[],
  combos: readonly string[],
  methods: readonly string[],
): LineChart[] {
  const charts: LineChart[] = [];
  const axes = [
    { axis: "tests" as const, label: "tests per problem", values: experiment.budgets.tests },
    {
      axis: "candidates" as const,
      label: "candidates per problem",
      values: experiment.budgets.candidates,
    },
  ];
  for (const combo of combos) {
    const own = entries.filter((entry) => comboOf(entry.cell) === combo);
    const inputs = own[0]?.result.inputs;
    if (inputs === undefined) continue;
    const allOf = {
      tests: inputs.tests / Math.max(1, inputs.problems),
      candidates: inputs.candidates / Math.max(1, inputs.problems),
    };
    for (const { axis, label, values } of axes) {
      if (values.length < 2) continue;
      const other = axis === "tests" ? "candidates" : "tests";
      const curve = (filter: (entry: RerankEntry) => boolean) =>
        values.flatMap((budget) => {
          const chosen = own.filter(
            (entry) =>
              filter(entry) &&
              entry.cell.budget[axis] === budget &&
              entry.cell.budget[other] === "all",
          );
          if (chosen.length === 0) return [];
          const interval = overSeeds(chosen.map((entry) => meanOf(entry.result.scores["pass@1"])));
          const x = budgetPosition(budget, allOf[axis]);
          return [{ x, y: interval.mean, low: interval.low, high: interval.high }];
        });
      const ticks = values.map((budget) => ({
        value: budgetPosition(budget, allOf[axis]),
        label: budget === "all" ? `all (${allOf[axis].toFixed(0)})` : String(budget),
      }));
      const equal = (entry: RerankEntry) =>
        axis === "candidates" || entry.cell.budget.allocation === "equal";
      charts.push({
        id: chartId(experiment.id, combo, axis),
        title: `${combo}: pass@1 against ${label}`,
        xLabel: label,
        yLabel: "pass@1 (%)",
        xScale: "log",
        xTicks: ticks,
        series: methods
          .map((method) => ({
            name: method,
            points: curve((entry) => equal(entry) && entry.cell.method.label === method),
          }))
          .filter((series) => series.points.length > 0),
      });
      if (axis === "tests" && experiment.budgets.allocation.length > 1)
        for (const method of methods) {
          const series = experiment.budgets.allocation
            .map((allocation) => ({
              name: allocation,
              points: curve(
                (entry) =>
                  entry.cell.method.label === method &&
                  (entry.cell.budget.tests === "all" ||
                    entry.cell.budget.allocation === allocation),
              ),
            }))
            .filter((item) => item.points.length > 0);
          if (series.length > 0)
            charts.push({
              id: chartId(experiment.id, combo, `allocation-${method}`),
              title: `${combo}, ${method}: allocation of the test budget`,
              xLabel: "tests per problem (average)",
              yLabel: "pass@1 (%)",
              xScale: "log",
              xTicks: ticks,
              series,
            });
        }
    }
  }
  return charts;
}

function chartId(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The inputs a test-quality row describes: the sources, and the test filter if any. */
function qualityGroup(entry: RerankEntry): string {
  const filter = entry.cell.method.filter;
  return `${comboOf(entry.cell)}${filter === undefined ? "" : ` (${filter.scorer} ≥ ${filter.threshold})`}`;
}

function testQualityTable(full: readonly RerankEntry[]): ReportTable {
  const percent = (value: number | null) => (value === null ? "–" : value.toFixed(2));
  const groups = new Map<string, RerankEntry>();
  for (const entry of full)
    if (!groups.has(qualityGroup(entry))) groups.set(qualityGroup(entry), entry);
  return {
    caption: "Test quality (%)",
    columns: [
      { label: "inputs", align: "left" },
      { label: "tests", align: "left" },
      { label: "accuracy", align: "right" },
      { label: "F1", align: "right" },
      { label: "FAR", align: "right" },
      { label: "FRR", align: "right" },
    ],
    rows: [...groups].flatMap(([name, entry]) =>
      (["single", "combined"] as const).map((kind) => {
        const quality = entry.result.test_quality[kind];
        return [
          name,
          kind,
          percent(quality.accuracy),
          percent(quality.f1),
          percent(quality.falseAcceptanceRate),
          percent(quality.falseRejectionRate),
        ];
      }),
    ),
  };
}

function rmrfSection(experiment: Experiment, result: RmrfCellResult): ReportSection {
  const number = (value: number | null | undefined) =>
    value === null || value === undefined || Number.isNaN(value) ? "–" : value.toFixed(3);
  const tables = Object.entries(result.reports).map(
    ([name, report]: [string, TestScoreReport]): ReportBlock => ({
      kind: "table",
      table: {
        caption: `${name}: ${report.count} tests; macro-F1 ${number(report.macroF1)} (always-yes floor ${number(report.floorMacroF1)}; RM-RF's fine-tuned 7B: ${rmrfPaperMeanF1})`,
        columns: [
          { label: "target", align: "left" },
          ...["F1", "floor F1", "precision", "recall", "AUROC", "positives"].map((label) => ({
            label,
            align: "right" as const,
          })),
        ],
        rows: Object.entries(report.targets).map(([target, row]) => [
          target,
          number(row.f1),
          number(row.floor.f1),
          number(row.precision),
          number(row.recall),
          number(row.auroc),
          `${row.positives}/${row.count}`,
        ]),
      },
    }),
  );
  const caveat = experiment.kind === "rmrf-eval" ? experiment.caveat : undefined;
  return {
    id: experiment.id,
    title: experiment.title ?? `${experiment.id}: run-free test rewards (RM-RF)`,
    blocks: [
      {
        kind: "text",
        text: `The ${result.scorer} predictor on ${result.rows} tests, ${result.ms_per_test.toFixed(2)} ms a test, nothing executed.`,
      },
      ...(caveat === undefined ? [] : [{ kind: "note" as const, text: caveat }]),
      ...tables,
    ],
  };
}
