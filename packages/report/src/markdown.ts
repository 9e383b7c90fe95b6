import type { LineChart, ReportBlock, ReportDocument } from "./document.js";
import { checkDocument } from "./document-checks.js";
import { renderLineChart } from "./line-chart.js";
import {
  markdownHeading,
  markdownLinkText,
  markdownParagraph,
  markdownTable,
  markdownText,
} from "./markdown-text.js";

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** The link of a chart's image; `charts/<id>.svg` by default. */
  chartPath?: (chart: LineChart) => string;
}

/** A rendered Markdown report and the SVG files its images link to. */
export interface MarkdownReport {
  markdown: string;
  /** Every chart of the document as `{ file: "charts/<id>.svg", svg }`, in document order. */
  charts: { file: string; svg: string }[];
}

/**
 * Renders a report as GitHub Markdown: the title as `#`, intro paragraphs, each section as `##`
 * with its blocks: paragraphs, notes as a bold quote, tables as pipe tables (caption in bold
 * above), charts as images `![title](charts/<id>.svg)`. Every text is shown literally (escaped);
 * the output holds no HTML. The charts come back as SVG files for the caller to write beside the
 * Markdown. Throws `invalid-input` for a document the renderers cannot show (see the checks of
 * duplicate ids and ragged tables).
 */
export function renderMarkdown(
  document: ReportDocument,
  options: MarkdownOptions = {},
): MarkdownReport {
  checkDocument(document);
  const chartPath = options.chartPath ?? defaultChartPath;
  const charts: MarkdownReport["charts"] = [];
  const paragraphs: string[] = [
    markdownHeading(1, document.title),
    ...(document.intro ?? []).map(markdownParagraph),
    ...document.sections.flatMap((section) => [
      markdownHeading(2, section.title),
      ...section.blocks.map((block) => {
        if (block.kind === "chart")
          charts.push({ file: defaultChartPath(block.chart), svg: renderLineChart(block.chart) });
        return markdownBlock(block, chartPath);
      }),
    ]),
  ];
  return { markdown: `${paragraphs.join("\n\n")}\n`, charts };
}

/** One block's Markdown, without surrounding blank lines. */
function markdownBlock(block: ReportBlock, chartPath: (chart: LineChart) => string): string {
  switch (block.kind) {
    case "text":
      return markdownParagraph(block.text);
    case "note":
      return `> **${markdownText(block.text.trim())}**`;
    case "table":
      return [
        ...(!block.table.caption ? [] : [`**${markdownText(block.table.caption)}**`, ""]),
        ...markdownTable(block.table),
      ].join("\n");
    case "chart":
      return `![${markdownLinkText(block.chart.title)}](${linkTarget(chartPath(block.chart))})`;
  }
}

function defaultChartPath(chart: LineChart): string {
  return `charts/${chart.id}.svg`;
}

/** A link target that stays one: spaces, parentheses and angle brackets percent-encoded. */
function linkTarget(path: string): string {
  return encodeURI(path).replace(
    /[()]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
