import { CodermError } from "@coderm/core";
import { describe, expect, it } from "vitest";
import type { LineChart } from "./document.js";
import { renderLineChart } from "./line-chart.js";
import { count, pathPoints, tagsBalanced } from "./markup-checks.js";
import { bandChart, logChart } from "./report-fixture.js";

/** The x coordinates of a series group's markers. */
function markerXs(svg: string, series: string): number[] {
  const start = svg.indexOf(`<g class="series" data-series="${series}">`);
  const group = svg.slice(start, svg.indexOf("</g>", start));
  return [...group.matchAll(/<circle class="marker" cx="([\d.-]+)"/g)].map(([, x]) => Number(x));
}

/** The text of every element with exactly this class attribute. */
function texts(svg: string, className: string): string[] {
  return [...svg.matchAll(new RegExp(`class="${className}"[^>]*>([^<]*)<`, "g"))].map(
    ([, text]) => text ?? "",
  );
}

function invalidInput(action: () => unknown): CodermError {
  try {
    action();
  } catch (error) {
    if (CodermError.isInstance(error) && error.code === "invalid-input") return error;
    throw error;
  }
  throw new Error("expected an invalid-input error");
}

describe("renderLineChart", () => {
  const svg = renderLineChart(bandChart());

  it("is a standalone, balanced SVG document with a size and a view box", () => {
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart" data-chart="bands" role="img" width="720" height="\d+" viewBox="0 0 720 \d+"/,
    );
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(tagsBalanced(svg)).toBe(true);
    expect(svg).not.toMatch(/<script|href=|url\(|\sid=/);
  });

  it("has the title, both axis labels and a legend item per series", () => {
    expect(svg).toContain("<title>pass@1 against executions</title>");
    expect(texts(svg, "chart-title")).toEqual(["pass@1 against executions"]);
    expect(texts(svg, "axis-label x")).toEqual(["share of executions"]);
    expect(texts(svg, "axis-label y")).toEqual(["pass@1 (%)"]);
    expect(count(svg, /<g class="legend">/g)).toBe(1);
    expect(count(svg, /<g class="legend-item">/g)).toBe(3);
    for (const name of ["AUROC 0.7", "AUROC 0.8", "AUROC 0.9"])
      expect(svg).toMatch(new RegExp(`<text [^>]*>${name}</text>\\n</g>`));
  });

  it("draws a line, a marker per point and a band per series", () => {
    expect(count(svg, /<g class="series"/g)).toBe(3);
    expect(pathPoints(svg, "line").map((line) => line.length)).toEqual([6, 6, 6]);
    expect(pathPoints(svg, "band").map((band) => band.length)).toEqual([12, 12, 12]);
    expect(count(svg, /<circle class="marker"/g)).toBe(18);
    const lines = pathPoints(svg, "line");
    pathPoints(svg, "band").forEach((band, index) => {
      const ys = band.map(([, y]) => y);
      for (const [, y] of lines[index] ?? []) {
        expect(y).toBeGreaterThan(Math.min(...ys));
        expect(y).toBeLessThan(Math.max(...ys));
      }
    });
  });

  it("ticks round values on both axes", () => {
    const labels = [...svg.matchAll(/text-anchor="(?:end|middle)"[^>]*>([\d.]+)</g)].map(
      ([, label]) => label,
    );
    expect(labels).toContain("0.0");
    expect(labels).toContain("1.0");
    expect(labels).toContain("40");
    expect(labels).toContain("60");
  });

  it("spaces a log axis by log2 and labels the given ticks", () => {
    const log = renderLineChart(logChart());
    const xs = markerXs(log, "equal");
    const steps = xs.slice(1, 5).map((x, index) => x - (xs[index] ?? 0));
    for (const step of steps) expect(step).toBeCloseTo(steps[0] ?? 0, 1);
    expect(log).toContain(">all</text>");
    expect(log).toMatch(/<path class="line" [^>]*stroke-dasharray="6 4"/);
    expect(count(log, /<path class="band"/g)).toBe(1);
  });

  it("ticks powers of two on a log axis by default", () => {
    const chart: LineChart = {
      ...logChart(),
      xTicks: undefined,
      series: [{ name: "s", points: [3, 10, 100].map((x) => ({ x, y: x })) }],
    };
    const log = renderLineChart(chart);
    for (const label of ["2", "4", "8", "16", "32", "64", "128"])
      expect(log).toContain(`text-anchor="middle">${label}</text>`);
  });

  it("wraps a long legend into rows and grows to fit them", () => {
    const many: LineChart = {
      ...bandChart(),
      series: Array.from({ length: 12 }, (_, index) => ({
        name: `a rather long series name ${index}`,
        points: [{ x: index, y: index }],
      })),
    };
    const height = (markup: string) => Number(/height="(\d+)"/.exec(markup)?.[1]);
    const wrapped = renderLineChart(many);
    expect(height(wrapped)).toBeGreaterThan(height(svg) + 50);
    const itemYs = new Set(
      [...wrapped.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)" r="3"/g)].map(([, y]) => y),
    );
    expect(itemYs.size).toBeGreaterThan(2);
    const xs = [...wrapped.matchAll(/<text x="([\d.]+)" y="[\d.]+" dominant-baseline/g)].map(
      ([, x]) => Number(x),
    );
    for (const x of xs) expect(x).toBeLessThan(720);
  });

  it("escapes text and is deterministic", () => {
    const chart: LineChart = { ...bandChart(), title: 'a<b>&"c"', xLabel: "<x>" };
    const escaped = renderLineChart(chart);
    expect(escaped).toContain("a&lt;b&gt;&amp;&quot;c&quot;");
    expect(escaped).toContain("&lt;x&gt;");
    expect(tagsBalanced(escaped)).toBe(true);
    expect(renderLineChart(bandChart())).toBe(svg);
  });

  it("formats coordinates with at most 2 decimals", () => {
    expect(svg).not.toMatch(/\d\.\d{3}/);
  });

  it("rejects an id that is no file name, a number that is not finite, and x ≤ 0 on a log axis", () => {
    expect(invalidInput(() => renderLineChart({ ...bandChart(), id: "../up" })).field).toBe("id");
    const notFinite = bandChart();
    notFinite.series[1]?.points.push({ x: 2, y: Number.NaN });
    expect(invalidInput(() => renderLineChart(notFinite)).field).toBe("series[1].points[6].y");
    const zero = logChart();
    zero.series[0]?.points.push({ x: 0, y: 1 });
    expect(invalidInput(() => renderLineChart(zero)).message).toContain("log x axis");
  });
});
