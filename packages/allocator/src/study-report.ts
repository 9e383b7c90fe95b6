import type { Interval } from "@coderm/core";
import {
  type EarlyStoppingSummary,
  greedyStrategies,
  type StudyResult,
  type StudyStrategy,
  studyStrategies,
} from "./study-result.js";

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/**
 * Renders the budget study as a GitHub Markdown document: a heading naming the dataset, then one
 * pass@1 table per method (a row per budget, a column per strategy, `mean [low, high]`, the best
 * mean of each row in bold, then each greedy strategy's paired difference from equal allocation),
 * one early-stopping table per method, and the predicted difficulty's
 * mean absolute error.
 */
export function renderStudyMarkdown(result: StudyResult): string {
  const lines = [
    `# Budget study: ${markdownText(result.dataset)}, ${result.problems} problems, ${result.seeds} seeds`,
    "",
    ...methodNames(result).flatMap((method) => curveSection(result, method)),
    "## Early stopping",
    "",
    ...Object.entries(result.early_stopping).flatMap(([method, summary]) =>
      earlyStoppingSection(method, summary),
    ),
    `Predicted difficulty MAE: ${result.predicted_difficulty_mae.toFixed(3)}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The heading and pass@1 table of one method. */
function curveSection(result: StudyResult, method: string): string[] {
  const rows = result.budget_labels.map((label, index) => {
    const intervals = studyStrategies.map((strategy) => result.curves[strategy][method]?.[index]);
    const best = Math.max(...intervals.map((interval) => interval?.mean ?? -Infinity));
    const cells = intervals.map((interval) => {
      if (interval === undefined) return "–";
      const text = formatInterval(interval);
      return interval.mean === best ? `**${text}**` : text;
    });
    const differences = greedyStrategies.map((strategy) => {
      const difference = result.versus_equal[strategy][method]?.[index];
      return difference === undefined ? "–" : formatDifference(difference);
    });
    return tableRow([markdownText(label), ...cells, ...differences]);
  });
  const headings = [
    ...studyStrategies,
    ...greedyStrategies.map((strategy) => `${strategy} − equal`),
  ];
  return [
    `## ${markdownText(method)}`,
    "",
    tableRow(["tests/problem", ...headings]),
    tableRow(["---", ...headings.map(() => "---:")]),
    ...rows,
    "",
  ];
}

/** The heading and early-stopping table of one method. */
function earlyStoppingSection(method: string, summary: EarlyStoppingSummary): string[] {
  return [
    `### ${markdownText(method)}`,
    "",
    tableRow([
      "full pass@1",
      "early-stopping pass@1",
      "executions / full executions",
      "fraction",
      "problems stopped early",
      "rounds",
    ]),
    tableRow(Array.from({ length: 6 }, () => "---:")),
    tableRow([
      summary.full_pass_at_1.toFixed(2),
      summary.pass_at_1.toFixed(2),
      `${summary.executions} / ${summary.full_executions}`,
      `${(summary.fraction * 100).toFixed(1)}%`,
      String(summary.problems_stopped_early),
      String(summary.rounds),
    ]),
    "",
  ];
}

/** `mean [low, high]`, each with 2 decimals. */
function formatInterval({ mean, low, high }: Interval): string {
  return `${mean.toFixed(2)} [${low.toFixed(2)}, ${high.toFixed(2)}]`;
}

