import { type AxisTick, axisFraction, type ChartAxis } from "./chart-axis.js";
import type { ChartPoint, ChartSeries } from "./document.js";
import { escapeXml, formatCoordinate as format } from "./svg-text.js";

/** The plot area of a panel, in SVG coordinates. */
export interface PlotFrame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** What one panel draws: its series against its axes, with the axes' labels. */
export interface ChartPanel {
  xLabel: string;
  yLabel: string;
  xAxis: ChartAxis;
  yAxis: ChartAxis;
  series: readonly ChartSeries[];
  /** A title above the plot area (a panel of a multi-panel figure). */
  title?: string;
}

/** Ten distinguishable colours (Tableau 10), one per series in order. */
const seriesColors = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];
/** Gap between the plot's frame and its first and last x. */
const pointInset = 12;
const dash = "6 4";
const legendRowHeight = 18;
const legendGap = 18;

/** The colour of the series at `index`. */
function seriesColor(index: number): string {
  return seriesColors[index % seriesColors.length] ?? "#000000";
}

/**
 * One panel of a chart: the panel title, grid lines and y tick labels, x ticks and labels, the
 * axes and their labels (classes `axis-label x` and `axis-label y`), then a group per series
 * (class `series`) holding its interval band (class `band`) where points have `low` and `high`,
 * its line and a marker per point. Series are coloured by their index.
 */
