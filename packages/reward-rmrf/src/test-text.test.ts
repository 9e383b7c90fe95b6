import type { UnitTest } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { pythonLiteral, testSourceText } from "./test-text.js";

const base = { id: "t", problemId: "p" };

describe("testSourceText", () => {
  it("writes each test kind as the Python a test file would hold", () => {
    const tests: [UnitTest, string][] = [
      [{ ...base, kind: "assert", code: "assert f(1) == 2" }, "assert f(1) == 2"],
      [
        {
          ...base,
          kind: "check",
          entryPoint: "f",
          code: "def check(candidate):\n    assert candidate(1) == 2\n",
        },
        "def check(candidate):\n    assert candidate(1) == 2\n\ncheck(f)\n",
      ],
      [
        {
          ...base,
          kind: "call",
          entryPoint: "f",
          args: [[1, 2], "a\nb", null],
          expected: { $tuple: [true] },
        },
        'assert f([1, 2], "a\\nb", None) == (True,)',
      ],
      [
        { ...base, kind: "call", entryPoint: "f", args: [0.5], expected: 1.5, atol: 1e-6 },
        "assert abs(f(0.5) - 1.5) <= 0.000001",
      ],
      [{ ...base, kind: "call", entryPoint: "f", args: [] }, "f()"],
      [
        { ...base, kind: "stdio", stdin: "1 2\n", expectedStdout: "3\n" },
        'assert run_program(stdin="1 2\\n") == "3\\n"',
      ],
    ];
    for (const [test, text] of tests) expect(testSourceText(test)).toBe(text);
  });
});

describe("pythonLiteral", () => {
  it("writes the carried Python values as literals", () => {
    expect(pythonLiteral({ $set: [] })).toBe("set()");
    expect(pythonLiteral({ $set: [1, 2] })).toBe("{1, 2}");
    expect(pythonLiteral({ $tuple: [] })).toBe("()");
    expect(pythonLiteral({ $float: "2.0" })).toBe("2.0");
    expect(pythonLiteral({ $dict: [["1", 2]] })).toBe('{"1": 2}');
    expect(pythonLiteral({ a: [Number.NaN, Number.POSITIVE_INFINITY, -Infinity] })).toBe(
      '{"a": [float("nan"), float("inf"), -float("inf")]}',
    );
    expect(pythonLiteral(12345678901234567890n)).toBe("12345678901234567890");
  });
});
