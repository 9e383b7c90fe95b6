import type { HybridStudyResult } from "@coderm/reward-nt";
import { describe, expect, it } from "vitest";
import { renderHtml } from "./html.js";
import {
  hybridStudyDocument,
  hybridStudySections,
  renderHybridStudyMarkdown,
  renderHybridStudySvg,
} from "./hybrid-study.js";
import { renderMarkdown } from "./markdown.js";
import { count, pathPoints, tagsBalanced } from "./markup-checks.js";

const note =
  "SIMULATED reward models (ground-truth correctness plus Gaussian noise at each AUROC), not a trained model";

/** Two AUROC levels, keeping 1 or 3 programs (3 is every program: all executions). */
function sampleResult(dataset = "synthetic"): HybridStudyResult {
  const level = (auroc: number, keepOne: number) => ({
    auroc,
    measuredAuroc: auroc + 0.0123,
    rewardOnly: { mean: keepOne - 5, low: keepOne - 8, high: keepOne - 2 },
    cells: [
      {
        keep: 1,
        passAt1: { mean: keepOne, low: keepOne - 3, high: keepOne + 3 },
        executionFraction: 1 / 3,
      },
      { keep: 3, passAt1: { mean: 50, low: 48, high: 52 }, executionFraction: 1 },
    ],
  });
  return {
    simulated: true,
    note,
    dataset,
    problems: 30,
    seeds: 4,
    baseline: { tests: 50, random: 25, testsName: "codet" },
    levels: [level(0.6, 40), level(0.95, 70)],
  };
}

describe("renderHybridStudyMarkdown", () => {
  const markdown = renderHybridStudyMarkdown(sampleResult());

  it("says first that the reward models are simulated", () => {
    const lines = markdown.split("\n");
    expect(lines[0]).toBe("# Hybrid reranking against reward-model quality: synthetic");
    expect(lines[2]).toBe(
      `**${note}.** 30 problems, 4 noise draws per level; pass@1 in percent (mean [95 % interval over draws]).`,
    );
    expect(lines[4]).toBe("Testing every program with codet: 50.00; a uniform pick: 25.00.");
  });

  it("tables pass@1 per AUROC level and programs kept, with the executions they need", () => {
    const table = markdown.split("\n").filter((line) => line.startsWith("|"));
    expect(table).toEqual([
      "| AUROC (measured) | reward alone | keep 1 | keep 3 |",
      "| --- | ---: | ---: | ---: |",
      "| 0.6 (0.612) | 35.00 | 40.00 [37.00, 43.00] | 50.00 [48.00, 52.00] |",
      "| 0.95 (0.962) | 65.00 | 70.00 [67.00, 73.00] | 50.00 [48.00, 52.00] |",
      "| executions | 0.0% | 33.3% | 100.0% |",
    ]);
  });

  it("shows markup in the dataset's name literally", () => {
    expect(renderHybridStudyMarkdown(sampleResult("a_<b>|*c*")).split("\n")[0]).toBe(
      "# Hybrid reranking against reward-model quality: a\\_\\<b\\>\\|\\*c\\*",
    );
  });
});

describe("renderHybridStudySvg", () => {
  const svg = renderHybridStudySvg(sampleResult());

  it("is a standalone SVG titled as SIMULATED", () => {
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(tagsBalanced(svg)).toBe(true);
    expect(svg).toContain("<title>SIMULATED reward models: hybrid reranking on synthetic</title>");
  });

  it("draws a banded line per AUROC level and the two references dashed", () => {
    expect(count(svg, /<g class="series"/g)).toBe(4);
    expect(count(svg, /<path class="band"/g)).toBe(2);
    expect(count(svg, /<path class="line"[^>]*stroke-dasharray/g)).toBe(2);
    for (const name of ["AUROC 0.6", "AUROC 0.95", "codet, all tested", "uniform pick"])
      expect(svg).toContain(`>${name}</text>`);
    const [lowLevel] = pathPoints(svg, "line");
    // sorted by the share of executions: keep 1 (a third) left of keep 3 (all)
    expect(lowLevel?.[0]?.[0]).toBeLessThan(lowLevel?.[1]?.[0] ?? 0);
  });

  it("labels the executions axis in percent", () => {
    for (const label of ["0%", "20%", "100%"]) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain("generated-test executions (share of testing every program)");
  });
});

describe("hybridStudySections", () => {
  it("starts with the note that the reward models are simulated", () => {
    const [section] = hybridStudySections(sampleResult());
    expect(section?.id).toBe("hybrid-study");
    expect(section?.blocks[0]).toEqual({ kind: "note", text: note });
    expect(section?.blocks.map((block) => block.kind)).toEqual([
      "note",
      "text",
      "text",
      "table",
      "chart",
    ]);
  });

  it("keeps the note in the Markdown, the chart and the HTML page of the document", () => {
    const document = hybridStudyDocument(sampleResult());
    const { markdown, charts } = renderMarkdown(document);
    expect(markdown).toContain(`> **${note}**`);
    expect(charts[0]?.svg).toContain("SIMULATED reward models");
    const html = renderHtml(document);
    expect(html).toContain(`<div class="note" role="note"><strong>${note}</strong></div>`);
    expect(html).toContain("SIMULATED reward models: hybrid reranking on synthetic</title>");
  });
});
