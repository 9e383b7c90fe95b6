import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { loadProblems } from "./load.js";

requireDataDir();

describe("sanitized MBPP", () => {
  it("loads 427 problems with one assert test per assertion", async () => {
    const problems = await loadProblems("mbpp");
    expect(problems).toHaveLength(427);
    expect(problems.reduce((sum, problem) => sum + problem.tests!.length, 0)).toBe(1324);
    const [first] = problems;
    expect(first).toMatchObject({
      id: "Mbpp/2",
      prompt: "Write a function to find the shared elements from the given two lists.",
      entryPoint: "similar_elements",
      canonicalSolution: expect.stringMatching(/^def similar_elements\(/),
    });
    expect(first!.tests![0]).toMatchObject({
      kind: "assert",
      problemId: "Mbpp/2",
      code: "assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))",
    });
  });

  it("takes the function the tests call as entry point, and puts test imports above each test", async () => {
    const byId = new Map((await loadProblems("mbpp")).map((problem) => [problem.id, problem]));
    expect(byId.get("Mbpp/6")!.entryPoint).toBe("differ_At_One_Bit_Pos");
    expect(byId.get("Mbpp/223")!.entryPoint).toBe("is_majority");
    const withImports = [...byId.values()].filter((problem) =>
      problem.tests!.every(
        (test) => test.kind === "assert" && test.code.startsWith("import math\nassert "),
      ),
    );
    expect(withImports).toHaveLength(13);
  });
});
