import { CodermError, createRandom } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { allocateEqual, allocateGreedy } from "./allocate.js";

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** A gain curve rising by `step` per test, with `capacity` tests. */
const linear = (step: number, capacity: number) =>
  Array.from({ length: capacity + 1 }, (_, k) => step * k);

describe("allocateEqual", () => {
  it("gives one test each to `budget` problems when the budget is smaller than the problem count", () => {
    const counts = allocateEqual([3, 3, 3, 3, 3], 3, createRandom(1));
    expect(sum(counts)).toBe(3);
    expect(counts.every((count) => count === 0 || count === 1)).toBe(true);
    expect(counts.filter((count) => count === 1)).toHaveLength(3);
  });

  it("is deterministic for a seed and can choose differently under other seeds", () => {
    const capacities = [2, 2, 2, 2, 2, 2];
    expect(allocateEqual(capacities, 2, createRandom("a"))).toEqual(
      allocateEqual(capacities, 2, createRandom("a")),
    );
    const outcomes = new Set(
      Array.from({ length: 20 }, (_, seed) =>
        allocateEqual(capacities, 2, createRandom(seed)).join(","),
      ),
    );
    expect(outcomes.size).toBeGreaterThan(1);
  });

  it("spreads full rounds evenly", () => {
    expect(allocateEqual([4, 4, 4], 6, createRandom(0))).toEqual([2, 2, 2]);
  });

  it("never gives tests to a problem without tests and spends its share elsewhere", () => {
    for (let seed = 0; seed < 10; seed++) {
      const counts = allocateEqual([0, 2, 2, 0], 3, createRandom(seed));
      expect(counts[0]).toBe(0);
      expect(counts[3]).toBe(0);
      expect(sum(counts)).toBe(3);
      expect(counts[1]! + counts[2]!).toBe(3);
    }
  });

  it("respects capacities and leaves a budget beyond all tests unspent", () => {
    expect(allocateEqual([1, 3, 0, 2], 100, createRandom(0))).toEqual([1, 3, 0, 2]);
    const counts = allocateEqual([1, 5, 2], 6, createRandom(3));
    expect(counts).toEqual([1, 3, 2]);
  });

  it("returns zeros for a zero budget", () => {
    expect(allocateEqual([2, 2], 0, createRandom(0))).toEqual([0, 0]);
  });

  it("rejects a negative or fractional budget and bad capacities", () => {
    expect(() => allocateEqual([1, 2], -1, createRandom(0))).toThrow(CodermError);
    expect(() => allocateEqual([1, 2], 1.5, createRandom(0))).toThrow(CodermError);
    expect(() => allocateEqual([1, 2], Number.NaN, createRandom(0))).toThrow(CodermError);
    expect(() => allocateEqual([1, -2], 1, createRandom(0))).toThrow(CodermError);
    expect(() => allocateEqual([1, 0.5], 1, createRandom(0))).toThrow(CodermError);
  });
});

