import type { Problem } from "@coderm/core";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { type CallTest, withExpectedOutputs } from "./evalplus.js";
import { loadProblems } from "./load.js";

requireDataDir();

const callTests = (problem: Problem) => problem.tests as CallTest[];

describe("EvalPlus datasets", () => {
  it("loads HumanEval+ with one call test per input, big integers exact", async () => {
    const problems = await loadProblems("humaneval+");
    expect(problems).toHaveLength(164);
    expect(problems.reduce((sum, problem) => sum + problem.tests!.length, 0)).toBe(124_253);
    const problem = problems.find((candidate) => candidate.id === "HumanEval/77")!;
    expect(problem.metadata).toEqual({ baseTestCount: expect.any(Number) });
    expect(problem.canonicalSolution!.startsWith(problem.prompt)).toBe(true);
    const test = callTests(problem).find((candidate) => typeof candidate.args[0] === "bigint")!;
    expect(test).toMatchObject({ kind: "call", problemId: "HumanEval/77", entryPoint: "iscube" });
    expect(test.args).toEqual([99999999999999999999999999n]);
    expect(test.expected).toBeUndefined();
    const withTolerance = problems.find((candidate) => candidate.id === "HumanEval/32")!;
    expect(callTests(withTolerance)[0]).toMatchObject({ atol: 1e-4, oracle: "find_zero" });
    expect(callTests(problems[0]!)[0]).not.toHaveProperty("oracle");
    expect(callTests(problems[0]!)[0]).not.toHaveProperty("atol");
    const truncate = problems.find((candidate) => candidate.id === "HumanEval/2")!;
    expect(callTests(truncate)[0]).toMatchObject({ args: [3.5], atol: 1e-6 });
    // any_int(3.0, 4, 7) is False because 3.0 is a float: the float must reach Python as one.
    const anyInt = problems.find((candidate) => candidate.id === "HumanEval/92")!;
    expect(callTests(anyInt)[9]!.args).toEqual([{ $float: "3.0" }, 4, 7]);
  });

  it("loads MBPP+ with EvalPlus's tuples, complex numbers and non-finite floats", async () => {
    const problems = await loadProblems("mbpp+");
    expect(problems).toHaveLength(378);
    const byId = new Map(problems.map((problem) => [problem.id, callTests(problem)]));
    expect(byId.get("Mbpp/2")![0]!.args).toEqual([
      { $tuple: [3, 4, 5, 6] },
      { $tuple: [5, 7, 4, 10] },
    ]);
    expect(byId.get("Mbpp/124")![0]).toMatchObject({
      args: [{ $float: "0" }, { $complex: "1j" }],
      atol: 1e-4,
    });
    expect(byId.get("Mbpp/580")![0]!.args).toEqual([
      { $tuple: [4, 5, { $tuple: [7, 6, { $tuple: [2, 4] }] }, 6, 8] },
    ]);
    expect(byId.get("Mbpp/793")).toHaveLength(3);
    // EvalPlus's special-cased tasks, by entry point (v0.2.0 dropped Mbpp/164 and Mbpp/295)
    const oracleOf = (id: string) => byId.get(id)![0]!.oracle;
    expect(oracleOf("Mbpp/2")).toBe("set_eq"); // similar_elements
    expect(oracleOf("Mbpp/581")).toBe("surface_Area");
    expect(oracleOf("Mbpp/558")).toBe("digit_distance_nums");
    expect(problems.filter((problem) => callTests(problem)[0]!.oracle === "not_none")).toHaveLength(
      3,
    );
    expect(oracleOf("Mbpp/3")).toBeUndefined();
    expect(byId.get("Mbpp/404")!.map((test) => test.args)).toContainEqual([
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });
});

describe("withExpectedOutputs", () => {
  const call = (id: string, args: unknown[], expected?: unknown): CallTest => ({
    kind: "call",
    id,
    problemId: "P/0",
    entryPoint: "f",
    args,
    ...(expected === undefined ? {} : { expected }),
  });
  const problem: Problem = {
    id: "P/0",
    prompt: "",
    entryPoint: "f",
    language: "python",
    tests: [call("a", [1]), call("b", [2], 4), call("c", [3])],
  };

  it("fills in the expected values that are missing, in order", async () => {
    const seen: unknown[][] = [];
    const [filled] = await withExpectedOutputs([problem], async (_, tests) => {
      seen.push(tests.map((test) => test.args));
      return tests.map((test) => (test.args[0] as number) * 2);
    });
    expect(seen).toEqual([[[1], [3]]]);
    expect(filled!.tests).toEqual([call("a", [1], 2), call("b", [2], 4), call("c", [3], 6)]);
    expect(problem.tests![0]).not.toHaveProperty("expected");
  });

  it("keeps only whether the output is not None for a not_none test", async () => {
    const notNone: Problem = {
      ...problem,
      tests: [call("a", [1]), call("b", [2])].map((test) => ({ ...test, oracle: "not_none" })),
    };
    const [filled] = await withExpectedOutputs([notNone], async () => [
      null,
      { $repr: "<re.Match object>", $type: "Match" },
    ]);
    expect((filled!.tests as CallTest[]).map((test) => test.expected)).toEqual([false, true]);
  });

  it("rejects a compute function that returns the wrong number of values", async () => {
    await expect(withExpectedOutputs([problem], async () => [1])).rejects.toMatchObject({
      code: "invalid-input",
      item: "P/0",
    });
  });
});
