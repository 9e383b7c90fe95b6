import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { CodermError } from "@coderm/core";
import { compilesInPython, resolvePython, runPython } from "@coderm/core/node";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { generateMutants, type Mutant, type MutantSet, mutationOperators } from "./mutants.js";

const dataDir = requireDataDir();

async function mutantsOf(code: string, maxMutants?: number): Promise<MutantSet> {
  const sets = await generateMutants([{ key: "focal", code }], { maxMutants });
  const set = sets.get("focal");
  if (set === undefined) throw new Error("no mutant set");
  return set;
}

const evaluator = `
import json, sys
request = json.load(sys.stdin)
values = []
for code in request["programs"]:
    scope = {"__name__": "focal"}
    try:
        exec(compile(code, "<focal>", "exec"), scope)
        values.append(repr(eval(request["probe"], scope)))
    except Exception as error:
        values.append(type(error).__name__)
print(json.dumps(values))
`;

/** The `repr` of `probe` after running each program (or the name of what it raised). */
async function evaluate(programs: string[], probe: string): Promise<string[]> {
  const { executable } = await resolvePython();
  return JSON.parse(
    await runPython(executable, evaluator, JSON.stringify({ programs, probe })),
  ) as string[];
}

function withDescription(set: MutantSet, description: string): Mutant {
  const found = set.mutants.filter((mutant) => mutant.description === description);
  expect(
    found.map((mutant) => mutant.description),
    description,
  ).toEqual([description]);
  return found[0]!;
}

/** One operator's example: the mutant described so must behave otherwise than the original. */
interface OperatorCase {
  operator: (typeof mutationOperators)[number];
  code: string;
  description: string;
  /** An expression whose value the mutant changes (or makes raise). */
  probe: string;
  line: number;
}

