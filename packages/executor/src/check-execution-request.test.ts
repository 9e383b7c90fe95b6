import type { ExecutionRequest, UnitTest } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { checkExecutionRequest } from "./check-execution-request.js";

const test: UnitTest = { id: "t", problemId: "p", kind: "assert", code: "assert True" };
const valid = (): ExecutionRequest => ({
  candidate: { id: "c", problemId: "p", code: "x = 1" },
  tests: [test],
  limits: { timeMs: 100, memoryMb: 64, outputBytes: 0 },
});

function failure(raw: unknown, index = 0): unknown {
  try {
    checkExecutionRequest(raw as ExecutionRequest, index);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("checkExecutionRequest", () => {
  it("returns a valid request as it is", () => {
    const request = valid();
    expect(checkExecutionRequest(request, 0)).toBe(request);
    expect(checkExecutionRequest({ ...request, language: "typescript" }, 0).language).toBe(
      "typescript",
    );
  });

  it("names the request and the field of each problem", () => {
    expect(failure({ ...valid(), limits: { timeMs: 100, memoryMb: 64 } })).toMatchObject({
      code: "invalid-input",
      item: "c",
      field: "limits.outputBytes",
    });
    expect(failure({ ...valid(), candidate: { problemId: "p", code: "" } }, 7)).toMatchObject({
      item: "#7",
      field: "candidate.id",
    });
    expect(failure({ ...valid(), tests: [test, { ...test, code: "\ud800" }] })).toMatchObject({
      field: "tests[1].code",
    });
    expect(
      failure({
        ...valid(),
        tests: [{ id: "u", problemId: "p", kind: "stdio", stdin: "\udc00", expectedStdout: "" }],
      }),
    ).toMatchObject({
      field: "tests[0].stdin",
      message: expect.stringContaining("lone surrogates"),
    });
    expect(failure({ ...valid(), language: "cobol" })).toMatchObject({ field: "language" });
    expect(failure({ ...valid(), tests: "none" })).toMatchObject({ field: "tests" });
    expect(failure(null, 3)).toMatchObject({ item: "#3" });
  });

  it("checks each test object once", () => {
    const shared: UnitTest = { id: "s", problemId: "p", kind: "assert", code: "assert True" };
    checkExecutionRequest({ ...valid(), tests: [shared] }, 0);
    // A checked test object is not checked again, even if it was changed since.
    (shared as { code: unknown }).code = 42;
    expect(() => checkExecutionRequest({ ...valid(), tests: [shared] }, 0)).not.toThrow();
    expect(failure({ ...valid(), tests: [{ ...shared }] })).toMatchObject({
      field: "tests[0].code",
    });
  });
});
