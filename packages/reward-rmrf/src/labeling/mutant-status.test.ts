import { describe, expect, it } from "vitest";
import { killingStatuses, mutantStatus } from "./mutant-status.js";

describe("mutantStatus", () => {
  it("is no-coverage without covering tests, and the strongest outcome of the tests otherwise", () => {
    expect(mutantStatus([])).toBe("no-coverage");
    expect(mutantStatus([{ status: "pass" }, { status: "pass" }])).toBe("survived");
    expect(mutantStatus([{ status: "pass" }, { status: "error", errorType: "TypeError" }])).toBe(
      "incompetent",
    );
    expect(mutantStatus([{ status: "error", errorType: "TypeError" }, { status: "timeout" }])).toBe(
      "timeout",
    );
    expect(mutantStatus([{ status: "timeout" }, { status: "fail" }])).toBe("killed");
    expect(mutantStatus([{ status: "error", errorType: "ValueError" }])).toBe("killed");
    expect(mutantStatus([{ status: "oom" }])).toBe("killed");
  });

  it("counts timeouts and incompetent mutants as killed, as RM-RF's stored rates do", () => {
    expect([...killingStatuses].sort()).toEqual(["incompetent", "killed", "timeout"]);
  });
});
