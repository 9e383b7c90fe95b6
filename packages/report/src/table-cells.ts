import type { ReportCell, ReportTable } from "./document.js";

/** A column's alignment: as given, else left for the first column and right for the others. */
export function columnAlign(table: ReportTable, index: number): "left" | "right" {
  return table.columns[index]?.align ?? (index === 0 ? "left" : "right");
}

/** A cell's text, and whether it is bold. */
export function cellContent(cell: ReportCell): { text: string; bold: boolean } {
  return typeof cell === "string"
    ? { text: cell, bold: false }
    : { text: cell.text, bold: cell.bold === true };
}
