import type { ProblemMatrix } from "../problem-matrix.js";

/**
 * Which test columns each problem keeps in one repeat of a rerank (a test budget's allocation):
 * one entry per problem of `problems`, `undefined` to keep all. The allocator makes these; the
 * pipeline applies them.
 */
export type TestSelection = (
  problems: readonly ProblemMatrix[],
  repeat: number,
) => readonly (readonly number[] | undefined)[];
