import { describe, expect, it } from "vitest";
import { extractCodetSolution, extractCodetTests } from "./codet-extraction.js";

describe("extractCodetSolution", () => {
  it("cuts the completion before the first stop token", () => {
    expect(extractCodetSolution("    return x\n\ndef helper():\n    pass\n")).toBe(
      "    return x\n",
    );
    expect(extractCodetSolution("    return x\nif __name__ == '__main__':\n")).toBe("    return x");
    expect(extractCodetSolution("    return x\n#c\nclass A:\n")).toBe("    return x");
    expect(extractCodetSolution("    print(x)\nprint(y)\n")).toBe("    print(x)");
    expect(extractCodetSolution("    # note\n    return x\n\n")).toBe(
      "    # note\n    return x\n\n",
    );
  });
});

describe("extractCodetTests", () => {
  it("splits on `assert `, keeps pieces that call the entry point, truncates, strips and compiles them", async () => {
    const completion = [
      "add(1, 2) == 3",
      "assert add(2, 2) == 4, 'sum'",
      "assert other(1) == 1",
      "assert add(1,\n    1) == 2",
      "assert add(3 == \n\n# done",
      "assert add(0, 0) == 0\nprint('x')",
    ].join("\n");
    const tests = await extractCodetTests([
      { completion, entryPoint: "add" },
      { completion: "\n", entryPoint: "add" },
      { completion: "x = add(1)\nassert x == 2", entryPoint: "add" },
      { completion: "add(1) == 1\x1c\nassert add(2) == 2\ufeff", entryPoint: " add " },
    ]);
    expect(tests).toEqual([
      [
        "assert add(1, 2) == 3",
        "assert add(2, 2) == 4, 'sum'",
        "assert add(1,\n    1) == 2",
        "assert add(0, 0) == 0",
      ],
      [],
      [],
      // Python's strip() removes \x1c but not a byte-order mark, which then fails to compile.
      ["assert add(1) == 1"],
    ]);
  });

  it("says how to point at Python when it cannot start it", async () => {
    await expect(
      extractCodetTests([{ completion: "f(1) == 1", entryPoint: "f" }], {
        python: "/no/such/python",
      }),
    ).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringContaining("set CODERM_PYTHON"),
    });
  });
});
