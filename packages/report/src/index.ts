// Public API of @coderm/report: a document model rendered as Markdown, SVG and one HTML page, and
// the studies' results as documents.

export {
  allocationStudyDocument,
  allocationStudySections,
  renderStudyMarkdown,
  renderStudySvg,
} from "./allocation-study.js";
export type {
  ChartPoint,
  ChartSeries,
  LineChart,
  ReportBlock,
  ReportCell,
  ReportColumn,
  ReportDocument,
  ReportSection,
  ReportTable,
} from "./document.js";
export { formatInterval, formatPercent, formatSignedInterval } from "./format.js";
export { renderHtml } from "./html.js";
export {
  hybridStudyDocument,
  hybridStudySections,
  renderHybridStudyMarkdown,
  renderHybridStudySvg,
} from "./hybrid-study.js";
export { renderLineChart } from "./line-chart.js";
export { type MarkdownOptions, type MarkdownReport, renderMarkdown } from "./markdown.js";
