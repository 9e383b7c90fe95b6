import { describe, expect, it } from "vitest";
import { binFeatures, forestProbability } from "./forest.js";

describe("forest", () => {
  it("bins a value by the count of edges at or below it", () => {
    expect(binFeatures([[1, 5], [], [0.5]], [0, 7, 0.5])).toEqual([0, 0, 1]);
    expect(binFeatures([[1, 5]], [1])).toEqual([1]);
    expect(binFeatures([[1, 5]], [5])).toEqual([2]);
  });

  it("averages the leaves the binned row reaches", () => {
    const forest = {
      trees: [
        [0, 1, 0.2, [1, 2, 0.4, 0.8]] as [number, number, number, [number, number, number, number]],
        0.6,
      ],
    };
    expect(forestProbability(forest, [0, 0])).toBeCloseTo((0.2 + 0.6) / 2);
    expect(forestProbability(forest, [1, 1])).toBeCloseTo((0.4 + 0.6) / 2);
    expect(forestProbability(forest, [3, 2])).toBeCloseTo((0.8 + 0.6) / 2);
  });
});
