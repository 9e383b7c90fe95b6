import { describe, expect, it } from "vitest";
import { assertWrapper, checkWrapper, isIdentifier, needsSloppyMode } from "./test-programs.js";

describe("test programs", () => {
  it("wrap a program so its first line stays line 1 after the wrapper's line", () => {
    expect(assertWrapper("a()\nb()", true).split("\n").slice(1, 3)).toEqual(["a()", "b()"]);
    expect(assertWrapper("a()", true)).toContain('"use strict";');
    expect(assertWrapper("a()", false)).not.toContain("use strict");
    expect(checkWrapper("function check(c) {}", "f", true)).toContain("const $candidate = f;");
  });

  it("take only plain identifiers as entry points", () => {
    expect(isIdentifier("hasCloseElements")).toBe(true);
    expect(isIdentifier("$_x1")).toBe(true);
    for (const name of ["a.b", "f()", "1f", "class", "", "a-b", "f; evil()"])
      expect(isIdentifier(name), name).toBe(false);
  });

  it("rerun sloppy only a test that assigns the name strict mode found undefined", () => {
    const code = "result = f(2);\nfor (i = 0; i < 3; i++) total += i;\nconst g = (x) => x;";
    expect(needsSloppyMode(code, "ReferenceError", "result is not defined")).toBe(true);
    expect(needsSloppyMode(code, "ReferenceError", "i is not defined")).toBe(true);
    expect(needsSloppyMode(code, "ReferenceError", "total is not defined")).toBe(true);
    expect(needsSloppyMode(code, "ReferenceError", "f is not defined")).toBe(false);
    expect(needsSloppyMode(code, "ReferenceError", "x is not defined")).toBe(false);
    expect(needsSloppyMode("if (result == 2) {}", "ReferenceError", "result is not defined")).toBe(
      false,
    );
    expect(needsSloppyMode(code, "TypeError", "result is not defined")).toBe(false);
  });
});
