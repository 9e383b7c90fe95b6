import { describe, expect, it } from "vitest";
import { formatInterval, formatPercent, formatSignedInterval } from "./format.js";

describe("formatInterval", () => {
  it("shows the mean and bounds with 2 decimals", () => {
    expect(formatInterval({ mean: 36.7612, low: 35.1, high: 38.4 })).toBe("36.76 [35.10, 38.40]");
  });
});

describe("formatSignedInterval", () => {
  it("signs gains, keeps the minus of losses, and never shows +0.00", () => {
    expect(formatSignedInterval({ mean: 2.556, low: 0.4, high: 4.7 })).toBe("+2.56 [+0.40, +4.70]");
    expect(formatSignedInterval({ mean: -0.001, low: -0.004, high: 0 })).toBe(
      "-0.00 [-0.00, 0.00]",
    );
    expect(formatSignedInterval({ mean: 0.004, low: -1.5, high: 0.005 })).toBe(
      "0.00 [-1.50, +0.01]",
    );
  });
});

describe("formatPercent", () => {
  it("shows a fraction as a percent, with 2 decimals by default", () => {
    expect(formatPercent(0.4)).toBe("40.00%");
    expect(formatPercent(251 / 300, 1)).toBe("83.7%");
    expect(formatPercent(1, 0)).toBe("100%");
  });
});
