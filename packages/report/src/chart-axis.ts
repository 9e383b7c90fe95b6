import { CodermError } from "@coderm/core";
import type { ChartSeries, LineChart } from "./document.js";

/** A tick of an axis: its value and label. */
export interface AxisTick {
  value: number;
  label: string;
}

/**
 * An axis: its scale, its domain (in data units) and its ticks. A log axis spaces values by
 * their base-2 logarithm.
 */
export interface ChartAxis {
  scale: "linear" | "log";
  min: number;
  max: number;
  ticks: AxisTick[];
}

/** Where `value` falls on the axis, 0 at `min` and 1 at `max`. */
export function axisFraction(axis: ChartAxis, value: number): number {
  const transform = axis.scale === "log" ? Math.log2 : (x: number) => x;
  const low = transform(axis.min);
  const span = transform(axis.max) - low;
  return span > 0 ? (transform(value) - low) / span : 0.5;
}

/**
 * The y axis of some series: round ticks (1, 2 or 5 times a power of ten apart) covering every
 * point and interval bound with a little padding, never below 0 when no value is.
 */
export function valueAxis(series: readonly ChartSeries[]): ChartAxis {
  const values = series.flatMap((line) =>
    line.points.flatMap((point) => [point.y, point.low, point.high]),
  );
  const finite = values.filter((value): value is number => Number.isFinite(value));
  if (finite.length === 0) return linearTicks(0, 1);
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const padding = high > low ? (high - low) * 0.05 : Math.abs(high) * 0.1 || 1;
  return linearTicks(low >= 0 ? Math.max(0, low - padding) : low - padding, high + padding);
}

/**
 * The x axis of a chart: its given ticks, or round ones (powers of 2 on a log scale), and a
 * domain covering every point and tick. Throws `invalid-input` for a value a log scale cannot
 * place (zero or less).
 */
export function horizontalAxis(chart: LineChart): ChartAxis {
  const scale = chart.xScale ?? "linear";
  const xs = chart.series.flatMap((line) => line.points.map((point) => point.x));
  if (scale === "log") {
    chart.series.forEach((line, seriesIndex) => {
      line.points.forEach((point, pointIndex) => {
        if (!(point.x > 0))
          throw new CodermError(
            "invalid-input",
            `chart "${chart.id}" has a log x axis, so every x must be above 0, not ${point.x}`,
            { field: `series[${seriesIndex}].points[${pointIndex}].x` },
          );
      });
    });
    (chart.xTicks ?? []).forEach((tick, index) => {
      if (!(tick.value > 0))
        throw new CodermError(
          "invalid-input",
          `chart "${chart.id}" has a log x axis, so every tick must be above 0, not ${tick.value}`,
          { field: `xTicks[${index}].value` },
        );
    });
  }
  const ticks =
    chart.xTicks ??
    (xs.length === 0
      ? []
      : scale === "log"
        ? powerOfTwoTicks(Math.min(...xs), Math.max(...xs))
        : linearTicks(Math.min(...xs), Math.max(...xs)).ticks);
  const values = [...xs, ...ticks.map((tick) => tick.value)];
  if (values.length === 0) return { scale, min: scale === "log" ? 1 : 0, max: 2, ticks };
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    // one value: put it in the middle
    if (scale === "log") [min, max] = [min / 2, max * 2];
    else [min, max] = [min - 1, max + 1];
  }
  return { scale, min, max, ticks };
}

/** A linear axis from `low` to `high` widened to round ticks, about 5 of them. */
function linearTicks(low: number, high: number): ChartAxis {
  const span = high - low;
  const step = niceStep(span > 0 ? span / 5 : Math.abs(high) || 1);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const count = Math.max(1, Math.round((max - min) / step));
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks = Array.from({ length: count + 1 }, (_, index) => {
    const value = Number((min + index * step).toFixed(decimals));
    return { value, label: value.toFixed(decimals) };
  });
  return { scale: "linear", min: ticks[0]?.value ?? min, max: ticks.at(-1)?.value ?? max, ticks };
}

/** Powers of 2 from below `low` to above `high`, every second or more when there are many. */
function powerOfTwoTicks(low: number, high: number): AxisTick[] {
  const first = Math.floor(Math.log2(low));
  const last = Math.ceil(Math.log2(high));
  const stride = Math.ceil((last - first + 1) / 9);
  const ticks: AxisTick[] = [];
  for (let power = first; power <= last; power += stride) {
    const value = 2 ** power;
    ticks.push({ value, label: String(Number(value.toPrecision(6))) });
  }
  return ticks;
}

/** The smallest 1, 2 or 5 times a power of ten that is at least `rough`. */
function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}
