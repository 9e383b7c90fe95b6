import type { LineChart, ReportDocument, ReportTable } from "./document.js";

/** A chart of three series with interval bands on a linear x axis. */
export function bandChart(): LineChart {
  const series = (name: string, offset: number) => ({
    name,
    points: [0, 0.2, 0.4, 0.6, 0.8, 1].map((x, index) => ({
      x,
      y: 40 + offset + index * 2,
      low: 37 + offset + index * 2,
      high: 43 + offset + index * 2,
    })),
  });
  return {
    id: "bands",
    title: "pass@1 against executions",
    xLabel: "share of executions",
    yLabel: "pass@1 (%)",
    series: [series("AUROC 0.7", 0), series("AUROC 0.8", 5), series("AUROC 0.9", 10)],
  };
}

/** A chart on a log2 x axis with explicit ticks (the last labelled "all"), one series dashed. */
export function logChart(): LineChart {
  const budgets = [1, 2, 4, 8, 16, 37.3];
  return {
    id: "budgets",
    title: "pass@1 against tests per problem",
    xLabel: "tests per problem",
    yLabel: "pass@1 (%)",
    xScale: "log",
    xTicks: budgets.map((value, index) => ({
      value,
      label: index === budgets.length - 1 ? "all" : String(value),
    })),
    series: [
      { name: "equal", points: budgets.map((x, index) => ({ x, y: 30 + index * 1.5 })) },
      {
        name: "greedy",
        dashed: true,
        points: budgets.map((x, index) => ({
          x,
          y: 31 + index * 1.6,
          low: 29,
          high: 33 + index * 2,
        })),
      },
    ],
  };
}

/** A table of 12 columns and 5 rows, far wider than a page. */
function wideTable(): ReportTable {
  const columns = Array.from({ length: 12 }, (_, index) => ({
    label: index === 0 ? "method" : `budget ${2 ** (index - 1)} tests/problem`,
  }));
  return {
    caption: "pass@1 by method and budget: mean [95 % interval]",
    columns,
    rows: Array.from({ length: 5 }, (_, row) =>
      columns.map((_, column) =>
        column === 0
          ? `method-${row}`
          : { text: `${(30 + row + column).toFixed(2)} [28.10, 45.90]`, bold: row === column % 5 },
      ),
    ),
  };
}

/** A document holding every kind of block: a note, text, a wide table and two charts. */
export function fixtureDocument(): ReportDocument {
  return {
    title: "Fixture report",
    intro: ["Every kind of block, for the renderers' tests.", "A second intro paragraph."],
    sections: [
      {
        id: "results",
        title: "Results",
        blocks: [
          { kind: "note", text: "SIMULATED reward models, not a trained model" },
          { kind: "text", text: "The wide table scrolls inside its wrapper." },
          { kind: "table", table: wideTable() },
          { kind: "chart", chart: bandChart() },
        ],
      },
      {
        id: "budgets",
        title: "Budgets",
        blocks: [
          { kind: "text", text: "Budgets double, so the x axis is logarithmic." },
          { kind: "chart", chart: logChart() },
          {
            kind: "table",
            table: {
              caption: "two rows",
              columns: [{ label: "name" }, { label: "value" }],
              rows: [
                ["a", "1"],
                ["b", { text: "2", bold: true }],
              ],
            },
          },
        ],
      },
    ],
  };
}
