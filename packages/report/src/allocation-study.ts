import {
  type EarlyStoppingSummary,
  greedyStrategies,
  type StudyResult,
  studyStrategies,
} from "@coderm/allocator";
import { horizontalAxis, valueAxis } from "./chart-axis.js";
import { renderChartPanel, renderLegend } from "./chart-panel.js";
import type { LineChart, ReportDocument, ReportSection, ReportTable } from "./document.js";
import { formatInterval, formatPercent, formatSignedInterval } from "./format.js";
import { svgOpening } from "./line-chart.js";
import { markdownHeading, markdownTable } from "./markdown-text.js";
import { uniqueIds } from "./section-ids.js";
import { escapeXml, formatCoordinate as format } from "./svg-text.js";

/**
 * The budget study as report sections: per method, its pass@1 table (a row per budget, a column
 * per strategy as `mean [low, high]` with the best mean of each row in bold, then each greedy
 * strategy's paired difference from equal allocation) and its chart (pass@1 against tests per
 * problem on a log scale, the last tick "all", a line and band per strategy); then the
 * early-stopping tables, one per method; then the predicted difficulty's mean absolute error.
 * Section and chart ids start with `allocation-`.
 */
export function allocationStudySections(result: StudyResult): ReportSection[] {
  const methods = methodNames(result);
  const ids = uniqueIds("allocation", methods);
  return [
    ...methods.map((method, index) => {
      const id = ids[index] ?? `allocation-${index}`;
      return {
        id,
        title: method,
        blocks: [
          { kind: "table" as const, table: curveTable(result, method) },
          { kind: "chart" as const, chart: methodChart(result, method, id) },
        ],
      };
    }),
    {
      id: "allocation-early-stopping",
      title: "Early stopping",
      blocks: Object.entries(result.early_stopping).map(([method, summary]) => ({
        kind: "table" as const,
        table: { caption: `${method} (${summary.rule} rule)`, ...earlyStoppingTable(summary) },
      })),
    },
    {
      id: "allocation-difficulty",
      title: "Predicted difficulty",
      blocks: [{ kind: "text", text: maeText(result) }],
    },
  ];
}

/** The budget study as a whole report: its title and {@link allocationStudySections}. */
export function allocationStudyDocument(result: StudyResult): ReportDocument {
  return { title: studyTitle(result), sections: allocationStudySections(result) };
}

/**
 * Renders the budget study as a GitHub Markdown document: a heading naming the dataset, then one
 * pass@1 table per method (a row per budget, a column per strategy, `mean [low, high]`, the best
 * mean of each row in bold, then each greedy strategy's paired difference from equal allocation),
 * one early-stopping table per method, and the predicted difficulty's mean absolute error. This is
 * the text `coderm allocate study` prints; {@link allocationStudySections} holds the same tables.
 */
export function renderStudyMarkdown(result: StudyResult): string {
  const lines = [
    markdownHeading(1, studyTitle(result)),
    "",
    ...methodNames(result).flatMap((method) => [
      markdownHeading(2, method),
      "",
      ...markdownTable(curveTable(result, method)),
      "",
    ]),
    markdownHeading(2, "Early stopping"),
    "",
    ...Object.entries(result.early_stopping).flatMap(([method, summary]) => [
      markdownHeading(3, method),
      "",
      ...markdownTable(earlyStoppingTable(summary)),
      "",
    ]),
    maeText(result),
  ];
  return `${lines.join("\n")}\n`;
}

const svgWidth = 900;
/** Vertical extent of every panel's plot area. */
const plotTop = 70;
const plotBottom = 340;
/** Room inside a panel left of the plot (y tick labels and label) and right of it. */
const panelInsetLeft = 62;
const panelInsetRight = 18;
const legendTop = 396;

/**
 * Renders the budget study as a standalone SVG: pass@1 (percent) against tests per problem on a
 * log2 scale, one panel per method (the charts of {@link allocationStudySections}, on one shared
 * y axis), one line per strategy with its 95 % interval as a translucent band, and one legend.
 * The output depends only on the input, so equal results give identical strings.
 */
