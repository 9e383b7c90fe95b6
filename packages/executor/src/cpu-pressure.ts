import { readFileSync } from "node:fs";

/**
 * The share of a recent time window during which runnable tasks of this machine waited for a CPU,
 * read from the kernel's pressure stall information (`/proc/pressure/cpu`, line `some`): 0 on an
 * idle machine, near 1 when every moment some task waited. The verdict cache uses it to tell a
 * timeout that was starved by machine load (re-run before it is cached) from one that spent its
 * time in the candidate's own work. Measured outside every candidate, so no candidate can forge
 * it (at most it can load the machine, which only makes timeouts re-run).
 */
export interface CpuPressure {
  /** The stalled share of the last `windowMs` milliseconds (from samples at least as old). */
  stalledShare(windowMs: number): number;
  /** Stops sampling. */
  stop(): void;
}

/** Reads the cumulative stall time in microseconds; undefined where the kernel has no PSI. */
function readCpuStallMicroseconds(file = "/proc/pressure/cpu"): number | undefined {
  try {
    const match = /^some .*total=(\d+)/m.exec(readFileSync(file, "latin1"));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * Samples the machine's CPU pressure every `intervalMs` (20 by default; the timer does not keep
 * the process alive). Where the kernel offers no pressure information, `stalledShare` is always 0
 * (every timeout then counts as confirmed, as before this measure existed).
 */
export function sampleCpuPressure(
  intervalMs = 20,
  read: () => number | undefined = readCpuStallMicroseconds,
): CpuPressure {
  const first = read();
  if (first === undefined) return { stalledShare: () => 0, stop: () => {} };
  // (time ms, stall µs), oldest first, about 10 s of history
  const samples: [number, number][] = [[performance.now(), first]];
  const limit = Math.ceil(10_000 / intervalMs);
  const sample = () => {
    const stall = read();
    if (stall === undefined) return;
    samples.push([performance.now(), stall]);
    if (samples.length > limit) samples.splice(0, samples.length - limit);
  };
  const timer = setInterval(sample, intervalMs).unref();
  return {
    stalledShare(windowMs) {
      sample();
      const [endTime, endStall] = samples[samples.length - 1]!;
      // the newest sample at least `windowMs` old, else the oldest one
      let start = samples[0]!;
      for (let index = samples.length - 1; index >= 0; index--) {
        if (endTime - samples[index]![0] >= windowMs) {
          start = samples[index]!;
          break;
        }
      }
      const elapsedMs = endTime - start[0];
      if (elapsedMs <= 0) return 0;
      return Math.min(1, (endStall - start[1]) / 1000 / elapsedMs);
    },
    stop: () => clearInterval(timer),
  };
}
