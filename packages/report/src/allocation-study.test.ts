import type { StudyResult } from "@coderm/allocator";
import type { Interval } from "@coderm/core";
import { describe, expect, it } from "vitest";
import {
  allocationStudyDocument,
  allocationStudySections,
  renderStudyMarkdown,
  renderStudySvg,
} from "./allocation-study.js";
import type { LineChart, ReportTable } from "./document.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import { count, pathPoints, tagsBalanced } from "./markup-checks.js";

function interval(mean: number, low: number, high: number): Interval {
  return { mean, low, high };
}

/** Two methods, budgets 1, 2 and "all" (4 tests per problem on average). */
function sampleResult(dataset = "mbpp-plus"): StudyResult {
  return {
    dataset,
    problems: 12,
    seeds: 5,
    budgets: [1, 2, 4],
    budget_labels: ["1", "2", "all"],
    curves: {
      equal: {
        "coderm-vote": [interval(40, 35, 45), interval(50, 46, 54), interval(60, 58, 62)],
        codet: [interval(30, 25.5, 34.5), interval(44.444, 40, 48.888), interval(55, 52, 58)],
      },
      "greedy-predicted": {
        "coderm-vote": [
          interval(42.5, 40.1, 44.9),
          interval(57.25, 55, 59.5),
          interval(60, 58, 62),
        ],
        codet: [interval(33, 30, 36), interval(47, 44, 50), interval(55, 52, 58)],
      },
      "greedy-oracle": {
        "coderm-vote": [interval(50, 47, 53), interval(56, 52, 60), interval(60, 58, 62)],
        codet: [interval(36, 31, 41), interval(51, 47, 55), interval(55, 52, 58)],
      },
    },
    versus_equal: {
      "greedy-predicted": {
        "coderm-vote": [interval(2.5, -0.5, 5), interval(7.25, 5, 9.5), interval(0, 0, 0)],
        codet: [interval(3, 1, 5), interval(2.556, 0.4, 4.7), interval(0, 0, 0)],
      },
      "greedy-oracle": {
        "coderm-vote": [interval(10, 8, 12), interval(6, 2, 10), interval(0, 0, 0)],
        codet: [interval(6, 1, 11), interval(6.556, 2, 11), interval(-0.001, -0.004, 0)],
      },
    },
    early_stopping: {
      "coderm-vote": {
        method: "coderm-vote",
        rule: "exact",
        full_executions: 300,
        executions: 120,
        fraction: 0.4,
        full_pass_at_1: 60,
        pass_at_1: 59.5,
        problems_stopped_early: 4,
        rounds: 9,
      },
      codet: {
        method: "codet",
        rule: "exact",
        full_executions: 300,
        executions: 251,
        fraction: 251 / 300,
        full_pass_at_1: 55,
        pass_at_1: 55,
        problems_stopped_early: 1,
        rounds: 12,
      },
    },
    predicted_difficulty_mae: 0.12345,
    timing: { execute_s: 1, study_s: 2, early_stopping_s: 3 },
  };
}

