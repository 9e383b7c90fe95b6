import { copyFile, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectLayout, openBrowser, type PageLayout, screenshot } from "@coderm/browser-test";
import { openExecutor } from "@coderm/pipeline";
import { type LineChart, type ReportDocument, renderHtml } from "@coderm/report";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planCells } from "./cells.js";
import { parseExperimentSpec } from "./parse-spec.js";
import { experimentsReport } from "./report-document.js";
import { createResultsStore } from "./results-store.js";
import { runExperiments } from "./run-experiments.js";

// The experiments report of a run with every kind of experiment, rendered as HTML and opened in
// headless Chromium (Debian's, through @coderm/browser-test): every chart drawn with its axis
// labels and legend, every table there, nothing wider than the page. CODERM_SCREENSHOT_DIR, when
// set, receives the full-page screenshot.

requireDataDir();

const specText = `name: page
title: Experiments report in a browser
experiments:
  - id: main
    kind: rerank
    datasets: [humaneval]
    candidates: [{ released: codet-humaneval-codegen16b }]
    tests: [{ released: codet-humaneval-codegen16b }]
    limit: 3
    methods: [codet, coderm-vote, random]
    budgets: { tests: [1, 2, 4, all], candidates: [5, 20, all] }
    seeds: [0, 1, 2]
    published: { codet: 36.7 }
  - id: alloc
    kind: allocation-study
    dataset: codet-humaneval-codegen16b
    limit: 3
    seeds: 3
    budgets: [1, 2, all]
  - id: hybrid
    kind: hybrid-study
    dataset: codet-humaneval-codegen16b
    limit: 3
    seeds: 3
  - id: rmrf
    kind: rmrf-eval
    samples: $CODERM_DATA_DIR/rm-rf/validation-dev
    repositories: [JohnnyIrvin/shell-craft, MrCordeiro/parse2docs]
    caveat: in-sample figures
`;

describe("the experiments report in a browser", () => {
  let dir: string;
  let document: ReportDocument;
  let layout: PageLayout;
  let screenshotFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "coderm-experiments-page-"));
    process.env.CODERM_CACHE_DIR = join(dir, "cache");
    const spec = parseExperimentSpec(specText);
    const cells = await planCells(spec, { directory: dir });
    const store = createResultsStore({ path: join(dir, "results.sqlite") });
    try {
      await runExperiments({
        cells,
        store,
        workDirectory: join(dir, "work"),
        openExecutor: () => openExecutor({ workers: 2 }),
      });
      document = experimentsReport(spec, cells, store);
    } finally {
      store.close();
    }
    screenshotFile = join(dir, "experiments-report.png");
    const browser = await openBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.route("**/*", (route) => route.abort());
      await page.setContent(renderHtml(document), { waitUntil: "load" });
      layout = await inspectLayout(page);
      await screenshot(page, screenshotFile);
    } finally {
      await browser.close();
    }
    const keep = process.env.CODERM_SCREENSHOT_DIR;
    if (keep) {
      await mkdir(keep, { recursive: true });
      await copyFile(screenshotFile, join(keep, "experiments-report.png"));
    }
  }, 600_000);
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("holds every section the spec's experiments call for", () => {
    const titles = document.sections.map((section) => section.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "main",
        "main: best-of-N against the budget",
        "main: quality of the generated tests",
        "rmrf: run-free test rewards (RM-RF)",
      ]),
    );
    expect(titles.filter((title) => title.startsWith("alloc: ")).length).toBeGreaterThanOrEqual(3);
    expect(titles.some((title) => title.startsWith("hybrid: "))).toBe(true);
  });

  it("draws every chart with a size, both axis labels, its legend and a line per series", () => {
    const charts: LineChart[] = document.sections.flatMap((section) =>
      section.blocks.flatMap((block) => (block.kind === "chart" ? [block.chart] : [])),
    );
    // tests and candidates per problem; one per allocation method; the hybrid study's
    expect(charts.length).toBeGreaterThanOrEqual(4);
    expect(layout.svgs.length).toBeGreaterThanOrEqual(charts.length);
    for (const chart of charts) {
      const svg = layout.svgs.find((item) => item.id.includes(chart.id));
      expect(svg, chart.id).toBeDefined();
      expect(svg!.width).toBeGreaterThan(300);
      expect(svg!.height).toBeGreaterThan(150);
      expect(svg!.hasTitle).toBe(true);
      expect(svg!.axisLabels).toEqual([chart.xLabel, chart.yLabel]);
      expect(svg!.legendItems).toEqual(chart.series.map((series) => series.name));
      expect(svg!.seriesPaths.every((paths) => paths >= 1)).toBe(true);
    }
  });

  it("shows every table with its caption and rows", () => {
    const tables = document.sections.flatMap((section) =>
      section.blocks.flatMap((block) => (block.kind === "table" ? [block.table] : [])),
    );
    expect(layout.tables).toHaveLength(tables.length);
    tables.forEach((table, index) => {
      expect(layout.tables[index]!.caption).toBe(table.caption ?? null);
      expect(layout.tables[index]!.rows).toBe(table.rows.length);
    });
    const main = tables[0]!;
    expect(main.rows.map((row) => row[0])).toEqual(["codet", "coderm-vote", "random"]);
  });

  it("fits the page: nothing sticks out sideways", async () => {
    expect(layout.overflow).toEqual([]);
    expect(layout.documentWidth).toBeLessThanOrEqual(layout.viewportWidth);
    expect((await stat(screenshotFile)).size).toBeGreaterThan(20_000);
  });
});
