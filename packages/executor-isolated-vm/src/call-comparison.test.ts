import { describe, expect, it } from "vitest";
import { callResultMatches } from "./call-comparison.js";

describe("callResultMatches", () => {
  it("compares strictly and deeply: types, arrays, plain objects", () => {
    expect(callResultMatches(42, 42)).toBe(true);
    expect(callResultMatches(0, -0)).toBe(true);
    expect(callResultMatches(Number.NaN, Number.NaN)).toBe(true);
    expect(callResultMatches("42", 42)).toBe(false);
    expect(callResultMatches(42n, 42)).toBe(false);
    expect(callResultMatches(undefined, null)).toBe(false);
    expect(callResultMatches(true, 1)).toBe(false);
    expect(callResultMatches([1, [2, { a: "x" }]], [1, [2, { a: "x" }]])).toBe(true);
    expect(callResultMatches([1, 2], [1, 2, 3])).toBe(false);
    expect(callResultMatches({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(callResultMatches({ a: 1, b: undefined }, { a: 1 })).toBe(false);
    // biome-ignore lint/suspicious/noSparseArray: a hole differs from an undefined item
    expect(callResultMatches([1, , 3], [1, undefined, 3])).toBe(false);
    expect(callResultMatches(new Map([["a", 1]]), { a: 1 })).toBe(false);
    expect(callResultMatches(new Date(0), "1970-01-01T00:00:00.000Z")).toBe(false);
    expect(callResultMatches(new Uint8Array([1]), [1])).toBe(false);
  });

  it("allows the evalplus tolerance where the expected value is fractional or atol is given", () => {
    expect(callResultMatches(0.1 + 0.2, 0.3)).toBe(true);
    expect(callResultMatches([0.1 + 0.2, 1], [0.3, 1])).toBe(true);
    expect(callResultMatches(0.3001, 0.3)).toBe(false);
    expect(callResultMatches(3.0000001, 3)).toBe(false);
    expect(callResultMatches(3.0001, 3, 1e-3)).toBe(true);
    expect(callResultMatches("0.3", 0.3)).toBe(false);
    expect(callResultMatches([0.3], 0.3)).toBe(false);
    expect(callResultMatches(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1e-3)).toBe(true);
  });
});
