import { describe, expect, it } from "vitest";
import { CodermError } from "./errors.js";
import { average, bootstrapInterval, passAtK } from "./statistics.js";

/** The definition, 1 - C(n-c, k) / C(n, k), with exact big-integer binomials. */
function passAtKByBinomials(n: number, c: number, k: number): number {
  const choose = (a: number, b: number): bigint => {
    if (b < 0 || b > a) return 0n;
    let result = 1n;
    for (let i = 0; i < b; i++) result = (result * BigInt(a - i)) / BigInt(i + 1);
    return result;
  };
  const failing = choose(n - c, k);
  const all = choose(n, k);
  return 1 - Number((failing * 10n ** 15n) / all) / 1e15;
}

describe("passAtK", () => {
  it("matches the binomial definition", () => {
    for (const [n, c, k] of [
      [100, 0, 1],
      [100, 37, 1],
      [100, 37, 10],
      [100, 5, 100],
      [200, 13, 50],
      [10, 10, 3],
    ] as const) {
      expect(passAtK(n, c, k)).toBeCloseTo(passAtKByBinomials(n, c, k), 12);
    }
  });

  it("is c/n for k = 1 and 1 when fewer than k fail", () => {
    expect(passAtK(100, 22, 1)).toBeCloseTo(0.22, 14);
    expect(passAtK(10, 8, 3)).toBe(1);
  });

  it("rejects impossible arguments", () => {
    expect(() => passAtK(5, 6, 1)).toThrow(CodermError);
    expect(() => passAtK(5, 2, 6)).toThrow(/at least 6 samples/);
    expect(() => passAtK(5, 2, 0)).toThrow(CodermError);
  });
});

describe("bootstrapInterval", () => {
  it("brackets the mean and is reproducible under a seed", () => {
    const values = Array.from({ length: 200 }, (_, index) => (index % 7) / 7);
    const first = bootstrapInterval(values, { seed: 3 });
    expect(first.mean).toBeCloseTo(average(values), 14);
    expect(first.low).toBeLessThan(first.mean);
    expect(first.high).toBeGreaterThan(first.mean);
    expect(bootstrapInterval(values, { seed: 3 })).toEqual(first);
    const wider = bootstrapInterval(values, { seed: 3, confidence: 0.99 });
    expect(wider.high - wider.low).toBeGreaterThan(first.high - first.low);
  });

  it("collapses for constant or single values", () => {
    expect(bootstrapInterval([0.5, 0.5, 0.5])).toEqual({ mean: 0.5, low: 0.5, high: 0.5 });
    expect(bootstrapInterval([0.2])).toEqual({ mean: 0.2, low: 0.2, high: 0.2 });
  });
});
