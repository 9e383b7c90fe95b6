import { z } from "zod";
import { CodermError } from "./errors.js";
import { type VerdictStatus, verdictStatuses } from "./model.js";

const codes = ".PFETOX";
const statusByCode: (VerdictStatus | undefined)[] = [undefined, ...verdictStatuses];
const codeByStatus = new Map<VerdictStatus, number>(
  verdictStatuses.map((status, index) => [status, index + 1]),
);

/** The serialized form of a {@link PassMatrix}: one string a row, one character a cell. */
export const passMatrixSchema = z
  .object({
    problemId: z.string(),
    candidateIds: z.array(z.string()),
    testIds: z.array(z.string()),
    /** One string per candidate; `.` pending, `P` pass, `F` fail, `E` error, `T` timeout, `O` oom, `X` tampered. */
    rows: z.array(z.string().regex(/^[.PFETOX]*$/)),
  })
  .strict();
/** The serialized form of a {@link PassMatrix}. */
export type PassMatrixData = z.infer<typeof passMatrixSchema>;

/**
 * Candidates × tests of verdicts for one problem: the common currency of every test-based reward.
 * Rows are candidate samples (a solution sampled twice appears twice, so duplicates count as
 * many); cells start pending and fill in as verdicts stream in.
 */
export class PassMatrix {
  readonly problemId: string;
  readonly candidateIds: readonly string[];
  readonly testIds: readonly string[];
  readonly #cells: Uint8Array;
  #filled = 0;

  constructor(problemId: string, candidateIds: readonly string[], testIds: readonly string[]) {
    this.problemId = problemId;
    this.candidateIds = candidateIds;
    this.testIds = testIds;
    this.#cells = new Uint8Array(candidateIds.length * testIds.length);
  }

  /** Number of candidate rows. */
  get rowCount(): number {
    return this.candidateIds.length;
  }

  /** Number of test columns. */
  get columnCount(): number {
    return this.testIds.length;
  }

  /** True when every cell has a verdict. */
  get complete(): boolean {
    return this.#filled === this.#cells.length;
  }

  /** The verdict status of a cell, or undefined while it is pending. */
  get(row: number, column: number): VerdictStatus | undefined {
    return statusByCode[this.#cells[this.#index(row, column)]!];
  }

  /** Records the verdict status of a cell. */
  set(row: number, column: number, status: VerdictStatus): void {
    const index = this.#index(row, column);
    if (this.#cells[index] === 0) this.#filled += 1;
    this.#cells[index] = codeByStatus.get(status)!;
  }

  /** True when the cell holds a pass. */
  passes(row: number, column: number): boolean {
    return this.#cells[this.#index(row, column)] === 1;
  }

  /** True when the cell has a verdict. */
  known(row: number, column: number): boolean {
    return this.#cells[this.#index(row, column)] !== 0;
  }

  /** The columns a row passes, as a string key (`"0110"`): equal keys mean equal passed sets. */
  passKey(row: number, columns: readonly number[] = this.#allColumns()): string {
    let key = "";
    for (const column of columns) key += this.passes(row, column) ? "1" : "0";
    return key;
  }

  /** Number of passed tests of a row, over the given columns (all by default). */
  passCount(row: number, columns: readonly number[] = this.#allColumns()): number {
    let count = 0;
    for (const column of columns) if (this.passes(row, column)) count += 1;
    return count;
  }

  /** A new matrix restricted to the given rows and columns, in that order. */
  select(rows: readonly number[], columns: readonly number[]): PassMatrix {
    const result = new PassMatrix(
      this.problemId,
      rows.map((row) => this.candidateIds[row]!),
      columns.map((column) => this.testIds[column]!),
    );
    rows.forEach((row, newRow) => {
      columns.forEach((column, newColumn) => {
        const status = this.get(row, column);
        if (status !== undefined) result.set(newRow, newColumn, status);
      });
    });
    return result;
  }

  /** The serialized form. */
  toJSON(): PassMatrixData {
    const rows: string[] = [];
    for (let row = 0; row < this.rowCount; row++) {
      let text = "";
      for (let column = 0; column < this.columnCount; column++)
        text += codes[this.#cells[row * this.columnCount + column]!];
      rows.push(text);
    }
    return {
      problemId: this.problemId,
      candidateIds: [...this.candidateIds],
      testIds: [...this.testIds],
      rows,
    };
  }

  /** Rebuilds a matrix from its serialized form, checking its shape. */
  static fromJSON(data: unknown): PassMatrix {
    const parsed = passMatrixSchema.parse(data);
    const matrix = new PassMatrix(parsed.problemId, parsed.candidateIds, parsed.testIds);
    if (parsed.rows.length !== parsed.candidateIds.length) {
      throw new CodermError(
        "invalid-input",
        `pass matrix has ${parsed.rows.length} rows for ${parsed.candidateIds.length} candidates`,
        {
          field: "rows",
          item: parsed.problemId,
        },
      );
    }
    parsed.rows.forEach((text, row) => {
      if (text.length !== parsed.testIds.length) {
        throw new CodermError(
          "invalid-input",
          `row ${row} has ${text.length} cells for ${parsed.testIds.length} tests`,
          {
            field: `rows[${row}]`,
            item: parsed.problemId,
          },
        );
      }
      for (let column = 0; column < text.length; column++) {
        const status = statusByCode[codes.indexOf(text[column]!)];
        if (status !== undefined) matrix.set(row, column, status);
      }
    });
    return matrix;
  }

  #allColumns(): number[] {
    return Array.from({ length: this.columnCount }, (_, column) => column);
  }

  #index(row: number, column: number): number {
    if (!(row >= 0 && row < this.rowCount && column >= 0 && column < this.columnCount)) {
      throw new CodermError(
        "invalid-input",
        `cell (${row}, ${column}) is outside a ${this.rowCount}x${this.columnCount} matrix`,
        {
          item: this.problemId,
        },
      );
    }
    return row * this.columnCount + column;
  }
}
