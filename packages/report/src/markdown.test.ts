import { CodermError } from "@coderm/core";
import { describe, expect, it } from "vitest";
import type { ReportDocument } from "./document.js";
import { renderLineChart } from "./line-chart.js";
import { renderMarkdown } from "./markdown.js";
import { bandChart, fixtureDocument } from "./report-fixture.js";

function errorOf(action: () => unknown): CodermError {
  try {
    action();
  } catch (error) {
    if (CodermError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a CodermError");
}

describe("renderMarkdown", () => {
  const { markdown, charts } = renderMarkdown(fixtureDocument());
  const paragraphs = markdown.trimEnd().split("\n\n");

  it("writes the title, the intro and a heading per section, with blank lines between blocks", () => {
    expect(paragraphs.slice(0, 5)).toEqual([
      "# Fixture report",
      "Every kind of block, for the renderers' tests.",
      "A second intro paragraph.",
      "## Results",
      "> **SIMULATED reward models, not a trained model**",
    ]);
    expect(paragraphs).toContain("## Budgets");
    expect(markdown.endsWith("\n")).toBe(true);
    expect(markdown.endsWith("\n\n")).toBe(false);
  });

  it("writes tables as pipe tables with the caption in bold above and the alignment", () => {
    const start = paragraphs.indexOf("**pass@1 by method and budget: mean [95 % interval]**");
    expect(start).toBeGreaterThan(0);
    const table = paragraphs[start + 1]?.split("\n") ?? [];
    expect(table).toHaveLength(2 + 5);
    expect(table[0]?.split(" | ")).toHaveLength(12);
    expect(table[1]).toBe(`| --- |${" ---: |".repeat(11)}`);
    expect(table[2]).toContain("| method-0 | 31.00 [28.10, 45.90] |");
    expect(table[3]).toContain("| method-1 | **32.00 [28.10, 45.90]** | 33.00 [28.10, 45.90] |");
    expect(markdown).toContain("| a | 1 |\n| b | **2** |");
  });

  it("links each chart's SVG and returns the SVG files", () => {
    expect(paragraphs).toContain("![pass@1 against executions](charts/bands.svg)");
    expect(paragraphs).toContain("![pass@1 against tests per problem](charts/budgets.svg)");
    expect(charts.map((chart) => chart.file)).toEqual(["charts/bands.svg", "charts/budgets.svg"]);
    expect(charts[0]?.svg).toBe(renderLineChart(bandChart()));
  });

  it("links charts where chartPath says, the files still named by id", () => {
    const custom = renderMarkdown(fixtureDocument(), {
      chartPath: (chart) => `../figures/${chart.id} (v2).svg`,
    });
    expect(custom.markdown).toContain("](../figures/bands%20%28v2%29.svg)");
    expect(custom.charts[0]?.file).toBe("charts/bands.svg");
  });

  it("shows every text literally: no HTML, emphasis, link, heading, list or broken table", () => {
    const document: ReportDocument = {
      title: "a <b> | *c* #",
      intro: ["# not a heading", "1. not a list", "- nor this", "[a link](somewhere) & more_"],
      sections: [
        {
          id: "s",
          title: "s",
          blocks: [
            {
              kind: "table",
              table: { columns: [{ label: "x|y" }], rows: [["line\nbreak `code`"]] },
            },
            { kind: "chart", chart: { ...bandChart(), title: "a ] b [c" } },
          ],
        },
      ],
    };
    const escaped = renderMarkdown(document).markdown.split("\n\n");
    expect(escaped.slice(0, 5)).toEqual([
      "# a \\<b\\> \\| \\*c\\* \\#",
      "\\# not a heading",
      "1\\. not a list",
      "\\- nor this",
      "[a link\\](somewhere) \\& more\\_",
    ]);
    expect(escaped[6]).toBe("| x\\|y |\n| --- |\n| line break \\`code\\` |");
    expect(escaped[7]?.trimEnd()).toBe("![a \\] b \\[c](charts/bands.svg)");
  });

  it("refuses duplicate ids, chart ids that are no file names and ragged tables", () => {
    const twice = fixtureDocument();
    twice.sections[1]!.id = "results";
    expect(errorOf(() => renderMarkdown(twice)).field).toBe("sections[1].id");
    const sameChart = fixtureDocument();
    sameChart.sections[1]!.blocks[1] = { kind: "chart", chart: bandChart() };
    expect(errorOf(() => renderMarkdown(sameChart)).message).toContain(
      'two charts have the id "bands"',
    );
    const badId = fixtureDocument();
    badId.sections[0]!.blocks[3] = { kind: "chart", chart: { ...bandChart(), id: "a/b" } };
    expect(errorOf(() => renderMarkdown(badId)).field).toBe("sections[0].blocks[3].chart.id");
    const ragged = fixtureDocument();
    ragged.sections[1]!.blocks[2] = {
      kind: "table",
      table: { columns: [{ label: "one" }], rows: [["a", "b"]] },
    };
    expect(errorOf(() => renderMarkdown(ragged)).code).toBe("invalid-input");
  });
});
