import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sampleCpuPressure } from "./cpu-pressure.js";

describe("sampleCpuPressure", () => {
  it("turns cumulative stall time into the stalled share of a window", async () => {
    // a fake counter: the machine stalls 0.5 ms for every ms that passes
    const start = performance.now();
    const pressure = sampleCpuPressure(5, () => Math.round((performance.now() - start) * 500));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(pressure.stalledShare(100)).toBeCloseTo(0.5, 1);
    pressure.stop();
  });

  it("reads 0 where the kernel has no pressure information", () => {
    const pressure = sampleCpuPressure(5, () => undefined);
    expect(pressure.stalledShare(1000)).toBe(0);
    pressure.stop();
  });

  it.runIf(existsSync("/proc/pressure/cpu"))(
    "sees the stall of more busy processes than cores on this machine",
    async () => {
      const { availableParallelism } = await import("node:os");
      const { spawn } = await import("node:child_process");
      const hogs = Array.from({ length: availableParallelism() * 3 }, () =>
        spawn(process.execPath, ["-e", "const end = Date.now() + 1500; while (Date.now() < end);"]),
      );
      try {
        const pressure = sampleCpuPressure(10);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(pressure.stalledShare(600)).toBeGreaterThan(0.25);
        pressure.stop();
      } finally {
        for (const hog of hogs) hog.kill("SIGKILL");
      }
    },
    10_000,
  );
});