/** The lines of the Markdown section that starts with `heading`, up to the next heading. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && line.startsWith("#"));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe("renderStudyMarkdown", () => {
  const markdown = renderStudyMarkdown(sampleResult());

  it("starts with a heading naming the dataset, problem count and seeds", () => {
    expect(markdown.split("\n")[0]).toBe("# Budget study: mbpp-plus, 12 problems, 5 seeds");
  });

  it("has a row per budget with the intervals and the best mean of each row in bold", () => {
    const table = section(markdown, "## coderm-vote").filter((line) => line.startsWith("|"));
    expect(table.map((line) => line.split(" | ").slice(0, 4).join(" | "))).toEqual([
      "| tests/problem | equal | greedy-predicted | greedy-oracle",
      "| --- | ---: | ---: | ---:",
      "| 1 | 40.00 [35.00, 45.00] | 42.50 [40.10, 44.90] | **50.00 [47.00, 53.00]**",
      "| 2 | 50.00 [46.00, 54.00] | **57.25 [55.00, 59.50]** | 56.00 [52.00, 60.00]",
      "| all | **60.00 [58.00, 62.00]** | **60.00 [58.00, 62.00]** | **60.00 [58.00, 62.00]**",
    ]);
  });

  it("adds each greedy strategy's paired difference from equal allocation, signed", () => {
    const table = section(markdown, "## codet").filter((line) => line.startsWith("|"));
    expect(table[0]).toBe(
      "| tests/problem | equal | greedy-predicted | greedy-oracle | greedy-predicted − equal | greedy-oracle − equal |",
    );
    expect(table).toContain(
      "| 2 | 44.44 [40.00, 48.89] | 47.00 [44.00, 50.00] | **51.00 [47.00, 55.00]** | +2.56 [+0.40, +4.70] | +6.56 [+2.00, +11.00] |",
    );
    // A loss keeps its sign, and one that rounds to nothing reads as -0.00, not +0.00.
    expect(table.at(-1)).toMatch(/\| 0\.00 \[0\.00, 0\.00\] \| -0\.00 \[-0\.00, 0\.00\] \|$/);
  });

  it("orders the method tables as the equal-allocation curves", () => {
    expect(markdown.indexOf("## coderm-vote")).toBeLessThan(markdown.indexOf("## codet"));
    expect(markdown.indexOf("## codet")).toBeLessThan(markdown.indexOf("## Early stopping"));
  });

  it("shows early stopping per method with the executions fraction as a percent", () => {
    expect(section(markdown, "### coderm-vote")).toContain(
      "| 60.00 | 59.50 | 120 / 300 | 40.0% | 4 | 9 |",
    );
    expect(section(markdown, "### codet")).toContain(
      "| 55.00 | 55.00 | 251 / 300 | 83.7% | 1 | 12 |",
    );
  });

  it("ends with the predicted difficulty MAE to 3 decimals", () => {
    expect(markdown.trimEnd().split("\n").at(-1)).toBe("Predicted difficulty MAE: 0.123");
  });

  it("contains no HTML, and shows markup in names literally", () => {
    expect(markdown).not.toMatch(/<[a-z/]/i);
    const escaped = renderStudyMarkdown(sampleResult("mbpp <plus> | *v2*"));
    expect(escaped.split("\n")[0]).toBe(
      "# Budget study: mbpp \\<plus\\> \\| \\*v2\\*, 12 problems, 5 seeds",
    );
  });
});

describe("renderStudySvg", () => {
  const svg = renderStudySvg(sampleResult());

  it("is a standalone, balanced SVG document", () => {
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('width="900"');
    expect(svg).toContain('height="420"');
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(tagsBalanced(svg)).toBe(true);
    expect(svg).not.toMatch(/<script|@import|href=/);
  });

  it("draws a line and an interval band per method and strategy", () => {
    expect(count(svg, /<g class="series"/g)).toBe(2 * 3);
    expect(count(svg, /<path class="line"/g)).toBe(2 * 3);
    expect(count(svg, /<path class="band"/g)).toBe(2 * 3);
    for (const line of pathPoints(svg, "line")) expect(line).toHaveLength(3);
    for (const band of pathPoints(svg, "band")) expect(band).toHaveLength(6);
  });

  it("titles the panels with the method names and names the strategies in a legend", () => {
    expect(svg).toContain(">coderm-vote</text>");
    expect(svg).toContain(">codet</text>");
    for (const strategy of ["equal", "greedy-predicted", "greedy-oracle"]) {
      expect(svg).toContain(`>${strategy}</text>`);
    }
    for (const label of ["1", "2", "all"]) expect(svg).toContain(`>${label}</text>`);
  });

  it("places the budgets on a log2 scale", () => {
    for (const line of pathPoints(svg, "line")) {
      const [first, second, third] = line.map(([x]) => x);
      expect((third ?? 0) - (second ?? 0)).toBeCloseTo((second ?? 0) - (first ?? 0), 1);
    }
  });

  it("fits every interval inside the plot, with the band enclosing the line", () => {
    const lines = pathPoints(svg, "line");
    pathPoints(svg, "band").forEach((band, index) => {
      const ys = band.map(([, y]) => y);
      for (const y of ys) {
        expect(y).toBeGreaterThan(40);
        expect(y).toBeLessThan(360);
      }
      for (const [, y] of lines[index] ?? []) {
        expect(y).toBeGreaterThanOrEqual(Math.min(...ys));
        expect(y).toBeLessThanOrEqual(Math.max(...ys));
      }
    });
  });

  it("formats numbers with at most 2 decimals", () => {
    expect(svg).not.toMatch(/\d\.\d{3}/);
  });

  it("escapes text inserted into the SVG", () => {
    const escaped = renderStudySvg(sampleResult('a<&>"b'));
    expect(escaped).toContain("a&lt;&amp;&gt;&quot;b");
    expect(escaped).not.toContain("a<&>");
    expect(tagsBalanced(escaped)).toBe(true);
  });

  it("is deterministic", () => {
    expect(renderStudySvg(sampleResult())).toBe(svg);
    expect(renderStudyMarkdown(sampleResult())).toBe(renderStudyMarkdown(sampleResult()));
  });
});

describe("allocationStudySections", () => {
  const sections = allocationStudySections(sampleResult());
  const tables = (index: number): ReportTable[] =>
    (sections[index]?.blocks ?? []).flatMap((block) =>
      block.kind === "table" ? [block.table] : [],
    );
  const charts = sections.flatMap((section) =>
    section.blocks.flatMap((block) => (block.kind === "chart" ? [block.chart] : [])),
  );

  it("has a section per method, then early stopping and the difficulty's error", () => {
    expect(sections.map((section) => [section.id, section.title])).toEqual([
      ["allocation-coderm-vote", "coderm-vote"],
      ["allocation-codet", "codet"],
      ["allocation-early-stopping", "Early stopping"],
      ["allocation-difficulty", "Predicted difficulty"],
    ]);
    expect(sections[3]?.blocks).toEqual([
      { kind: "text", text: "Predicted difficulty MAE: 0.123" },
    ]);
  });

  it("holds the pass@1 table of the Markdown, the best mean of each row in bold", () => {
    const [table] = tables(0);
    expect(table?.columns.map((column) => column.label)).toEqual([
      "tests/problem",
      "equal",
      "greedy-predicted",
      "greedy-oracle",
      "greedy-predicted − equal",
      "greedy-oracle − equal",
    ]);
    expect(table?.rows[0]).toEqual([
      "1",
      { text: "40.00 [35.00, 45.00]", bold: false },
      { text: "42.50 [40.10, 44.90]", bold: false },
      { text: "50.00 [47.00, 53.00]", bold: true },
      "+2.50 [-0.50, +5.00]",
      "+10.00 [+8.00, +12.00]",
    ]);
  });

  it("holds an early-stopping table per method, captioned with the method and rule", () => {
    expect(tables(2).map((table) => [table.caption, table.rows])).toEqual([
      ["coderm-vote (exact rule)", [["60.00", "59.50", "120 / 300", "40.0%", "4", "9"]]],
      ["codet (exact rule)", [["55.00", "55.00", "251 / 300", "83.7%", "1", "12"]]],
    ]);
  });

  it("charts each method on a log x axis whose last tick is 'all', a banded line per strategy", () => {
    expect(charts.map((chart) => chart.id)).toEqual(["allocation-coderm-vote", "allocation-codet"]);
    const chart = charts[0] as LineChart;
    expect(chart.xScale).toBe("log");
    expect(chart.xLabel).toBe("tests per problem");
    expect(chart.xTicks).toEqual([
      { value: 1, label: "1" },
      { value: 2, label: "2" },
      { value: 4, label: "all" },
    ]);
    expect(chart.series.map((series) => series.name)).toEqual([
      "equal",
      "greedy-predicted",
      "greedy-oracle",
    ]);
    expect(chart.series[2]?.points[1]).toEqual({ x: 2, y: 56, low: 52, high: 60 });
  });

  it("renders as a document in Markdown and HTML", () => {
    const document = allocationStudyDocument(sampleResult());
    expect(document.title).toBe("Budget study: mbpp-plus, 12 problems, 5 seeds");
    const { markdown, charts: files } = renderMarkdown(document);
    expect(markdown).toContain(
      "![coderm-vote: pass@1 against tests per problem](charts/allocation-coderm-vote.svg)",
    );
    expect(files.map((file) => file.file)).toEqual([
      "charts/allocation-coderm-vote.svg",
      "charts/allocation-codet.svg",
    ]);
    const html = renderHtml(document);
    expect(count(html, /<svg /g)).toBe(2);
    expect(html).toContain('<section id="allocation-early-stopping">');
  });
});
