import { describe, expect, it } from "vitest";
import { extractResponseCode } from "./response-code.js";

const answer =
  "<think>try:\n```python\ndef f(): return 0\n```\n</think>First a sketch:\n```text\nplan\n```\n```python\ndef f(): return 1\n```\nAnd a usage:\n```\nf()\n```\n";

describe("extractResponseCode", () => {
  it("takes the last python block after the reasoning by default", () => {
    expect(extractResponseCode(answer)).toBe("def f(): return 1\n");
    expect(extractResponseCode("```\nx = 1\n```")).toBe("x = 1\n");
  });

  it("applies each named rule", () => {
    expect(extractResponseCode(answer, "first-python-block")).toBe("def f(): return 1\n");
    expect(extractResponseCode(answer, "livecodebench")).toBe("f()");
    expect(extractResponseCode("print(1)", "whole-text")).toBe("print(1)");
  });

  it("finds no code in a response without a block, or with only reasoning", () => {
    expect(extractResponseCode("I would return 1.")).toBeUndefined();
    expect(extractResponseCode("<think>```python\nx = 1\n```</think>")).toBeUndefined();
    expect(extractResponseCode("```python\n\n```")).toBeUndefined();
  });
});