function formatDifference({ mean, low, high }: Interval): string {
  const signed = (value: number) => `${value >= 0.005 ? "+" : ""}${value.toFixed(2)}`;
  return `${signed(mean)} [${signed(low)}, ${signed(high)}]`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Text shown literally: no emphasis, code, link, inline HTML, or end of a table cell. */
function markdownText(text: string): string {
  return text.replace(/[\\`*<>[\]|]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// SVG
// ---------------------------------------------------------------------------------------------

const svgWidth = 900;
const svgHeight = 420;
/** Vertical extent of every panel's plot area. */
const plotTop = 70;
const plotBottom = 340;
/** Room inside a panel left of the plot (y tick labels and title) and right of it. */
const panelInsetLeft = 62;
const panelInsetRight = 18;
/** Gap between a plot's frame and its first and last points. */
const pointInset = 12;
const legendY = 404;
const legendItemWidth = 150;

const strategyColors: Record<StudyStrategy, string> = {
  equal: "#1f77b4",
  "greedy-predicted": "#ff7f0e",
  "greedy-oracle": "#2ca02c",
};

/** A linear axis: its range and the values to tick. */
interface Axis {
  min: number;
  max: number;
  ticks: number[];
}

/** The horizontal extent of one panel's plot area. */
interface PlotFrame {
  left: number;
  right: number;
}

/** A point of a curve in SVG coordinates, with the interval's bounds. */
interface PlotPoint {
  x: number;
  mean: number;
  low: number;
  high: number;
}

/**
 * Renders the budget study as a standalone SVG line chart: pass@1 (percent) against tests per
 * problem on a log2 scale, one panel per method, one line per strategy with its 95 % interval as
 * a translucent band, and a legend. The output depends only on the input, so equal results give
 * identical strings.
 */
export function renderStudySvg(result: StudyResult): string {
  const methods = methodNames(result);
  const yAxis = percentAxis(intervalBounds(result));
  const panelWidth = svgWidth / Math.max(methods.length, 1);
  const title = `${result.dataset}: ${result.problems} problems, ${result.seeds} seeds`;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${svgWidth}" height="${svgHeight}" viewBox="0 0 ${svgWidth} ${svgHeight}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${svgWidth}" height="${svgHeight}" fill="#ffffff"/>`,
    `<text x="${svgWidth / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    ...methods.flatMap((method, index) =>
      renderPanel(result, method, yAxis, {
        left: index * panelWidth + panelInsetLeft,
        right: (index + 1) * panelWidth - panelInsetRight,
      }),
    ),
    ...renderLegend(),
    "</svg>",
  ];
  return `${lines.join("\n")}\n`;
}

/** One method's panel: title, grid, axes, and a band and a line per strategy. */
function renderPanel(result: StudyResult, method: string, yAxis: Axis, frame: PlotFrame): string[] {
  const xs = budgetPositions(result.budgets, frame);
  const toY = (value: number): number =>
    plotBottom - ((value - yAxis.min) / (yAxis.max - yAxis.min)) * (plotBottom - plotTop);
  const centre = (frame.left + frame.right) / 2;
  return [
    "<g>",
    `<text x="${fmt(centre)}" y="${plotTop - 14}" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(method)}</text>`,
    ...yAxis.ticks.flatMap((tick) => [
      `<line x1="${fmt(frame.left)}" y1="${fmt(toY(tick))}" x2="${fmt(frame.right)}" y2="${fmt(toY(tick))}" stroke="#e0e0e0"/>`,
      `<text x="${fmt(frame.left - 6)}" y="${fmt(toY(tick))}" text-anchor="end" dominant-baseline="middle">${fmt(tick)}</text>`,
    ]),
    ...xs.flatMap((x, index) => [
      `<line x1="${fmt(x)}" y1="${plotBottom}" x2="${fmt(x)}" y2="${plotBottom + 5}" stroke="#333333"/>`,
      `<text x="${fmt(x)}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(budgetLabel(result, index))}</text>`,
    ]),
    `<line x1="${fmt(frame.left)}" y1="${plotTop}" x2="${fmt(frame.left)}" y2="${plotBottom}" stroke="#333333"/>`,
    `<line x1="${fmt(frame.left)}" y1="${plotBottom}" x2="${fmt(frame.right)}" y2="${plotBottom}" stroke="#333333"/>`,
    `<text x="${fmt(centre)}" y="${plotBottom + 36}" text-anchor="middle">tests per problem</text>`,
    `<text x="${fmt(frame.left - 44)}" y="${fmt((plotTop + plotBottom) / 2)}" text-anchor="middle" transform="rotate(-90 ${fmt(frame.left - 44)} ${fmt((plotTop + plotBottom) / 2)})">pass@1 (%)</text>`,
    ...studyStrategies.flatMap((strategy) =>
      renderSeries(
        plotPoints(result.curves[strategy][method] ?? [], xs),
        toY,
        strategyColors[strategy],
      ),
    ),
    "</g>",
  ];
}

