import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { loadProblems } from "./load.js";

requireDataDir();

describe("JavaScript and TypeScript datasets", () => {
  it.each([
    ["humaneval-js", 164, "javascript", "JavaScript/10", "makePalindrome"],
    ["multipl-e-js", 161, "javascript", "HumanEval_23_strlen", "strlen"],
    ["multipl-e-ts", 159, "typescript", "HumanEval_23_strlen", "strlen"],
  ])(
    "loads %s: %i problems whose test script calls the entry point",
    async (name, count, language, id, entryPoint) => {
      const problems = await loadProblems(name);
      expect(problems).toHaveLength(count);
      for (const problem of problems) {
        expect(problem.language).toBe(language);
        const [test] = problem.tests!;
        expect(test!.kind).toBe("assert");
        expect((test as { code: string }).code).toContain(problem.entryPoint);
      }
      expect(problems.find((problem) => problem.id === id)!.entryPoint).toBe(entryPoint);
    },
  );

  it("keeps HumanEval-X's canonical solutions and MultiPL-E's stop tokens", async () => {
    const [humanEvalX] = await loadProblems("humaneval-js");
    expect(humanEvalX!.canonicalSolution).toMatch(/^\/\* Check if[\s\S]*return false;\n}\n\n$/);
    const [multiplE] = await loadProblems("multipl-e-ts");
    expect(multiplE!.canonicalSolution).toBeUndefined();
    expect(multiplE!.metadata).toEqual({ stopTokens: ["\nfunction ", "\n/*", "\n//", "\nclass"] });
  });
});
