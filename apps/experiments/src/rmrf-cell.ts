import {
  createEmbeddedTestScorer,
  evaluateTestScores,
  loadEmbeddedPredictor,
  readRmrfSamples,
  rmrfRow,
  scoreRows,
  type TestScoreReport,
  thresholdsFor,
} from "@coderm/reward-rmrf";
import type { RmrfCell } from "./cells.js";

/** What the store keeps for an RM-RF evaluation. */
export interface RmrfCellResult {
  scorer: string;
  rows: number;
  /** Skipped sample files (unreadable or malformed). */
  skipped: number;
  /** `all`, then one report per language when there are several. */
  reports: Record<string, TestScoreReport>;
  /** Milliseconds to score one test. */
  ms_per_test: number;
}

/**
 * Scores RM-RF samples with the embedded run-free predictor (the shipped model, or the cell's
 * model file) at the model's own per-language thresholds, and evaluates each target against the
 * samples' execution labels.
 */
export async function evaluateRmrfCell(
  cell: RmrfCell,
  onAdvance: () => void,
  onStage: (label: string, total: number) => void,
): Promise<RmrfCellResult> {
  const { samples, errors } = await readRmrfSamples([cell.samples.path]);
  const wanted = cell.repositories;
  const rows = samples
    .filter(
      (sample) =>
        wanted === undefined ||
        wanted.some((name) => sample.repository === name || sample.repository.endsWith(`/${name}`)),
    )
    .map(rmrfRow);
  const predictor = await loadEmbeddedPredictor(cell.model?.path);
  const scorer = createEmbeddedTestScorer({ model: predictor.model });
  onStage(`${cell.experiment}: scoring RM-RF samples`, rows.length);
  let done = 0;
  const { predictions, seconds } = await scoreRows(scorer, rows, (count) => {
    for (; done < count; done += 1) onAdvance();
  });
  const thresholds = rows.map((row) => thresholdsFor(predictor.model, row.language));
  const evaluate = (indices: number[]) =>
    evaluateTestScores(
      indices.map((index) => predictions[index]!),
      indices.map((index) => rows[index]!.truth),
      indices.map((index) => thresholds[index]!),
    );
  const byLanguage = new Map<string, number[]>();
  rows.forEach((row, index) => {
    byLanguage.set(row.language, [...(byLanguage.get(row.language) ?? []), index]);
  });
  const reports: Record<string, TestScoreReport> = { all: evaluate(rows.map((_, index) => index)) };
  if (byLanguage.size > 1)
    for (const [language, indices] of byLanguage) reports[language] = evaluate(indices);
  return {
    scorer: scorer.name,
    rows: rows.length,
    skipped: errors.length,
    reports,
    ms_per_test: (seconds * 1000) / Math.max(1, rows.length),
  };
}
