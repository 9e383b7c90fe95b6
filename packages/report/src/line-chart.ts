import { horizontalAxis, valueAxis } from "./chart-axis.js";
import { renderChartPanel, renderLegend } from "./chart-panel.js";
import type { LineChart } from "./document.js";
import { checkChart } from "./document-checks.js";
import { escapeXml, formatCoordinate as format } from "./svg-text.js";

const width = 720;
const frame = { left: 72, right: width - 24, top: 52, bottom: 352 };
/** Where the legend's first row starts: below the x tick labels and the x axis label. */
const legendTop = frame.bottom + 58;
const bottomMargin = 10;

/**
 * Renders a line chart as a standalone SVG document (`xmlns`, `viewBox`, `width`, `height`):
 * the title, y grid lines with tick labels, x ticks (on a log2 scale for `xScale: "log"`), both
 * axis labels, a line and markers per series with a translucent band where points carry `low`
 * and `high`, and a legend naming every series (wrapped into rows, so the height grows with
 * it). The output depends only on the chart (no random ids), and every text is escaped.
 *
 * Classes for styling and tests: `chart` (the root), `chart-title`, `axis-label x`,
 * `axis-label y`, `legend`, `legend-item`, `series`, `band`. Throws `invalid-input` for an id
 * that is not file-name safe, a number that is not finite, or an x a log scale cannot place.
 */
export function renderLineChart(chart: LineChart): string {
  checkChart(chart);
  const legend = renderLegend(chart.series, {
    centre: width / 2,
    width: width - 40,
    top: legendTop,
  });
  const height = legendTop + legend.height + bottomMargin;
  const lines = [
    svgOpening(width, height, 12, chart.id),
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${format(height)}" fill="#ffffff"/>`,
    `<text class="chart-title" x="${width / 2}" y="26" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
    ...renderChartPanel(
      {
        xLabel: chart.xLabel,
        yLabel: chart.yLabel,
        xAxis: horizontalAxis(chart),
        yAxis: valueAxis(chart.series),
        series: chart.series,
      },
      frame,
    ),
    ...legend.lines,
    "</svg>",
  ];
  return `${lines.join("\n")}\n`;
}

/** The opening tag of a standalone chart SVG of the given size. */
export function svgOpening(width: number, height: number, fontSize: number, id?: string): string {
  const data = id === undefined ? "" : ` data-chart="${escapeXml(id)}"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart"${data} role="img" width="${format(width)}" height="${format(height)}" viewBox="0 0 ${format(width)} ${format(height)}" font-family="sans-serif" font-size="${fontSize}">`;
}