export function renderChartPanel(panel: ChartPanel, frame: PlotFrame): string[] {
  const toX = (value: number) =>
    frame.left +
    pointInset +
    axisFraction(panel.xAxis, value) * (frame.right - frame.left - 2 * pointInset);
  const toY = (value: number) =>
    frame.bottom - axisFraction(panel.yAxis, value) * (frame.bottom - frame.top);
  const centre = (frame.left + frame.right) / 2;
  const middle = (frame.top + frame.bottom) / 2;
  const yLabelX = frame.left - 50;
  return [
    '<g class="panel">',
    ...(panel.title === undefined
      ? []
      : [
          `<text class="panel-title" x="${format(centre)}" y="${format(frame.top - 14)}" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
        ]),
    '<g class="axis y">',
    ...panel.yAxis.ticks.flatMap((tick) => [
      `<line x1="${format(frame.left)}" y1="${format(toY(tick.value))}" x2="${format(frame.right)}" y2="${format(toY(tick.value))}" stroke="#e0e0e0"/>`,
      `<text x="${format(frame.left - 6)}" y="${format(toY(tick.value))}" text-anchor="end" dominant-baseline="middle">${escapeXml(tick.label)}</text>`,
    ]),
    "</g>",
    '<g class="axis x">',
    ...tickRows(panel.xAxis, toX).flatMap(({ tick, x, row }) => [
      `<line x1="${format(x)}" y1="${format(frame.bottom)}" x2="${format(x)}" y2="${format(frame.bottom + 5 + row * 11)}" stroke="#333333"/>`,
      `<text x="${format(x)}" y="${format(frame.bottom + 18 + row * 11)}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    ]),
    "</g>",
    `<line x1="${format(frame.left)}" y1="${format(frame.top)}" x2="${format(frame.left)}" y2="${format(frame.bottom)}" stroke="#333333"/>`,
    `<line x1="${format(frame.left)}" y1="${format(frame.bottom)}" x2="${format(frame.right)}" y2="${format(frame.bottom)}" stroke="#333333"/>`,
    `<text class="axis-label x" x="${format(centre)}" y="${format(frame.bottom + 42)}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`,
    `<text class="axis-label y" x="${format(yLabelX)}" y="${format(middle)}" text-anchor="middle" transform="rotate(-90 ${format(yLabelX)} ${format(middle)})">${escapeXml(panel.yLabel)}</text>`,
    ...panel.series.flatMap((series, index) =>
      renderSeries(series, seriesColor(index), { x: toX, y: toY }),
    ),
    "</g>",
  ];
}

/**
 * A legend of `series` centred on `centre`: a sample line, marker and name per series (class
 * `legend-item`), in rows no wider than `width` starting at `top`. Returns the lines and the
 * height the rows take.
 */
export function renderLegend(
  series: readonly ChartSeries[],
  place: { centre: number; width: number; top: number },
): { lines: string[]; height: number } {
  const widths = series.map((line) => 30 + textWidth(line.name));
  const rows: number[][] = [];
  let rowWidth = 0;
  widths.forEach((width, index) => {
    const last = rows.at(-1);
    if (last === undefined || rowWidth + legendGap + width > place.width) {
      rows.push([index]);
      rowWidth = width;
    } else {
      last.push(index);
      rowWidth += legendGap + width;
    }
  });
  const lines = rows.flatMap((row, rowIndex) => {
    const total =
      row.reduce((sum, index) => sum + (widths[index] ?? 0), 0) + legendGap * (row.length - 1);
    const y = place.top + legendRowHeight / 2 + rowIndex * legendRowHeight;
    let x = place.centre - total / 2;
    return row.flatMap((index) => {
      const line = series[index];
      if (line === undefined) return [];
      const color = seriesColor(index);
      const start = x;
      x += (widths[index] ?? 0) + legendGap;
      return [
        '<g class="legend-item">',
        `<line x1="${format(start)}" y1="${format(y)}" x2="${format(start + 24)}" y2="${format(y)}" stroke="${color}" stroke-width="2"${line.dashed ? ` stroke-dasharray="${dash}"` : ""}/>`,
        `<circle cx="${format(start + 12)}" cy="${format(y)}" r="3" fill="${color}"/>`,
        `<text x="${format(start + 30)}" y="${format(y)}" dominant-baseline="middle">${escapeXml(line.name)}</text>`,
        "</g>",
      ];
    });
  });
  return { lines: ['<g class="legend">', ...lines, "</g>"], height: rows.length * legendRowHeight };
}

/**
 * The x ticks with their positions, each label on the first row unless it would touch the
 * previous label there (as "32" and "all" on a log axis), then on a second row just below.
 */
function tickRows(
  axis: ChartAxis,
  toX: (value: number) => number,
): { tick: AxisTick; x: number; row: number }[] {
  const rowEnds = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  return axis.ticks.map((tick) => {
    const x = toX(tick.value);
    const half = textWidth(tick.label) / 2;
    const row = x - half < (rowEnds[0] ?? 0) + 4 ? 1 : 0;
    rowEnds[row] = x + half;
    return { tick, x, row };
  });
}

/** A series' group: its band where points carry bounds, its line, and a marker per point. */
function renderSeries(
  series: ChartSeries,
  color: string,
  to: { x: (value: number) => number; y: (value: number) => number },
): string[] {
  const points = series.points.toSorted((a, b) => a.x - b.x);
  const bounded = points.filter(
    (point): point is Required<ChartPoint> =>
      Number.isFinite(point.low) && Number.isFinite(point.high),
  );
  const band = [
    ...bounded.map((point) => [to.x(point.x), to.y(point.high)] as const),
    ...bounded.toReversed().map((point) => [to.x(point.x), to.y(point.low)] as const),
  ];
  const line = points.map((point) => [to.x(point.x), to.y(point.y)] as const);
  return [
    `<g class="series" data-series="${escapeXml(series.name)}">`,
    ...(band.length === 0
      ? []
      : [
          `<path class="band" d="${pathData(band)} Z" fill="${color}" fill-opacity="0.15" stroke="none"/>`,
        ]),
    ...(line.length === 0
      ? []
      : [
          `<path class="line" d="${pathData(line)}" fill="none" stroke="${color}" stroke-width="2"${series.dashed ? ` stroke-dasharray="${dash}"` : ""}/>`,
        ]),
    ...line.map(
      ([x, y]) =>
        `<circle class="marker" cx="${format(x)}" cy="${format(y)}" r="3" fill="${color}"/>`,
    ),
    "</g>",
  ];
}

/** `M x,y L x,y ...` through the points. */
function pathData(points: readonly (readonly [number, number])[]): string {
  return points
    .map(([x, y], index) => `${index === 0 ? "M" : "L"}${format(x)},${format(y)}`)
    .join(" ");
}

/** A rough width of `text` at the legend's 12 px sans-serif, enough to space items. */
function textWidth(text: string): number {
  return [...text].length * 6.6;
}