/** A strategy's curve: its interval band, its line, and a marker per point. */
function renderSeries(
  points: readonly PlotPoint[],
  toY: (value: number) => number,
  color: string,
): string[] {
  if (points.length === 0) return [];
  const band = [
    ...points.map((point) => coordinates(point.x, toY(point.high))),
    ...points.toReversed().map((point) => coordinates(point.x, toY(point.low))),
  ];
  const line = points.map((point) => coordinates(point.x, toY(point.mean)));
  return [
    `<polygon points="${band.join(" ")}" fill="${color}" fill-opacity="0.15" stroke="none"/>`,
    `<polyline points="${line.join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>`,
    ...points.map(
      (point) =>
        `<circle cx="${fmt(point.x)}" cy="${fmt(toY(point.mean))}" r="3" fill="${color}"/>`,
    ),
  ];
}

/** A sample line, marker and name per strategy, centred under the panels. */
function renderLegend(): string[] {
  const start = (svgWidth - studyStrategies.length * legendItemWidth) / 2;
  return studyStrategies.flatMap((strategy, index) => {
    const x = start + index * legendItemWidth;
    const color = strategyColors[strategy];
    return [
      `<line x1="${fmt(x)}" y1="${legendY}" x2="${fmt(x + 24)}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
      `<circle cx="${fmt(x + 12)}" cy="${legendY}" r="3" fill="${color}"/>`,
      `<text x="${fmt(x + 30)}" y="${legendY}" dominant-baseline="middle">${escapeXml(strategy)}</text>`,
    ];
  });
}

/** The x coordinate of every budget on a log2 scale across the frame. */
function budgetPositions(budgets: readonly number[], frame: PlotFrame): number[] {
  const logs = budgets.map((budget) => Math.log2(budget));
  const min = Math.min(...logs);
  const span = Math.max(...logs) - min;
  const left = frame.left + pointInset;
  const width = frame.right - pointInset - left;
  return logs.map((log) => (span > 0 ? left + ((log - min) / span) * width : left + width / 2));
}

/** The curve's intervals paired with the x coordinates of their budgets. */
function plotPoints(intervals: readonly Interval[], xs: readonly number[]): PlotPoint[] {
  return intervals.flatMap((interval, index) => {
    const x = xs[index];
    return x === undefined ? [] : [{ x, ...interval }];
  });
}

/** A pass@1 axis with round ticks covering `values` with a little padding, within 0..100. */
function percentAxis(values: readonly number[]): Axis {
  if (values.length === 0) return { min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] };
  const low = Math.min(...values);
  const high = Math.max(...values);
  const padding = Math.max((high - low) * 0.05, 1);
  const paddedLow = Math.max(0, low - padding);
  const paddedHigh = Math.min(100, high + padding);
  const step = niceStep((paddedHigh - paddedLow) / 5);
  const min = Math.floor(paddedLow / step) * step;
  const max = Math.ceil(paddedHigh / step) * step;
  const count = Math.round((max - min) / step);
  return { min, max, ticks: Array.from({ length: count + 1 }, (_, index) => min + index * step) };
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `rough`. */
function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** Every interval bound of every curve, to fit the y axis. */
function intervalBounds(result: StudyResult): number[] {
  return studyStrategies.flatMap((strategy) =>
    Object.values(result.curves[strategy]).flatMap((intervals) =>
      intervals.flatMap(({ low, high }) => [low, high]),
    ),
  );
}

function budgetLabel(result: StudyResult, index: number): string {
  return result.budget_labels[index] ?? fmt(result.budgets[index] ?? Number.NaN);
}

function coordinates(x: number, y: number): string {
  return `${fmt(x)},${fmt(y)}`;
}

/** A number with at most 2 decimals and no trailing zeros. */
function fmt(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** Text made safe for SVG element content and attribute values. */
function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

/** The methods of the study, in the order of the equal-allocation curves. */
function methodNames(result: StudyResult): string[] {
  return Object.keys(result.curves.equal);
}
