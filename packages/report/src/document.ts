/**
 * A report: a title, optional intro paragraphs, and sections. The same document renders as
 * Markdown ({@link renderMarkdown}) and as one self-contained HTML page ({@link renderHtml}).
 */
export interface ReportDocument {
  title: string;
  /** Paragraphs shown under the title, each literally. */
  intro?: string[];
  sections: ReportSection[];
}

/** A titled part of a report; `id` is its anchor in the HTML page and unique in a document. */
export interface ReportSection {
  id: string;
  title: string;
  blocks: ReportBlock[];
}

/**
 * One block of a section: a paragraph (`text`, shown literally), an emphasised call-out (`note`,
 * e.g. that results are SIMULATED), a table or a line chart.
 */
export type ReportBlock =
  | { kind: "text"; text: string }
  | { kind: "note"; text: string }
  | { kind: "table"; table: ReportTable }
  | { kind: "chart"; chart: LineChart };

/** A table: a header row of columns, then rows of cells (one per column). */
export interface ReportTable {
  caption?: string;
  columns: ReportColumn[];
  rows: ReportCell[][];
}

/** A table column: its header and alignment (left for the first column, right otherwise). */
export interface ReportColumn {
  label: string;
  align?: "left" | "right";
}

/** A table cell: its text, shown literally, optionally in bold. */
export type ReportCell = string | { text: string; bold?: boolean };

/** A line chart: one line per series against a linear or log2 x axis. */
export interface LineChart {
  /** File-name safe (letters, digits, `.`, `_`, `-`) and unique in a document. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** `log` spaces x by log2 (budgets 1, 2, 4, ...); `linear` by default. */
  xScale?: "linear" | "log";
  /** The x ticks and their labels; round values across the data by default. */
  xTicks?: { value: number; label: string }[];
  series: ChartSeries[];
}

/** One line of a chart; points with `low` and `high` draw a translucent interval band. */
export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  dashed?: boolean;
}

/** A point of a series, with its interval's bounds where known. */
export interface ChartPoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
}
