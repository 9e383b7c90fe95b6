import { describe, expect, it } from "vitest";
import { fitGainModel } from "./gain-model.js";

const curve = (...values: number[]) => Float64Array.from(values);

describe("fitGainModel", () => {
  it("averages each step's gain over training problems of similar difficulty", () => {
    const model = fitGainModel(
      [
        { difficulty: 0.3, curve: curve(0.2, 0.5, 0.6) },
        { difficulty: 0.3, curve: curve(0.2, 0.3, 0.4) },
      ],
      { shrinkage: 0 },
    );
    const gains = model.gains(0.3, 2);
    expect(gains[0]).toBe(0);
    expect(gains[1]).toBeCloseTo(0.2);
    expect(gains[2]).toBeCloseTo(0.3);
  });

  it("weighs nearer difficulties more", () => {
    const model = fitGainModel(
      [
        { difficulty: 0.2, curve: curve(0, 0.4) },
        { difficulty: 0.8, curve: curve(0, 0) },
      ],
      { shrinkage: 0 },
    );
    expect(model.gains(0.25, 1)[1]).toBeGreaterThan(0.35);
    expect(model.gains(0.75, 1)[1]).toBeLessThan(0.05);
  });

  it("shrinks steps that few training problems reach toward no gain", () => {
    const model = fitGainModel([
      { difficulty: 0.5, curve: curve(0, 0.2, 0.4) },
      { difficulty: 0.5, curve: curve(0, 0.2) },
    ]);
    const gains = model.gains(0.5, 3);
    // Two problems vouch for step 1, one for step 2, none for step 3.
    expect(gains[1]).toBeCloseTo(0.4 / 4);
    expect(gains[2]! - gains[1]!).toBeCloseTo(0.2 / 3);
    expect(gains[3]).toBe(gains[2]);
  });

  it("gives nothing to settled problems and keeps them out of the others' gains", () => {
    const model = fitGainModel(
      [
        { difficulty: 0, curve: curve(0, 0, 0) },
        { difficulty: 1, curve: curve(1, 1, 1) },
        { difficulty: 0.05, curve: curve(0, 0.5, 0.5) },
      ],
      { shrinkage: 0 },
    );
    expect([...model.gains(0, 2)]).toEqual([0, 0, 0]);
    expect([...model.gains(1, 2)]).toEqual([0, 0, 0]);
    // The all-wrong problem, near in difficulty, does not halve the gain of a nearly-all-wrong one.
    expect(model.gains(0.02, 2)[1]).toBeCloseTo(0.5);
  });

  it("gains nothing without training problems", () => {
    expect([...fitGainModel([]).gains(0.5, 2)]).toEqual([0, 0, 0]);
  });
});
