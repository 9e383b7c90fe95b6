import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { loadProblems } from "./load.js";
import { readMbppFull } from "./mbpp.js";

requireDataDir();

describe("sanitized MBPP", () => {
  it("loads 427 problems with one assert test per assertion", async () => {
    const problems = await loadProblems("mbpp");
    expect(problems).toHaveLength(427);
    expect(problems.reduce((sum, problem) => sum + problem.tests!.length, 0)).toBe(1324);
    const [first] = problems;
    expect(first).toMatchObject({
      id: "Mbpp/2",
      prompt:
        '"""\nWrite a function to find the shared elements from the given two lists.\n' +
        'assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))\n"""\n',
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

  it("puts each problem as EvalPlus does: the prompt of every task MBPP+ shares is MBPP+'s", async () => {
    const sanitized = new Map((await loadProblems("mbpp")).map((problem) => [problem.id, problem]));
    const plus = await loadProblems("mbpp+");
    expect(plus).toHaveLength(378);
    for (const problem of plus) expect(sanitized.get(problem.id)!.prompt).toBe(problem.prompt);
    // a web link in the description is left out, as EvalPlus leaves it out
    expect(sanitized.get("Mbpp/734")!.prompt).not.toContain("http");
  });

  it("puts each problem as CodeT does with the codet prompt style", async () => {
    const byId = new Map(
      (await loadProblems("mbpp", { promptStyle: "codet" })).map((problem) => [
        problem.id,
        problem,
      ]),
    );
    expect(byId.get("Mbpp/3")).toMatchObject({
      prompt:
        "import math\ndef is_not_prime(n):\n    '''\n    Write a python function to identify non-prime numbers.\n    '''\n",
      entryPoint: "is_not_prime",
    });
    // CodeT's entry point is the first function of the reference code, here a helper
    expect(byId.get("Mbpp/6")!.entryPoint).toBe("is_Power_Of_Two");
    expect(byId.get("Mbpp/6")!.prompt).toMatch(/^def is_Power_Of_Two \(x\): ?\n {4}'''\n/);
    // the ground truth is the same whatever the style
    const evalplus = (await loadProblems("mbpp")).find((problem) => problem.id === "Mbpp/6")!;
    expect(byId.get("Mbpp/6")!.tests).toEqual(evalplus.tests);
  });

  it("refuses a prompt style for a dataset that has none", async () => {
    const error = await loadProblems("humaneval", { promptStyle: "codet" }).catch((e) => e);
    expect(CodermError.isInstance(error)).toBe(true);
    expect((error as CodermError).message).toMatch(/prompt style .* not humaneval's/);
    expect((error as CodermError).field).toBe("promptStyle");
  });
});

describe("original MBPP (mbpp.jsonl)", () => {
  // Three tasks in the upstream file's shape: Windows line endings in the code, a setup line,
  // a challenge list that is not ground truth.
  const rows = [
    {
      text: "Write a function to find the minimum cost path.",
      code: "R = 3\r\nC = 3\r\ndef min_cost(cost, m, n):\r\n\treturn cost[m][n]",
      task_id: 1,
      test_setup_code: "",
      test_list: ["assert min_cost([[1, 2, 3], [4, 8, 2], [1, 5, 3]], 2, 2) == 3"],
      challenge_test_list: [],
    },
    {
      text: "Write a function to add two numbers. See https://example.org/add",
      code: "import math\r\ndef add(a, b):\r\n  return a + b",
      task_id: 11,
      test_setup_code: "import math",
      test_list: ["assert add(1, 2) == 3", "assert add(2, 2) == 4"],
      challenge_test_list: ["assert add(10**9, 1) == 10**9 + 1"],
    },
    {
      text: "Write a function to double a number.",
      code: "def double(x):\r\n  return 2 * x",
      task_id: 700,
      test_setup_code: "",
      test_list: ["assert double(2) == 4"],
      challenge_test_list: [],
    },
  ];

  async function fixture(lines: string[]): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), "coderm-mbpp-"));
    const path = join(directory, "mbpp.jsonl");
    await writeFile(path, `${lines.join("\n")}\n`);
    return path;
  }

  it("reads every task with its split, setup code above each test and no challenge tests", async () => {
    const problems = await readMbppFull(await fixture(rows.map((row) => JSON.stringify(row))));
    expect(problems.map((problem) => [problem.id, problem.metadata?.split])).toEqual([
      ["Mbpp/1", "prompt"],
      ["Mbpp/11", "test"],
      ["Mbpp/700", "train"],
    ]);
    const add = problems[1]!;
    expect(add).toMatchObject({
      entryPoint: "add",
      prompt: '"""\nWrite a function to add two numbers. See \nassert add(1, 2) == 3\n"""\n',
      canonicalSolution: "import math\ndef add(a, b):\n  return a + b",
    });
    expect(add.tests!.map((test) => (test.kind === "assert" ? test.code : ""))).toEqual([
      "import math\nassert add(1, 2) == 3",
      "import math\nassert add(2, 2) == 4",
    ]);
    expect(problems[0]!.entryPoint).toBe("min_cost");
  });

  it("puts a task as CodeT does with the codet style", async () => {
    const [first] = await readMbppFull(await fixture([JSON.stringify(rows[0])]), "codet");
    expect(first!.prompt).toBe(
      "R = 3\nC = 3\ndef min_cost(cost, m, n):\n    '''\n    Write a function to find the minimum cost path.\n    '''\n",
    );
  });

  it("names the file, line and field of a malformed task", async () => {
    const path = await fixture([
      JSON.stringify(rows[0]),
      JSON.stringify({ ...rows[1], test_list: "assert add(1, 2) == 3" }),
    ]);
    const error = await readMbppFull(path).catch((e) => e);
    expect(CodermError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: path, line: 2, field: "test_list" });
    const broken = await fixture(["{not json"]);
    expect(await readMbppFull(broken).catch((e) => e)).toMatchObject({
      code: "parse-error",
      file: broken,
      line: 1,
    });
  });
});
