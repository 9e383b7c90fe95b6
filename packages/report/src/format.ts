import type { Interval } from "@coderm/core";

/** `mean [low, high]`, each with 2 decimals: `36.76 [35.10, 38.40]`. */
export function formatInterval({ mean, low, high }: Interval): string {
  return `${mean.toFixed(2)} [${low.toFixed(2)}, ${high.toFixed(2)}]`;
}

/**
 * A difference with its interval, signed: `+2.56 [+0.40, +4.70]`. A value that rounds to zero
 * gets no plus sign, so a loss too small to show reads `-0.00`, and nothing reads `+0.00`.
 */
export function formatSignedInterval({ mean, low, high }: Interval): string {
  return `${signed(mean)} [${signed(low)}, ${signed(high)}]`;
}

/** A fraction (0..1) as a percent with `digits` decimals: `formatPercent(0.4, 1)` is `40.0%`. */
export function formatPercent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}%`;
}

function signed(value: number): string {
  return `${value >= 0.005 ? "+" : ""}${value.toFixed(2)}`;
}
