import type { ReportCell, ReportTable } from "./document.js";
import { cellContent, columnAlign } from "./table-cells.js";

/**
 * Inline text shown literally: no emphasis, strikethrough, code, link, entity, inline HTML or end
 * of a table cell, and no line break. Brackets stay as they are (`36.76 [35.10, 38.40]`) unless a
 * closing one could end a link's text or a link definition.
 */
export function markdownText(text: string): string {
  return singleLine(text)
    .replace(/[\\`*_~<>|&]/g, "\\$&")
    .replace(/\](?=[([:])/g, "\\]");
}

/** Text shown literally inside a link's or an image's brackets: every bracket escaped too. */
export function markdownLinkText(text: string): string {
  return singleLine(text).replace(/[\\`*_~<>|&[\]]/g, "\\$&");
}

/** A paragraph shown literally: {@link markdownText}, and no heading, list or quote either. */
export function markdownParagraph(text: string): string {
  return markdownText(text.trim())
    .replace(/^[#+-]/, "\\$&")
    .replace(/^(\d+)([.)])/, "$1\\$2");
}

/** A heading of `level` with its text shown literally (a trailing `#` is no closing sequence). */
export function markdownHeading(level: number, text: string): string {
  return `${"#".repeat(level)} ${markdownText(text).replace(/#(\s*)$/, "\\#$1")}`;
}

/** One row of a pipe table; the cells are inserted as given. */
function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/**
 * A table as the lines of a GitHub pipe table: the header, the alignment row (`---` or `---:`)
 * and a row per table row, every cell's text shown literally and bold cells in `**`. The caption
 * is left to the caller.
 */
export function markdownTable(table: ReportTable): string[] {
  return [
    tableRow(table.columns.map((column) => markdownText(column.label))),
    tableRow(
      table.columns.map((_, index) => (columnAlign(table, index) === "right" ? "---:" : "---")),
    ),
    ...table.rows.map((row) => tableRow(row.map(markdownCell))),
  ];
}

function markdownCell(cell: ReportCell): string {
  const { text, bold } = cellContent(cell);
  const shown = markdownText(text);
  return bold && shown !== "" ? `**${shown}**` : shown;
}

/** The text on one line: line breaks become spaces. */
function singleLine(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, " ");
}
