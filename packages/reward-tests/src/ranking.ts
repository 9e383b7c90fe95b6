import { CodermError, type Ranking, type RewardInput, type Selection } from "@coderm/core";
import { uniformOver } from "./matrix.js";

/** The pass matrix of an input, or a typed error naming the problem. */
export function requireMatrix(input: RewardInput) {
  if (input.passMatrix === undefined) {
    throw new CodermError(
      "invalid-input",
      "a test-based reward needs the candidates' pass matrix",
      { item: input.problem.id, field: "passMatrix" },
    );
  }
  if (input.passMatrix.rowCount !== input.candidates.length) {
    throw new CodermError(
      "invalid-input",
      `the pass matrix has ${input.passMatrix.rowCount} rows for ${input.candidates.length} candidates`,
      { item: input.problem.id, field: "passMatrix" },
    );
  }
  return input.passMatrix;
}

/** The selection a ranking implies: uniform over its first group (or over all rows). */
export function selectionOf(ranking: Ranking, rowCount: number): Selection {
  const top = ranking.groups[0];
  return {
    probabilities: uniformOver(rowCount, top ?? Array.from({ length: rowCount }, (_, row) => row)),
  };
}
