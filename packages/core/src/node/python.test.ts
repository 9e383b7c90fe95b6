import { describe, expect, it } from "vitest";
import { CodermError } from "../errors.js";
import { resolvePython, runPython } from "./python.js";

describe("resolvePython", () => {
  it("resolves the real interpreter once and reports its version", async () => {
    const first = await resolvePython();
    expect(first.executable).toMatch(/python3/);
    expect(first.version).toMatch(/^3\.\d+\.\d+/);
    expect(await resolvePython()).toBe(first);
    expect(
      (await runPython(first.executable, "import sys; print(sys.executable)", "")).trim(),
    ).toBe(first.executable);
  });

  it("fails with a clear error for a missing interpreter", async () => {
    const error = await resolvePython("/nonexistent/python9").catch((caught: unknown) => caught);
    expect(CodermError.isInstance(error)).toBe(true);
    expect((error as CodermError).message).toContain("CODERM_PYTHON");
  });

  it("passes stdin and reports a failing script", async () => {
    const { executable } = await resolvePython();
    expect(await runPython(executable, "import sys; print(sys.stdin.read()[::-1])", "abc")).toBe(
      "cba\n",
    );
    await expect(runPython(executable, "raise SystemExit(3)", "")).rejects.toThrow(/exited with 3/);
  });
});
