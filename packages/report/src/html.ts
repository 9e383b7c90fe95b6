import type { ReportBlock, ReportDocument, ReportTable } from "./document.js";
import { checkDocument } from "./document-checks.js";
import { htmlStyle } from "./html-style.js";
import { renderLineChart } from "./line-chart.js";
import { escapeXml } from "./svg-text.js";
import { cellContent, columnAlign } from "./table-cells.js";

/**
 * Renders a report as one self-contained HTML5 page: a `<meta charset>`, an inline `<style>`
 * (readable and responsive: a table wider than the page scrolls inside its wrapper, charts
 * shrink to the page's width), the title, the intro, a table of contents linking the section
 * ids, then each section as `<section id>` with its blocks. Tables are `<table>` with a
 * `<caption>`; charts are inline SVGs ({@link renderLineChart}) in
 * `<figure class="chart-figure">` with a `<figcaption>`. Every text is escaped. The page needs
 * no script, font or other file, and names no URL but the SVG namespace. Throws `invalid-input`
 * for a document the renderers cannot show (duplicate ids, ragged tables, bad charts).
 */
export function renderHtml(document: ReportDocument): string {
  checkDocument(document);
  const lines = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(document.title)}</title>`,
    `<style>\n${htmlStyle}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<h1>${escapeXml(document.title)}</h1>`,
    ...(document.intro ?? []).map((paragraph) => `<p class="intro">${escapeXml(paragraph)}</p>`),
    ...(document.sections.length === 0
      ? []
      : [
          '<nav class="contents" aria-label="Contents">',
          "<h2>Contents</h2>",
          "<ol>",
          ...document.sections.map(
            (section) =>
              `<li><a href="#${escapeXml(encodeURIComponent(section.id))}">${escapeXml(section.title)}</a></li>`,
          ),
          "</ol>",
          "</nav>",
        ]),
    ...document.sections.flatMap((section) => [
      `<section id="${escapeXml(section.id)}">`,
      `<h2>${escapeXml(section.title)}</h2>`,
      ...section.blocks.map(htmlBlock),
      "</section>",
    ]),
    "</main>",
    "</body>",
    "</html>",
  ];
  return `${lines.join("\n")}\n`;
}

/** One block's HTML. */
function htmlBlock(block: ReportBlock): string {
  switch (block.kind) {
    case "text":
      return `<p>${escapeXml(block.text)}</p>`;
    case "note":
      return `<div class="note" role="note"><strong>${escapeXml(block.text)}</strong></div>`;
    case "table":
      return htmlTable(block.table);
    case "chart":
      return [
        `<figure class="chart-figure" id="figure-${escapeXml(block.chart.id)}">`,
        renderLineChart(block.chart).trimEnd(),
        `<figcaption>${escapeXml(block.chart.title)}</figcaption>`,
        "</figure>",
      ].join("\n");
  }
}

/** A table inside a wrapper that scrolls it sideways when it is wider than the page. */
function htmlTable(table: ReportTable): string {
  const align = (index: number) => (columnAlign(table, index) === "right" ? ' class="right"' : "");
  const label = table.caption ? ` aria-label="${escapeXml(table.caption)}"` : "";
  return [
    `<div class="table-wrapper" role="region" tabindex="0"${label}>`,
    "<table>",
    ...(table.caption ? [`<caption>${escapeXml(table.caption)}</caption>`] : []),
    "<thead>",
    `<tr>${table.columns.map((column, index) => `<th scope="col"${align(index)}>${escapeXml(column.label)}</th>`).join("")}</tr>`,
    "</thead>",
    "<tbody>",
    ...table.rows.map(
      (row) =>
        `<tr>${row
          .map((cell, index) => {
            const { text, bold } = cellContent(cell);
            return `<td${align(index)}>${bold ? `<strong>${escapeXml(text)}</strong>` : escapeXml(text)}</td>`;
          })
          .join("")}</tr>`,
    ),
    "</tbody>",
    "</table>",
    "</div>",
  ].join("\n");
}
