import type { TestScore, TestScorer, UnitTest } from "@coderm/core";
import type { FeatureInput } from "../predictors/features.js";

/** What {@link scoreRows} measured. */
export interface ScoredRows {
  /** One score per row, in order. */
  predictions: TestScore[];
  /** Seconds the scorer took over all rows (its first call's loading included). */
  seconds: number;
}

/**
 * Scores labeled rows (focal file, suite and test as text) with any test scorer, one call per
 * focal file and suite, each test given as its text. The rows may be in any order.
 */
export async function scoreRows(
  scorer: TestScorer,
  rows: readonly FeatureInput[],
  onProgress?: (done: number) => void,
): Promise<ScoredRows> {
  const started = performance.now();
  const groups = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const key = `${row.language}\u0000${row.focalCode}\u0000${row.existingTests}`;
    const group = groups.get(key) ?? [];
    group.push(index);
    groups.set(key, group);
  });
  const predictions: TestScore[] = new Array(rows.length);
  let done = 0;
  for (const indices of groups.values()) {
    const first = rows[indices[0]!]!;
    const tests = indices.map(
      (index): UnitTest => ({
        kind: "assert",
        id: String(index),
        problemId: "row",
        code: rows[index]!.testCode,
      }),
    );
    const scores = await scorer.score({
      language: first.language,
      focalCode: first.focalCode,
      existingTests: first.existingTests,
      tests,
    });
    indices.forEach((index, position) => {
      predictions[index] = scores[position]!;
    });
    done += indices.length;
    onProgress?.(done);
  }
  return { predictions, seconds: (performance.now() - started) / 1000 };
}
