import type { Candidate, ProblemMatrix, UnitTest } from "@coderm/core";
import { PassMatrix } from "@coderm/core";

/**
 * A hand-built executed problem: `programs` names each row's program (repeats are duplicate
 * samples), `rows` its verdicts (`P` pass, `F` fail), one character per test.
 */
export function problemMatrix(
  id: string,
  programs: string[],
  rows: string[],
  correct: boolean[],
): ProblemMatrix {
  const columns = rows[0]?.length ?? 0;
  const tests: UnitTest[] = Array.from({ length: columns }, (_, column) => ({
    id: `${id}:t${column}`,
    problemId: id,
    kind: "assert",
    code: `assert f(${column}) == ${column}`,
  }));
  const candidates: Candidate[] = programs.map((program) => ({
    id: `${id}:${program}`,
    problemId: id,
    code: `def f(x):\n    return ${program}\n`,
  }));
  const matrix = new PassMatrix(
    id,
    candidates.map((candidate) => candidate.id),
    tests.map((test) => test.id),
  );
  rows.forEach((row, index) => {
    [...row].forEach((cell, column) => {
      matrix.set(index, column, cell === "P" ? "pass" : "fail");
    });
  });
  return {
    problem: { id, prompt: "def f(x):\n", entryPoint: "f", language: "python" },
    candidates,
    tests,
    matrix,
    correct,
  };
}
