import { describe, expect, it } from "vitest";
import { boundedLog, executionLog, executionLogLimit } from "./simulation.js";

const verdict = { candidateId: "c", testId: "t", wallMs: 1, cpuMs: 1 };

describe("the execution log the judge reads", () => {
  it("is the program's output, then how it ended when it did not end well", () => {
    expect(executionLog({ ...verdict, status: "pass", output: "1\n2\n" })).toBe("1\n2");
    expect(
      executionLog({
        ...verdict,
        status: "error",
        output: "1\n",
        errorType: "ZeroDivisionError",
        message: "division by zero",
      }),
    ).toBe("1\nZeroDivisionError: division by zero");
    expect(executionLog({ ...verdict, status: "timeout" })).toBe("Timeout");
    expect(executionLog({ ...verdict, status: "oom", output: "x" })).toBe(
      "x\nMemoryError: the program ran out of memory",
    );
  });

  it("keeps its two ends around ' ... ' past 5,000 characters", () => {
    const short = "a".repeat(executionLogLimit);
    expect(boundedLog(short)).toBe(short);
    const long = `${"a".repeat(4000)}${"b".repeat(4000)}`;
    const bounded = boundedLog(long);
    expect(bounded).toBe(`${"a".repeat(2500)} ... ${"b".repeat(2500)}`);
  });
});
