import { describe, expect, it } from "vitest";
import { createPythonCodeAnalyzer } from "./code-analysis.js";

const analyzer = createPythonCodeAnalyzer();
const analyze = async (code: string) => (await analyzer.analyze([code]))[0]!;

describe("createPythonCodeAnalyzer: the function and its segments", () => {
  it("cuts after a print that reads a value, keeps consecutive prints together, and cuts at indentation drops", async () => {
    const code = [
      "def running_total(numbers):",
      "    total = 0",
      "    for number in numbers:",
      "        total += number",
      '        print("total", total)',
      "        print(number)",
      "    checked = total > 3",
      '    print(f"checked {checked}")',
      "    if checked:",
      "        return total",
      "    return -total",
    ].join("\n");
    const { segments, function: body } = await analyze(code);
    expect(body).toBe(code);
    expect(segments).toEqual([
      [
        "def running_total(numbers):",
        "    total = 0",
        "    for number in numbers:",
        "        total += number",
        '        print("total", total)',
        "        print(number)",
      ].join("\n"),
      // the indentation drops from 8 to 4: a new segment
      ["    checked = total > 3", '    print(f"checked {checked}")'].join("\n"),
      ["    if checked:", "        return total"].join("\n"),
      "    return -total",
    ]);
    expect(segments!.join("\n")).toBe(code);
  });

  it("does not cut after a print of constants only, and keeps comments with the statement after them", async () => {
    const code = [
      "def greet(name):",
      '    print("hello", 1, end="")',
      "    # the greeting",
      '    text = "hi " + name',
      "    print(text)",
      "    return text",
    ].join("\n");
    const { segments } = await analyze(code);
    expect(segments).toEqual([
      [
        "def greet(name):",
        '    print("hello", 1, end="")',
        "    # the greeting",
        '    text = "hi " + name',
        "    print(text)",
      ].join("\n"),
      "    return text",
    ]);
  });

  it("reads a statement that spans lines as one logical line", async () => {
    const code = [
      "def pairs(items):",
      "    result = [",
      "        (a, b)",
      "        for a in items",
      "        for b in items",
      "    ]",
      "    print(len(result))",
      "    return result",
    ].join("\n");
    const { segments } = await analyze(code);
    // the lines of the list are indented deeper, and the `]` line less, yet none of them starts a
    // logical line: no cut inside the statement
    expect(segments).toEqual([code.split("\n").slice(0, 7).join("\n"), "    return result"]);
  });

  it("takes the code through the last top-level definition as the function, the rest as the suffix", async () => {
    const code = [
      "import math",
      "",
      "def helper(x):",
      "    return math.sqrt(x)",
      "",
      "def root_sum(values):",
      "    return sum(helper(v) for v in values)",
      "",
      "print(root_sum([1, 4]))",
      "print(root_sum([]))",
    ].join("\n");
    const analysis = await analyze(code);
    expect(analysis.parses).toBe(true);
    expect(analysis.function).toBe(code.split("\n").slice(0, 7).join("\n"));
    expect(analysis.suffix).toBe("print(root_sum([1, 4]))\nprint(root_sum([]))");
    expect(analysis.segments!.join("\n")).toBe(analysis.function);
  });

  it("cuts code without a definition as a whole, and reports code that does not parse", async () => {
    const [plain, broken] = await analyzer.analyze([
      "x = int('3')\nprint(x)\ny = x + 1",
      "def f(:\n    pass",
    ]);
    expect(plain).toEqual({ parses: true, segments: ["x = int('3')\nprint(x)", "y = x + 1"] });
    expect(broken).toEqual({ parses: false });
    expect(await analyzer.analyze([])).toEqual([]);
  });
});
