import { CodermError } from "@coderm/core";
import type { LineChart, ReportDocument, ReportTable } from "./document.js";

/** A chart id usable as a file name: letters, digits, `.`, `_` and `-`, not starting with `.`. */
const fileNameSafe = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Checks what the renderers rely on: section ids present and unique, every table row as long as
 * its columns, and every chart valid ({@link checkChart}) with an id unique in the document.
 * Throws `invalid-input` naming the field at fault.
 */
export function checkDocument(document: ReportDocument): void {
  const sectionIds = new Set<string>();
  const chartIds = new Set<string>();
  document.sections.forEach((section, sectionIndex) => {
    const field = `sections[${sectionIndex}]`;
    if (section.id.trim() === "" || /\s/.test(section.id))
      throw new CodermError(
        "invalid-input",
        `section "${section.title}" needs an id without spaces, not "${section.id}"`,
        { field: `${field}.id` },
      );
    if (sectionIds.has(section.id))
      throw new CodermError("invalid-input", `two sections have the id "${section.id}"`, {
        field: `${field}.id`,
      });
    sectionIds.add(section.id);
    section.blocks.forEach((block, blockIndex) => {
      const blockField = `${field}.blocks[${blockIndex}]`;
      if (block.kind === "table") checkTable(block.table, `${blockField}.table`);
      if (block.kind !== "chart") return;
      checkChart(block.chart, `${blockField}.chart`);
      if (chartIds.has(block.chart.id))
        throw new CodermError("invalid-input", `two charts have the id "${block.chart.id}"`, {
          field: `${blockField}.chart.id`,
        });
      chartIds.add(block.chart.id);
    });
  });
}

/**
 * Checks a chart: a file-name safe id, and finite numbers in every point and tick. Throws
 * `invalid-input` naming the field at fault (under `field`, when the chart is part of more).
 */
export function checkChart(chart: LineChart, field?: string): void {
  const at = (path: string) => (field === undefined ? path : `${field}.${path}`);
  if (!fileNameSafe.test(chart.id))
    throw new CodermError(
      "invalid-input",
      `chart "${chart.title}" needs a file-name safe id (letters, digits, ".", "_", "-"), not "${chart.id}"`,
      { field: at("id") },
    );
  chart.series.forEach((series, seriesIndex) => {
    series.points.forEach((point, pointIndex) => {
      for (const key of ["x", "y", "low", "high"] as const) {
        const value = point[key];
        if (value !== undefined && !Number.isFinite(value))
          throw new CodermError(
            "invalid-input",
            `chart "${chart.id}", series "${series.name}": ${key} must be a finite number, not ${value}`,
            { field: at(`series[${seriesIndex}].points[${pointIndex}].${key}`) },
          );
      }
    });
  });
  chart.xTicks?.forEach((tick, index) => {
    if (!Number.isFinite(tick.value))
      throw new CodermError(
        "invalid-input",
        `chart "${chart.id}": tick "${tick.label}" needs a finite value, not ${tick.value}`,
        { field: at(`xTicks[${index}].value`) },
      );
  });
}

/** Checks that every row of a table has one cell per column. */
function checkTable(table: ReportTable, field: string): void {
  table.rows.forEach((row, index) => {
    if (row.length !== table.columns.length)
      throw new CodermError(
        "invalid-input",
        `a row of table ${table.caption === undefined ? "" : `"${table.caption}" `}has ${row.length} cells for ${table.columns.length} columns`,
        { field: `${field}.rows[${index}]` },
      );
  });
}
