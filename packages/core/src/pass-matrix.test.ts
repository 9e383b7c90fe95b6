import { describe, expect, it } from "vitest";
import { CodermError } from "./errors.js";
import { PassMatrix } from "./pass-matrix.js";

describe("PassMatrix", () => {
  it("fills in as verdicts stream and reports completeness", () => {
    const matrix = new PassMatrix("p", ["a", "b", "a"], ["t1", "t2"]);
    expect(matrix.complete).toBe(false);
    expect(matrix.get(0, 0)).toBeUndefined();
    matrix.set(0, 0, "pass");
    matrix.set(0, 1, "fail");
    matrix.set(1, 0, "timeout");
    matrix.set(1, 1, "pass");
    matrix.set(2, 0, "pass");
    expect(matrix.complete).toBe(false);
    matrix.set(2, 1, "fail");
    matrix.set(2, 1, "fail");
    expect(matrix.complete).toBe(true);
    expect(matrix.passKey(0)).toBe("10");
    expect(matrix.passKey(0)).toBe(matrix.passKey(2));
    expect(matrix.passCount(1)).toBe(1);
    expect(matrix.passCount(1, [0])).toBe(0);
    expect(matrix.get(1, 0)).toBe("timeout");
  });

  it("round-trips through its serialized form", () => {
    const matrix = new PassMatrix("p", ["a", "b"], ["t1", "t2", "t3"]);
    matrix.set(0, 0, "pass");
    matrix.set(0, 2, "tampered");
    matrix.set(1, 1, "oom");
    const data = matrix.toJSON();
    expect(data.rows).toEqual(["P.X", ".O."]);
    const copy = PassMatrix.fromJSON(JSON.parse(JSON.stringify(data)));
    expect(copy.toJSON()).toEqual(data);
    expect(copy.known(0, 1)).toBe(false);
  });

  it("selects sub-matrices", () => {
    const matrix = new PassMatrix("p", ["a", "b"], ["t1", "t2", "t3"]);
    matrix.set(1, 2, "pass");
    const sub = matrix.select([1], [2, 0]);
    expect(sub.candidateIds).toEqual(["b"]);
    expect(sub.testIds).toEqual(["t3", "t1"]);
    expect(sub.toJSON().rows).toEqual(["P."]);
  });

  it("rejects out-of-range cells and malformed data", () => {
    const matrix = new PassMatrix("p", ["a"], ["t"]);
    expect(() => matrix.set(1, 0, "pass")).toThrow(CodermError);
    expect(() =>
      PassMatrix.fromJSON({ problemId: "p", candidateIds: ["a"], testIds: ["t"], rows: ["PP"] }),
    ).toThrow(/rows\[0\]/);
    expect(() =>
      PassMatrix.fromJSON({ problemId: "p", candidateIds: ["a"], testIds: ["t"], rows: ["Q"] }),
    ).toThrow();
  });

  it("handles empty matrices", () => {
    const matrix = new PassMatrix("p", [], []);
    expect(matrix.complete).toBe(true);
    expect(matrix.toJSON().rows).toEqual([]);
  });
});