const cases: OperatorCase[] = [
  {
    operator: "arithmeticOperator",
    code: "def f(a, b):\n    return a + b\n",
    description: "`a + b` -> `a - b`",
    probe: "f(5, 3)",
    line: 2,
  },
  {
    operator: "arithmeticOperator",
    code: "def f(a, b):\n    x = a\n    x *= b\n    return x\n",
    description: "`x *= b` -> `x /= b`",
    probe: "f(6, 3)",
    line: 3,
  },
  {
    operator: "arithmeticOperator",
    code: "def f(a, b):\n    return a // b\n",
    description: "`a // b` -> `a / b`",
    probe: "f(7, 2)",
    line: 2,
  },
  {
    operator: "arithmeticOperator",
    code: "def f(a, b):\n    return a ** b\n",
    description: "`a ** b` -> `a * b`",
    probe: "f(3, 3)",
    line: 2,
  },
  {
    operator: "bitwiseOperator",
    code: "def f(a, b):\n    return a & b\n",
    description: "`a & b` -> `a | b`",
    probe: "f(6, 3)",
    line: 2,
  },
  {
    operator: "bitwiseOperator",
    code: "def f(a):\n    return a << 1\n",
    description: "`a << 1` -> `a >> 1`",
    probe: "f(6)",
    line: 2,
  },
  {
    operator: "comparisonOperator",
    code: "def f(a, b):\n    return a < b\n",
    description: "`a < b` -> `a >= b`",
    probe: "f(1, 2)",
    line: 2,
  },
  {
    operator: "comparisonOperator",
    code: "def f(a):\n    return a is None\n",
    description: "`a is None` -> `a is not None`",
    probe: "f(None)",
    line: 2,
  },
  {
    operator: "comparisonOperator",
    code: "def f(a, xs):\n    return a in xs\n",
    description: "`a in xs` -> `a not in xs`",
    probe: "f(1, [1])",
    line: 2,
  },
  {
    operator: "booleanOperator",
    code: "def f(a, b):\n    return a and b\n",
    description: "`a and b` -> `a or b`",
    probe: "f(0, 1)",
    line: 2,
  },
  {
    operator: "unaryOperator",
    code: "def f(a):\n    return not a\n",
    description: "`not a` -> `a`",
    probe: "f(True)",
    line: 2,
  },
  {
    operator: "unaryOperator",
    code: "def f(a):\n    return -a\n",
    description: "`-a` -> `a`",
    probe: "f(2)",
    line: 2,
  },
  {
    operator: "unaryOperator",
    code: "def f(a):\n    return +a\n",
    description: "`+a` -> `-a`",
    probe: "f(2)",
    line: 2,
  },
  {
    operator: "negateCondition",
    code: "def f(a):\n    if a > 0:\n        return 1\n    return 2\n",
    description: "`a > 0` -> `not a > 0`",
    probe: "f(1)",
    line: 2,
  },
  {
    operator: "negateCondition",
    code: "def f(a):\n    return 1 if a else 2\n",
    description: "`a` -> `not a`",
    probe: "f(True)",
    line: 2,
  },
  {
    operator: "negateCondition",
    code: "def f(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i\n",
    description: "`i < n` -> `not i < n`",
    probe: "f(3)",
    line: 3,
  },
  {
    operator: "negateCondition",
    code: "def f(xs):\n    return [x for x in xs if x]\n",
    description: "`x` -> `not x`",
    probe: "f([0, 1])",
    line: 2,
  },
  {
    operator: "constant",
    code: "def f(a):\n    return a + 10\n",
    description: "`10` -> `11`",
    probe: "f(0)",
    line: 2,
  },
  {
    operator: "constant",
    code: "def f(a):\n    return a + 10\n",
    description: "`10` -> `9`",
    probe: "f(0)",
    line: 2,
  },
  {
    operator: "constant",
    code: "def f(a):\n    return a * 0.5\n",
    description: "`0.5` -> `-0.5`",
    probe: "f(2)",
    line: 2,
  },
  {
    operator: "constant",
    code: "def f():\n    return 'ab'\n",
    description: "`'ab'` -> `'XXab'`",
    probe: "f()",
    line: 2,
  },
  {
    operator: "constant",
    code: "def f():\n    return ''\n",
    description: "`''` -> `'XX'`",
    probe: "f()",
    line: 2,
  },
  {
    operator: "constant",
    code: "def f():\n    return True\n",
    description: "`True` -> `False`",
    probe: "f()",
    line: 2,
  },
  {
    operator: "returnNone",
    code: "def f(a):\n    return a\n",
    description: "`return a` -> `return None`",
    probe: "f(1)",
    line: 2,
  },
  {
    operator: "statementDeletion",
    code: "def f(xs):\n    xs.append(1)\n    return xs\n",
    description: "`xs.append(1)` -> `pass`",
    probe: "f([])",
    line: 2,
  },
  {
    operator: "statementDeletion",
    code: "def f(xs):\n    for x in xs:\n        if x:\n            break\n    return x\n",
    description: "`break` -> `pass`",
    probe: "f([0, 1, 0])",
    line: 4,
  },
  {
    operator: "exceptionSwallowing",
    // (with one statement, or a return, swallowing would duplicate its deletion or returnNone)
    code: "def f(a):\n    result = 0\n    try:\n        result = int(a)\n    except ValueError:\n        a = '0'\n        result = -1\n    return result\n",
    description: "`except ValueError: a = '0'; result = -1` -> `except ValueError: pass`",
    probe: "f('x')",
    line: 6,
  },
  {
    operator: "exceptionSwallowing",
    code: "def f(a):\n    if a < 0:\n        raise ValueError('negative')\n    return a\n",
    description: "`raise ValueError('negative')` -> `pass`",
    probe: "f(-1)",
    line: 3,
  },
  {
    operator: "zeroIterationLoop",
    code: "def f(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n",
    description: "`for i in range(n)` -> `for i in []`",
    probe: "f(3)",
    line: 3,
  },
  {
    operator: "zeroIterationLoop",
    code: "def f(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i\n",
    description: "`while i < n` -> `while False`",
    probe: "f(3)",
    line: 3,
  },
  {
    operator: "sliceIndex",
    code: "def f(s):\n    return s[1:3]\n",
    description: "`s[1:3]` -> `s[:3]`",
    probe: "f('abcd')",
    line: 2,
  },
  {
    operator: "sliceIndex",
    code: "def f(s):\n    return s[1:3]\n",
    description: "`s[1:3]` -> `s[1:]`",
    probe: "f('abcd')",
    line: 2,
  },
  {
    operator: "sliceIndex",
    code: "def f(s):\n    return s[::2]\n",
    description: "`s[::2]` -> `s[:]`",
    probe: "f('abcd')",
    line: 2,
  },
];

