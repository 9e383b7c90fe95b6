import { describe, expect, it } from "vitest";
import { CodermError } from "./errors.js";

describe("CodermError", () => {
  it("names the location in its message", () => {
    const error = new CodermError("invalid-input", "expected a string", {
      file: "a.jsonl",
      line: 3,
      field: "task_id",
    });
    expect(error.message).toBe('a.jsonl:3, field "task_id": expected a string');
    expect(error.code).toBe("invalid-input");
    expect(error.line).toBe(3);
    expect(new CodermError("not-found", "unknown task", { item: "HumanEval/999" }).message).toBe(
      "item HumanEval/999: unknown task",
    );
  });

  it("is recognized across copies by isInstance", () => {
    expect(CodermError.isInstance(new CodermError("internal", "x"))).toBe(true);
    expect(CodermError.isInstance(new Error("x"))).toBe(false);
    expect(CodermError.isInstance({ code: "internal" })).toBe(false);
    expect(CodermError.isInstance(null)).toBe(false);
  });
});
