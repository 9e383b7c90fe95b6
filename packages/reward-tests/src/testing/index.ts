import type { Candidate, Problem, UnitTest } from "@coderm/core";

/**
 * Small Python problems for tests of rewards and what builds on them: one function `f(x)`, judged
 * by a `check` whose body is given.
 */
export function functionProblem(id: string, checkBody: string): Problem {
  return {
    id,
    prompt: "def f(x):\n",
    entryPoint: "f",
    language: "python",
    tests: [
      {
        id: `${id}-truth`,
        problemId: id,
        kind: "check",
        entryPoint: "f",
        code: `def check(candidate):\n${checkBody}`,
      },
    ],
  };
}

/** A candidate `f(x)` returning `body`; samples of the same body share an id. */
export function functionCandidate(problemId: string, body: string): Candidate {
  return { id: `${problemId}:${body}`, problemId, code: `def f(x):\n    return ${body}\n` };
}

/** A generated `assert` test from test sample `sampleIndex`. */
export function assertTest(problemId: string, code: string, sampleIndex: number): UnitTest {
  return { id: `${problemId}:${code}`, problemId, kind: "assert", code, source: { sampleIndex } };
}
