import type { PassMatrix } from "@coderm/core";

/**
 * The columns every row has a verdict for. Rewards judge a streamed, partial matrix on these
 * only, so no candidate is favoured by having been run first.
 */
export function completeColumns(matrix: PassMatrix): number[] {
  const columns: number[] = [];
  for (let column = 0; column < matrix.columnCount; column++) {
    let complete = true;
    for (let row = 0; complete && row < matrix.rowCount; row++)
      complete = matrix.known(row, column);
    if (complete) columns.push(column);
  }
  return columns;
}

/** Rows grouped by the exact set of columns they pass, in order of first appearance. */
export function groupByPassedSet(
  matrix: PassMatrix,
  rows: readonly number[],
  columns: readonly number[],
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const key = matrix.passKey(row, columns);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return groups;
}

/** A uniform pick among `rows` as a probability per row of the matrix. */
export function uniformOver(rowCount: number, rows: readonly number[]): number[] {
  const probabilities = new Array<number>(rowCount).fill(0);
  for (const row of rows) probabilities[row] = 1 / rows.length;
  return probabilities;
}

/** All row indices of a matrix. */
export function allRows(matrix: PassMatrix): number[] {
  return Array.from({ length: matrix.rowCount }, (_, row) => row);
}