describe("generateMutants", () => {
  let examples: Map<string, MutantSet>;
  beforeAll(async () => {
    examples = await generateMutants(
      [...new Set(cases.map((example) => example.code))].map((code) => ({ key: code, code })),
    );
  });

  it.each(cases)(
    "$operator: $description",
    async ({ operator, code, description, probe, line }) => {
      const set = examples.get(code)!;
      expect(set.error).toBeUndefined();
      const mutant = withDescription(set, description);
      expect(mutant).toMatchObject({ operator, line });
      const [before, after] = await evaluate([code, mutant.code], probe);
      expect(after).not.toEqual(before);
    },
  );

  it("covers every operator in the examples", () => {
    expect(new Set(cases.map((example) => example.operator))).toEqual(new Set(mutationOperators));
  });

  it("replaces each relational operator by every other one", async () => {
    const set = await mutantsOf("def f(a, b):\n    return a <= b\n");
    const comparisons = set.mutants
      .filter((mutant) => mutant.operator === "comparisonOperator")
      .map((mutant) => mutant.description);
    expect(comparisons).toEqual([
      "`a <= b` -> `a < b`",
      "`a <= b` -> `a > b`",
      "`a <= b` -> `a >= b`",
      "`a <= b` -> `a == b`",
      "`a <= b` -> `a != b`",
    ]);
  });

  it("skips what would mutate nothing: return None, pass, docstrings, the main guard's test", async () => {
    const code = [
      '"""The module\'s docstring."""',
      "",
      "",
      "def f(a):",
      '    """The function\'s docstring: 12."""',
      "    ...",
      "    pass",
      "    if a:",
      "        return None",
      "    return",
      "",
      "",
      'if __name__ == "__main__":',
      "    f(1)",
      "",
    ].join("\n");
    const set = await mutantsOf(code);
    expect(set.mutants.map((mutant) => mutant.description)).toEqual([
      "`a` -> `not a`",
      "`f(1)` -> `pass`",
      "`1` -> `2`",
      "`1` -> `0`",
    ]);
    for (const mutant of set.mutants) {
      expect(mutant.code).toContain('"""The module\'s docstring."""');
      expect(mutant.code).toContain('"""The function\'s docstring: 12."""');
      expect(mutant.code).toContain("if __name__ == '__main__':");
    }
  });

  it("drops mutants that compile to the original's bytecode or an earlier mutant's", async () => {
    const set = await mutantsOf(
      [
        "def f(a):",
        "    x = 2 + 0", // 2 - 0 folds to the same constant
        "    while 0:", // while False: the same dead loop
        "        a += 1",
        "    if a is None:", // not (a is None) compiles as a is not None
        "        return x",
        "    return a",
        "",
      ].join("\n"),
    );
    const descriptions = set.mutants.map((mutant) => mutant.description);
    expect(descriptions).not.toContain("`2 + 0` -> `2 - 0`");
    expect(descriptions).not.toContain("`while 0` -> `while False`");
    expect(descriptions).toContain("`a is None` -> `a is not None`");
    expect(descriptions).not.toContain("`a is None` -> `not a is None`");
    // real changes stay
    expect(descriptions).toContain("`x = 2 + 0` -> `pass`");
    expect(descriptions).toContain("`return x` -> `return None`");
    expect(set.dropped.equivalent).toBeGreaterThanOrEqual(2);
    expect(set.dropped.duplicate).toBeGreaterThanOrEqual(1);
    expect(set.total).toBe(set.mutants.length);
  });

  it("drops mutants that do not compile", async () => {
    // Deleting the only binding of a nonlocal name is a SyntaxError.
    const set = await mutantsOf(
      "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x += 1\n    g()\n    return x\n",
    );
    expect(set.dropped.uncompilable).toBe(1);
    expect(set.mutants.map((mutant) => mutant.description)).not.toContain("`x = 1` -> `pass`");
    expect(await compilesInPython(set.mutants.map((mutant) => mutant.code))).not.toContain(false);
  });

  it("gives lines of the original code, whatever unparse does to its formatting", async () => {
    const code = [
      "# a comment",
      "",
      "def f(a,",
      "      b):",
      "    # another comment",
      "",
      "    total = (a +",
      "             b)",
      "    return total",
      "",
    ].join("\n");
    const set = await mutantsOf(code);
    expect(withDescription(set, "`a + b` -> `a - b`")).toMatchObject({ line: 7, endLine: 8 });
    expect(withDescription(set, "`total = a + b` -> `pass`")).toMatchObject({
      line: 7,
      endLine: 8,
    });
    expect(withDescription(set, "`return total` -> `return None`")).toMatchObject({ line: 9 });
  });

  it("orders mutants by line, column and operator, with stable content ids", async () => {
    const code = cases.map((example) => example.code.replace("def f(", `def f${example.line}(`));
    const source = [...new Set(code)].join("\n");
    const first = await mutantsOf(source);
    const second = await mutantsOf(source);
    expect(second.mutants).toEqual(first.mutants);
    const ids = first.mutants.map((mutant) => mutant.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    const lines = first.mutants.map((mutant) => mutant.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    // a change elsewhere in the source changes every id (the code is part of it)
    const changed = await mutantsOf(`${source}\nVALUE = 1\n`);
    const changedIds = new Set(changed.mutants.map((mutant) => mutant.id));
    expect(ids.filter((id) => changedIds.has(id))).toEqual([]);
  });

  it("keeps an evenly spread subset under maxMutants and reports the count before it", async () => {
    const code = "def f(a, b, c):\n    return a + b < c * 2 and a - 1 > b\n";
    const all = await mutantsOf(code);
    expect(all.mutants.length).toBeGreaterThan(10);
    const capped = await mutantsOf(code, 5);
    expect(capped.total).toBe(all.mutants.length);
    expect(capped.mutants).toHaveLength(5);
    const indices = capped.mutants.map((mutant) =>
      all.mutants.findIndex((candidate) => candidate.id === mutant.id),
    );
    expect(indices).toEqual([0, 1, 2, 3, 4].map((rank) => Math.floor((rank * all.total) / 5)));
    expect((await mutantsOf(code, 0)).mutants).toEqual([]);
  });

  it("reports a source that does not parse without failing the batch", async () => {
    const sets = await generateMutants([
      { key: "broken", code: "def f(:\n    return 1\n" },
      { key: "fine", code: "def f(a):\n    return a + 1\n" },
    ]);
    expect(sets.get("broken")).toMatchObject({ mutants: [], total: 0 });
    expect(sets.get("broken")?.error).toMatch(/^SyntaxError: .*\(line 1\)$/);
    expect(sets.get("fine")?.error).toBeUndefined();
    expect(sets.get("fine")?.mutants.length).toBeGreaterThan(0);
  });

  it("rejects repeated keys, a bad maxMutants and an aborted signal", async () => {
    const source = { key: "a", code: "x = 1\n" };
    await expect(generateMutants([source, source])).rejects.toMatchObject({
      code: "invalid-input",
      item: "a",
    });
    await expect(generateMutants([source], { maxMutants: -1 })).rejects.toMatchObject({
      code: "invalid-input",
      field: "maxMutants",
    });
    const controller = new AbortController();
    controller.abort();
    await expect(generateMutants([source], { signal: controller.signal })).rejects.toMatchObject({
      code: "cancelled",
    });
    const error = await generateMutants([source], { python: "/nonexistent/python3" }).catch(
      (caught: unknown) => caught,
    );
    expect(CodermError.isInstance(error)).toBe(true);
    expect(await generateMutants([])).toEqual(new Map());
  });

  it("mutates all 164 HumanEval canonical solutions into programs that compile", async () => {
    const file = join(dataDir, "humaneval", "HumanEval.jsonl.gz");
    const problems = gunzipSync(await readFile(file))
      .toString("utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map(
        (line) =>
          JSON.parse(line) as { task_id: string; prompt: string; canonical_solution: string },
      );
    expect(problems).toHaveLength(164);
    const started = performance.now();
    const sets = await generateMutants(
      problems.map((problem) => ({
        key: problem.task_id,
        code: problem.prompt + problem.canonical_solution,
      })),
    );
    const seconds = (performance.now() - started) / 1000;
    const counts = [...sets.values()].map((set) => set.mutants.length);
    for (const set of sets.values()) {
      expect(set.error, set.key).toBeUndefined();
      expect(set.mutants.length, set.key).toBeGreaterThan(0);
    }
    const mutants = [...sets.values()].flatMap((set) => set.mutants);
    expect(await compilesInPython(mutants.map((mutant) => mutant.code))).not.toContain(false);
    expect(new Set(mutants.map((mutant) => mutant.id)).size).toBe(mutants.length);
    const sorted = [...counts].sort((a, b) => a - b);
    const dropped = { equivalent: 0, duplicate: 0, uncompilable: 0 };
    for (const set of sets.values()) {
      for (const reason of Object.keys(dropped) as (keyof typeof dropped)[]) {
        dropped[reason] += set.dropped[reason];
      }
    }
    const operators: Record<string, number> = {};
    for (const mutant of mutants)
      operators[mutant.operator] = (operators[mutant.operator] ?? 0) + 1;
    console.info(
      JSON.stringify({
        problems: counts.length,
        mutants: mutants.length,
        mean: mutants.length / counts.length,
        median: (sorted[81]! + sorted[82]!) / 2,
        min: sorted[0],
        max: sorted.at(-1),
        dropped,
        operators,
        seconds,
      }),
    );
  });
});
