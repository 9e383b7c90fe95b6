import type { HybridStudyResult } from "./hybrid-study.js";

const percent = (value: number) => value.toFixed(2);

/** The study as Markdown: a table of pass@1 (and executions) per AUROC and kept programs. */
export function renderHybridStudyMarkdown(result: HybridStudyResult): string {
  const keeps = result.levels[0]?.cells.map((cell) => cell.keep) ?? [];
  const lines = [
    `# Hybrid reranking against reward-model quality: ${result.dataset}`,
    "",
    `**${result.note}.** ${result.problems} problems, ${result.seeds} noise draws per level; pass@1 in percent (mean [95 % interval over draws]).`,
    "",
    `Testing every program with ${result.baseline.testsName}: ${percent(result.baseline.tests)}; a uniform pick: ${percent(result.baseline.random)}.`,
    "",
    `| AUROC (measured) | reward alone | ${keeps.map((keep) => `keep ${keep}`).join(" | ")} |`,
    `| --- | --- | ${keeps.map(() => "---").join(" | ")} |`,
    ...result.levels.map(
      (level) =>
        `| ${level.auroc} (${level.measuredAuroc.toFixed(3)}) | ${percent(level.rewardOnly.mean)} | ${level.cells
          .map(
            (cell) =>
              `${percent(cell.passAt1.mean)} [${percent(cell.passAt1.low)}, ${percent(cell.passAt1.high)}]`,
          )
          .join(" | ")} |`,
    ),
    `| executions | 0 % | ${(result.levels[0]?.cells ?? [])
      .map((cell) => `${(100 * cell.executionFraction).toFixed(1)} %`)
      .join(" | ")} |`,
    "",
  ];
  return `${lines.join("\n")}\n`;
}

const width = 720;
const height = 440;
const frame = { left: 70, right: 170, top: 50, bottom: 60 };
const colors = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"];

/**
 * The study as a self-contained SVG: pass@1 against the share of executions, one line per
 * AUROC level, with the full test-based reward and a uniform pick as references. The title says
 * the reward models are simulated.
 */
export function renderHybridStudySvg(result: HybridStudyResult): string {
  const values = [
    result.baseline.tests,
    result.baseline.random,
    ...result.levels.flatMap((level) =>
      level.cells.flatMap((cell) => [cell.passAt1.low, cell.passAt1.high]),
    ),
  ];
  const top = Math.ceil(Math.max(...values) / 10) * 10;
  const bottom = Math.max(0, Math.floor(Math.min(...values) / 10) * 10);
  const plotWidth = width - frame.left - frame.right;
  const plotHeight = height - frame.top - frame.bottom;
  const x = (fraction: number) => frame.left + fraction * plotWidth;
  const y = (value: number) => frame.top + ((top - value) / Math.max(1, top - bottom)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">SIMULATED reward models: hybrid reranking on ${escapeXml(result.dataset)}</text>`,
    `<line x1="${x(0)}" y1="${y(bottom)}" x2="${x(1)}" y2="${y(bottom)}" stroke="black"/>`,
    `<line x1="${x(0)}" y1="${y(bottom)}" x2="${x(0)}" y2="${y(top)}" stroke="black"/>`,
  ];
  for (let tick = 0; tick <= 10; tick += 2) {
    const fraction = tick / 10;
    parts.push(
      `<line x1="${x(fraction)}" y1="${y(bottom)}" x2="${x(fraction)}" y2="${y(bottom) + 5}" stroke="black"/>`,
      `<text x="${x(fraction)}" y="${y(bottom) + 18}" text-anchor="middle">${tick * 10}%</text>`,
    );
  }
  for (let value = bottom; value <= top; value += 10)
    parts.push(
      `<line x1="${x(0) - 5}" y1="${y(value)}" x2="${x(1)}" y2="${y(value)}" stroke="#ddd"/>`,
      `<text x="${x(0) - 8}" y="${y(value) + 4}" text-anchor="end">${value}</text>`,
    );
  parts.push(
    `<text x="${x(0.5)}" y="${height - 15}" text-anchor="middle">generated-test executions (share of testing every program)</text>`,
    `<text transform="translate(18 ${frame.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">pass@1 (%)</text>`,
  );
  const reference = (value: number, label: string, dash: string) =>
    parts.push(
      `<line x1="${x(0)}" y1="${y(value)}" x2="${x(1)}" y2="${y(value)}" stroke="black" stroke-dasharray="${dash}"/>`,
      `<text x="${x(1) + 6}" y="${y(value) + 4}">${escapeXml(label)}</text>`,
    );
  reference(result.baseline.tests, `${result.baseline.testsName}, all tested`, "6 3");
  reference(result.baseline.random, "uniform pick", "2 3");
  result.levels.forEach((level, index) => {
    const color = colors[index % colors.length]!;
    const points = [...level.cells].sort((a, b) => a.executionFraction - b.executionFraction);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points
        .map((cell) => `${x(cell.executionFraction).toFixed(1)},${y(cell.passAt1.mean).toFixed(1)}`)
        .join(" ")}"/>`,
      ...points.map(
        (cell) =>
          `<circle cx="${x(cell.executionFraction).toFixed(1)}" cy="${y(cell.passAt1.mean).toFixed(1)}" r="3" fill="${color}"><title>AUROC ${level.auroc}, keep ${cell.keep}: ${percent(cell.passAt1.mean)}</title></circle>`,
      ),
      `<rect x="${x(1) + 6}" y="${frame.top + 150 + index * 18}" width="12" height="3" fill="${color}"/>`,
      `<text x="${x(1) + 22}" y="${frame.top + 155 + index * 18}">AUROC ${level.auroc}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
