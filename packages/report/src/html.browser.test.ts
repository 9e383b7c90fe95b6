import { copyFile, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectLayout, openBrowser, type PageLayout, screenshot } from "@coderm/browser-test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LineChart, ReportTable } from "./document.js";
import { renderHtml } from "./html.js";
import { fixtureDocument } from "./report-fixture.js";

// The HTML report in headless Chromium (Debian's, through @coderm/browser-test) at 1280 x 900:
// every chart drawn with its labels and legend, every table there, and nothing wider than the
// page. CODERM_SCREENSHOT_DIR, when set, receives the full-page screenshot.

const document = fixtureDocument();
const charts: LineChart[] = document.sections.flatMap((section) =>
  section.blocks.flatMap((block) => (block.kind === "chart" ? [block.chart] : [])),
);
const tables: ReportTable[] = document.sections.flatMap((section) =>
  section.blocks.flatMap((block) => (block.kind === "table" ? [block.table] : [])),
);

describe("the HTML report in a browser", () => {
  let dir: string;
  let layout: PageLayout;
  let narrowLayout: PageLayout;
  let screenshotFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "coderm-report-browser-"));
    screenshotFile = join(dir, "report.png");
    const browser = await openBrowser();
    try {
      const html = renderHtml(document);
      const open = async (width: number, height: number) => {
        const page = await browser.newPage({ viewport: { width, height } });
        // offline: the page must render with every request refused
        await page.route("**/*", (route) => route.abort());
        await page.setContent(html, { waitUntil: "load" });
        return page;
      };
      const page = await open(1280, 900);
      layout = await inspectLayout(page);
      await screenshot(page, screenshotFile);
      narrowLayout = await inspectLayout(await open(390, 844));
    } finally {
      await browser.close();
    }
    const keep = process.env.CODERM_SCREENSHOT_DIR;
    if (keep) {
      await mkdir(keep, { recursive: true });
      await copyFile(screenshotFile, join(keep, "report-html.png"));
    }
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("draws every chart with a size, a title, both axis labels, its legend and its lines", () => {
    expect(layout.svgs).toHaveLength(charts.length);
    layout.svgs.forEach((svg, index) => {
      const chart = charts[index]!;
      expect(svg.id).toBe(chart.id);
      expect(svg.width).toBeGreaterThan(0);
      expect(svg.height).toBeGreaterThan(0);
      expect(svg.hasTitle).toBe(true);
      expect(svg.axisLabels).toEqual([chart.xLabel, chart.yLabel]);
      expect(svg.legendItems).toEqual(chart.series.map((series) => series.name));
      expect(svg.seriesPaths).toHaveLength(chart.series.length);
      for (const paths of svg.seriesPaths) expect(paths).toBeGreaterThanOrEqual(1);
    });
  });

  it("shows every table with its caption and rows", () => {
    expect(layout.tables).toEqual(
      tables.map((table) => ({
        caption: table.caption ?? null,
        rows: table.rows.length,
        columns: table.columns.length,
      })),
    );
  });

  it("never scrolls the page sideways, the wide table scrolling in its wrapper", () => {
    expect(layout.viewportWidth).toBe(1280);
    expect(layout.documentWidth).toBeLessThanOrEqual(layout.viewportWidth);
    expect(layout.overflow).toEqual([]);
  });

  it("fits a phone's width too, the charts shrinking to it", () => {
    expect(narrowLayout.documentWidth).toBeLessThanOrEqual(narrowLayout.viewportWidth);
    expect(narrowLayout.overflow).toEqual([]);
    for (const svg of narrowLayout.svgs) {
      expect(svg.width).toBeLessThanOrEqual(narrowLayout.viewportWidth);
      expect(svg.height).toBeGreaterThan(0);
    }
  });

  it("takes a full-page screenshot", async () => {
    expect((await stat(screenshotFile)).size).toBeGreaterThan(8_000);
  });
});
