import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRequest, Executor, Verdict } from "@coderm/core";
import { assertTest, request } from "@coderm/executor/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type CpuSlotsSettings, createLocalExecutor } from "./local-executor.js";

const sleeper = request("sleeper", "import time\n", [assertTest("sleep", "time.sleep(1.5)")], {
  timeMs: 5000,
});
// a short limit: Node's watchdog would kill a silent harness process long before the slot frees
const quick = request("quick", "", [assertTest("pass", "pass")], { timeMs: 50 });

/** The request's one verdict, with when it came (ms after `start`). */
async function timedVerdict(
  executor: Executor,
  single: ExecutionRequest,
  start: number,
): Promise<Verdict & { at: number }> {
  for await (const verdict of executor.execute([single])) {
    return { ...verdict, at: performance.now() - start };
  }
  throw new Error("no verdict");
}

describe("machine-wide CPU slots", () => {
  const executors: Executor[] = [];
  afterEach(async () => {
    for (const executor of executors.splice(0)) await executor.close();
  });

  async function twoExecutors(cpuSlots: false | CpuSlotsSettings): Promise<[Executor, Executor]> {
    const make = () => createLocalExecutor({ workers: 1, cpuSlots, watchdogGraceMs: 100 });
    const pair: [Executor, Executor] = [make(), make()];
    executors.push(...pair);
    await Promise.all(pair.map((executor) => executor.fingerprint())); // started
    return pair;
  }

  async function race(pair: [Executor, Executor]) {
    const start = performance.now();
    const slow = timedVerdict(pair[0], sleeper, start);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the sleeper holds its slot
    const fast = await timedVerdict(pair[1], quick, start);
    return { slow: await slow, fast };
  }

  it("a request waits while another run's request holds the only slot, then runs", async () => {
    const lockFile = join(await mkdtemp(join(tmpdir(), "coderm-slots-")), "slots");
    const { slow, fast } = await race(await twoExecutors({ count: 1, lockFile }));
    expect(slow.status).toBe("pass");
    // the waiting request was not taken for a silent harness process: it passed, after the sleeper
    expect(fast).toMatchObject({ status: "pass" });
    expect(fast.at).toBeGreaterThanOrEqual(slow.at - 50);
  }, 30_000);

  it("two slots let both run at once", async () => {
    const lockFile = join(await mkdtemp(join(tmpdir(), "coderm-slots-")), "slots");
    const { slow, fast } = await race(await twoExecutors({ count: 2, lockFile }));
    expect(slow.status).toBe("pass");
    expect(fast).toMatchObject({ status: "pass" });
    expect(fast.at).toBeLessThan(slow.at - 500);
  }, 30_000);

  it("refuses a count that is not a whole number", () => {
    expect(() => createLocalExecutor({ cpuSlots: { count: 0 } })).toThrow(/cpuSlots\.count/);
  });
});
