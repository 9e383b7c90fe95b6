import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectLayout, openBrowser, screenshot } from "./index.js";

const page = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; font: 16px sans-serif; }
  .scroll { overflow-x: auto; }
  td { white-space: nowrap; padding: 0 40px; }
</style></head><body>
  <svg id="plot" width="300" height="200" viewBox="0 0 300 200">
    <title>A plot</title>
    <text class="axis-label x">budget</text><text class="axis-label y">pass@1</text>
    <g class="series"><path d="M0,0 L10,10"/></g>
    <g class="legend"><g class="legend-item"><line/><text> equal </text></g></g>
  </svg>
  <div class="scroll"><table><caption>wide</caption>
    <thead><tr>${"<th>h</th>".repeat(30)}</tr></thead>
    <tbody><tr>${"<td>cell</td>".repeat(30)}</tr><tr><td colspan="30">both</td></tr></tbody>
  </table></div>
  <div id="outer"><div class="wide" style="width: 2000px">too wide</div></div>
</body></html>`;

describe("the browser test kit", () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await openBrowser();
    dir = await mkdtemp(join(tmpdir(), "coderm-browser-test-"));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("measures SVGs, tables and what overflows the page, not what scrolls in a wrapper", async () => {
    const tab = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await tab.setContent(page);
    const layout = await inspectLayout(tab);
    expect(layout.svgs).toEqual([
      {
        id: "plot",
        width: 300,
        height: 200,
        childCount: 9,
        hasTitle: true,
        axisLabels: ["budget", "pass@1"],
        legendItems: ["equal"],
        seriesPaths: [1],
      },
    ]);
    expect(layout.tables).toEqual([{ caption: "wide", rows: 2, columns: 30 }]);
    expect(layout.viewportWidth).toBe(800);
    expect(layout.documentWidth).toBeGreaterThanOrEqual(2000);
    expect(layout.overflow).toEqual(["div#outer > div.wide"]);
    const file = join(dir, "shots", "page.png");
    await screenshot(tab, file);
    expect((await stat(file)).size).toBeGreaterThan(1000);
    await tab.close();
  });

  it("names the missing Chromium and how to install it", async () => {
    await expect(openBrowser({ executablePath: "/nowhere/chromium" })).rejects.toThrow(
      /No Chromium at \/nowhere\/chromium: run scripts\/setup\.sh/,
    );
  });
});
