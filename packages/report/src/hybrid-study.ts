import type { HybridStudyResult } from "@coderm/reward-nt";
import type { LineChart, ReportDocument, ReportSection, ReportTable } from "./document.js";
import { formatInterval, formatPercent } from "./format.js";
import { renderLineChart } from "./line-chart.js";
import { markdownHeading, markdownTable, markdownText } from "./markdown-text.js";

/**
 * The hybrid-reranking study as report sections (one, id `hybrid-study`): first a `note` that
 * the reward models are SIMULATED (the result's `note`), then the setting, the references
 * (testing every program, a uniform pick), the table of pass@1 per AUROC level and programs
 * kept with the executions they need, and the chart of pass@1 against the share of executions.
 */
export function hybridStudySections(result: HybridStudyResult): ReportSection[] {
  return [
    {
      id: "hybrid-study",
      title: `Hybrid reranking on ${result.dataset}`,
      blocks: [
        { kind: "note", text: result.note },
        { kind: "text", text: settingText(result) },
        { kind: "text", text: baselineText(result) },
        { kind: "table", table: hybridTable(result) },
        { kind: "chart", chart: hybridChart(result) },
      ],
    },
  ];
}

/** The study as a whole report: its title and {@link hybridStudySections}. */
export function hybridStudyDocument(result: HybridStudyResult): ReportDocument {
  return { title: studyTitle(result), sections: hybridStudySections(result) };
}

/**
 * The study as Markdown: the note that the reward models are SIMULATED, the setting and
 * references, and a table of pass@1 (and executions) per AUROC and programs kept. This is the
 * text `coderm nt study` prints.
 */
export function renderHybridStudyMarkdown(result: HybridStudyResult): string {
  const lines = [
    markdownHeading(1, studyTitle(result)),
    "",
    `**${markdownText(result.note)}.** ${markdownText(settingText(result))}`,
    "",
    markdownText(baselineText(result)),
    "",
    ...markdownTable(hybridTable(result)),
    "",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The study as a standalone SVG ({@link renderLineChart}): pass@1 against the share of
 * executions, one line per AUROC level with its interval band, with testing every program and a
 * uniform pick as dashed references. The title says the reward models are SIMULATED.
 */
export function renderHybridStudySvg(result: HybridStudyResult): string {
  return renderLineChart(hybridChart(result));
}

function hybridTable(result: HybridStudyResult): ReportTable {
  const keeps = result.levels[0]?.cells.map((cell) => cell.keep) ?? [];
  return {
    caption: `pass@1 (%) of hybrid reranking by the simulated reward's AUROC and the programs kept per problem: mean [95 % interval over ${result.seeds} draws]`,
    columns: [
      { label: "AUROC (measured)" },
      { label: "reward alone" },
      ...keeps.map((keep) => ({ label: `keep ${keep}` })),
    ],
    rows: [
      ...result.levels.map((level) => [
        `${level.auroc} (${level.measuredAuroc.toFixed(3)})`,
        level.rewardOnly.mean.toFixed(2),
        ...keeps.map((_, index) => {
          const cell = level.cells[index];
          return cell === undefined ? "–" : formatInterval(cell.passAt1);
        }),
      ]),
      [
        "executions",
        formatPercent(0, 1),
        ...keeps.map((_, index) => {
          const cell = result.levels[0]?.cells[index];
          return cell === undefined ? "–" : formatPercent(cell.executionFraction, 1);
        }),
      ],
    ],
  };
}

function hybridChart(result: HybridStudyResult): LineChart {
  const reference = (name: string, value: number) => ({
    name,
    dashed: true,
    points: [
      { x: 0, y: value },
      { x: 1, y: value },
    ],
  });
  return {
    id: "hybrid-study",
    title: `SIMULATED reward models: hybrid reranking on ${result.dataset}`,
    xLabel: "generated-test executions (share of testing every program)",
    yLabel: "pass@1 (%)",
    xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1].map((value) => ({
      value,
      label: formatPercent(value, 0),
    })),
    series: [
      ...result.levels.map((level) => ({
        name: `AUROC ${level.auroc}`,
        points: level.cells.map((cell) => ({
          x: cell.executionFraction,
          y: cell.passAt1.mean,
          low: cell.passAt1.low,
          high: cell.passAt1.high,
        })),
      })),
      reference(`${result.baseline.testsName}, all tested`, result.baseline.tests),
      reference("uniform pick", result.baseline.random),
    ],
  };
}

function studyTitle(result: HybridStudyResult): string {
  return `Hybrid reranking against reward-model quality: ${result.dataset}`;
}

function settingText(result: HybridStudyResult): string {
  return `${result.problems} problems, ${result.seeds} noise draws per level; pass@1 in percent (mean [95 % interval over draws]).`;
}

function baselineText(result: HybridStudyResult): string {
  return `Testing every program with ${result.baseline.testsName}: ${result.baseline.tests.toFixed(2)}; a uniform pick: ${result.baseline.random.toFixed(2)}.`;
}