describe("allocateGreedy", () => {
  it("gives tests to the problem with the larger gain", () => {
    expect(allocateGreedy([linear(0.1, 3), linear(0.3, 3)], 2, createRandom(0))).toEqual([0, 2]);
    // Once the better problem runs out of tests the rest goes to the other one.
    expect(allocateGreedy([linear(0.1, 3), linear(0.3, 3)], 5, createRandom(0))).toEqual([2, 3]);
  });

  it("looks ahead past a flat start to a later rise", () => {
    // Problem 0 gains nothing from its first test but 0.9 from two; problem 1 gains 0.1 at once.
    const gains = [
      [0, 0, 0.9],
      [0, 0.1, 0.15],
    ];
    expect(allocateGreedy(gains, 2, createRandom(0))).toEqual([2, 0]);
  });

  it("spreads ties evenly and deterministically under a seed", () => {
    const gains = Array.from({ length: 4 }, () => linear(0.1, 5));
    for (const total of [1, 3, 6, 7, 10]) {
      const counts = allocateGreedy(gains, total, createRandom("tie"));
      expect(sum(counts)).toBe(total);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(allocateGreedy(gains, total, createRandom("tie"))).toEqual(counts);
    }
  });

  it("treats gains within the tolerance as ties", () => {
    const gains = [linear(0.1, 4), linear(0.1000001, 4)];
    expect(allocateGreedy(gains, 4, createRandom(0))).toEqual([2, 2]);
    // Past the tolerance the larger gain wins every test.
    expect(allocateGreedy([linear(0.1, 4), linear(0.10001, 4)], 4, createRandom(0))).toEqual([
      0, 4,
    ]);
  });

  it("keeps and counts initial tests", () => {
    const gains = [
      [0, 0.5, 0.6],
      [0, 0.1, 0.2],
    ];
    // Problem 1 keeps its 2 first-round tests although problem 0 gains more; 1 test is left.
    expect(allocateGreedy(gains, 3, createRandom(0), { initial: [0, 2] })).toEqual([1, 2]);
    expect(allocateGreedy(gains, 2, createRandom(0), { initial: [0, 2] })).toEqual([0, 2]);
  });

  it("throws when the initial tests exceed the budget", () => {
    const gains = [linear(0.1, 3), linear(0.1, 3)];
    expect(() => allocateGreedy(gains, 3, createRandom(0), { initial: [2, 2] })).toThrow(
      CodermError,
    );
  });

  it("rejects a bad budget", () => {
    expect(() => allocateGreedy([linear(0.1, 2)], -1, createRandom(0))).toThrow(CodermError);
    expect(() => allocateGreedy([linear(0.1, 2)], 0.5, createRandom(0))).toThrow(CodermError);
  });

  it("spends a budget smaller than the problem count on the best problems", () => {
    const gains = [linear(0.1, 2), linear(0.4, 2), linear(0.2, 2), linear(0.05, 2)];
    expect(allocateGreedy(gains, 1, createRandom(0))).toEqual([0, 1, 0, 0]);
    expect(allocateGreedy(gains, 2, createRandom(0))).toEqual([0, 2, 0, 0]);
    expect(allocateGreedy(gains, 3, createRandom(0))).toEqual([0, 2, 1, 0]);
  });

  it("never gives tests to problems without tests and stops at the total capacity", () => {
    const gains = [[0], linear(0.1, 2), [0]];
    expect(allocateGreedy(gains, 5, createRandom(0))).toEqual([0, 2, 0]);
  });

  it("spends the whole budget even when tests are expected to lose, where they lose least", () => {
    const gains = [
      [0, -0.3, -0.6],
      [0, -0.1, -0.2],
    ];
    expect(allocateGreedy(gains, 2, createRandom(0))).toEqual([0, 2]);
    expect(allocateGreedy(gains, 3, createRandom(0))).toEqual([1, 2]);
  });

  describe("anchored on equal counts", () => {
    const anchor = [2, 2, 2];

    it("keeps the anchor where gains differ by less than the margin", () => {
      // Problem 2 gains 0.0005 a test more than the others: below the 0.002 default margin.
      const gains = [linear(0.01, 4), linear(0.01, 4), linear(0.0105, 4)];
      expect(allocateGreedy(gains, 6, createRandom(0), { anchor })).toEqual(anchor);
      // Without the anchor, the slightly larger gain takes every test it can.
      expect(allocateGreedy(gains, 6, createRandom(0))).toEqual([1, 1, 4]);
    });

    it("moves tests away from the anchor where a gain clears the margin", () => {
      const gains = [linear(0.01, 4), linear(0.01, 4), linear(0.02, 4)];
      const counts = allocateGreedy(gains, 6, createRandom(0), { anchor });
      expect(counts[2]).toBe(4);
      expect(sum(counts)).toBe(6);
      // A margin larger than the difference keeps the anchor.
      expect(allocateGreedy(gains, 6, createRandom(0), { anchor, margin: 0.02 })).toEqual(anchor);
    });

    it("takes tests first from problems that gain nothing", () => {
      const gains = [linear(0, 4), linear(0.01, 4), linear(0.05, 4)];
      expect(allocateGreedy(gains, 6, createRandom(0), { anchor })).toEqual([0, 2, 4]);
    });

    it("keeps first-round tests and the total with an anchor", () => {
      const gains = [linear(0.01, 4), linear(0.01, 4), linear(0.01, 4)];
      expect(allocateGreedy(gains, 6, createRandom(0), { anchor, initial: [3, 0, 0] })).toEqual([
        3, 2, 1,
      ]);
    });
  });
});