export function renderStudySvg(result: StudyResult): string {
  const methods = methodNames(result);
  const charts = methods.map((method) => methodChart(result, method, "panel"));
  const yAxis = valueAxis(charts.flatMap((chart) => chart.series));
  const panelWidth = svgWidth / Math.max(methods.length, 1);
  const title = `${result.dataset}: ${result.problems} problems, ${result.seeds} seeds`;
  const legend = renderLegend(charts[0]?.series ?? [], {
    centre: svgWidth / 2,
    width: svgWidth - 40,
    top: legendTop,
  });
  const height = legendTop + legend.height + 6;
  const lines = [
    svgOpening(svgWidth, height, 11),
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${svgWidth}" height="${format(height)}" fill="#ffffff"/>`,
    `<text class="chart-title" x="${svgWidth / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    ...charts.flatMap((chart, index) =>
      renderChartPanel(
        {
          title: methods[index] ?? "",
          xLabel: chart.xLabel,
          yLabel: chart.yLabel,
          xAxis: horizontalAxis(chart),
          yAxis,
          series: chart.series,
        },
        {
          left: index * panelWidth + panelInsetLeft,
          right: (index + 1) * panelWidth - panelInsetRight,
          top: plotTop,
          bottom: plotBottom,
        },
      ),
    ),
    ...legend.lines,
    "</svg>",
  ];
  return `${lines.join("\n")}\n`;
}

/** The pass@1 table of one method, with the paired differences from equal allocation. */
function curveTable(result: StudyResult, method: string): ReportTable {
  const headings = [
    ...studyStrategies,
    ...greedyStrategies.map((strategy) => `${strategy} − equal`),
  ];
  return {
    caption: `pass@1 (%) by tests per problem: mean [95 % interval] over ${result.seeds} seeds; the differences are paired by seed`,
    columns: [{ label: "tests/problem" }, ...headings.map((label) => ({ label }))],
    rows: result.budget_labels.map((label, index) => {
      const intervals = studyStrategies.map((strategy) => result.curves[strategy][method]?.[index]);
      const best = Math.max(...intervals.map((interval) => interval?.mean ?? -Infinity));
      return [
        label,
        ...intervals.map((interval) =>
          interval === undefined
            ? "–"
            : { text: formatInterval(interval), bold: interval.mean === best },
        ),
        ...greedyStrategies.map((strategy) => {
          const difference = result.versus_equal[strategy][method]?.[index];
          return difference === undefined ? "–" : formatSignedInterval(difference);
        }),
      ];
    }),
  };
}

/** The early-stopping table of one method: one row. */
function earlyStoppingTable(summary: EarlyStoppingSummary): ReportTable {
  return {
    columns: [
      "full pass@1",
      "early-stopping pass@1",
      "executions / full executions",
      "fraction",
      "problems stopped early",
      "rounds",
    ].map((label) => ({ label, align: "right" as const })),
    rows: [
      [
        summary.full_pass_at_1.toFixed(2),
        summary.pass_at_1.toFixed(2),
        `${summary.executions} / ${summary.full_executions}`,
        formatPercent(summary.fraction, 1),
        String(summary.problems_stopped_early),
        String(summary.rounds),
      ],
    ],
  };
}

/** One method's chart: pass@1 against tests per problem (log2), a line and band per strategy. */
function methodChart(result: StudyResult, method: string, id: string): LineChart {
  return {
    id,
    title: `${method}: pass@1 against tests per problem`,
    xLabel: "tests per problem",
    yLabel: "pass@1 (%)",
    xScale: "log",
    xTicks: result.budgets.map((budget, index) => ({
      value: budget,
      label: result.budget_labels[index] ?? format(budget),
    })),
    series: studyStrategies.map((strategy) => ({
      name: strategy,
      points: (result.curves[strategy][method] ?? []).flatMap((interval, index) => {
        const x = result.budgets[index];
        return x === undefined
          ? []
          : [{ x, y: interval.mean, low: interval.low, high: interval.high }];
      }),
    })),
  };
}

function studyTitle(result: StudyResult): string {
  return `Budget study: ${result.dataset}, ${result.problems} problems, ${result.seeds} seeds`;
}

function maeText(result: StudyResult): string {
  return `Predicted difficulty MAE: ${result.predicted_difficulty_mae.toFixed(3)}`;
}

/** The methods of the study, in the order of the equal-allocation curves. */
function methodNames(result: StudyResult): string[] {
  return Object.keys(result.curves.equal);
}
