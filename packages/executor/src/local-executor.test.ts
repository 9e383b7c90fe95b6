import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLocalExecutor } from "./local-executor.js";
import {
  assertTest,
  collect,
  describeExecutorConformance,
  request,
} from "./testing/conformance.js";
import { createSqliteVerdictCache } from "./verdict-cache.js";

describeExecutorConformance("local", async () => createLocalExecutor({ cache: false, workers: 2 }));
describeExecutorConformance("local bwrap", async () =>
  createLocalExecutor({ cache: false, workers: 2, sandbox: "bwrap" }),
);

/** The pids of this process's harness workers. */
async function harnessWorkers(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [status, cmdline] = await Promise.all([
        readFile(`/proc/${entry}/status`, "utf8"),
        readFile(`/proc/${entry}/cmdline`, "utf8"),
      ]);
      if (status.includes(`PPid:\t${process.pid}\n`) && cmdline.includes("harness.py"))
        pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** A batch whose verdicts are known: candidate i passes test j exactly when j <= i. */
function knownBatch(candidates: number, tests: number, sleepMs = 0) {
  return Array.from({ length: candidates }, (_, i) =>
    request(
      `c${i}`,
      `import time\ndef f(j):\n    time.sleep(${sleepMs / 1000})\n    return j <= ${i}\n`,
      Array.from({ length: tests }, (_, j) => assertTest(`t${j}`, `assert f(${j}) is True`)),
    ),
  );
}

function expectKnownVerdicts(
  verdicts: Map<string, { status: string }>,
  candidates: number,
  tests: number,
) {
  expect(verdicts.size).toBe(candidates * tests);
  for (let i = 0; i < candidates; i++) {
    for (let j = 0; j < tests; j++)
      expect(verdicts.get(`c${i}/t${j}`)?.status, `c${i}/t${j}`).toBe(j <= i ? "pass" : "fail");
  }
}

describe("local executor", () => {
  it("completes a batch with correct verdicts when a worker is killed mid-batch", async () => {
    const executor = createLocalExecutor({ cache: false, workers: 2 });
    await executor.start();
    const workers = await harnessWorkers();
    expect(workers).toHaveLength(2);
    setTimeout(() => process.kill(workers[0]!, "SIGKILL"), 300);
    const verdicts = await collect(executor, knownBatch(12, 8, 20));
    expectKnownVerdicts(verdicts, 12, 8);
    expect(await harnessWorkers()).not.toContain(workers[0]);
    await executor.close();
  });

  it("serves a rerun from the verdict cache", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite");
    const first = createLocalExecutor({ cache: createSqliteVerdictCache({ path }), workers: 2 });
    expectKnownVerdicts(await collect(first, knownBatch(5, 4)), 5, 4);
    expect(first.stats).toMatchObject({ executed: 20, cached: 0 });
    await first.close();
    const second = createLocalExecutor({ cache: createSqliteVerdictCache({ path }), workers: 2 });
    const verdicts = await collect(second, knownBatch(5, 4));
    expectKnownVerdicts(verdicts, 5, 4);
    expect(second.stats).toMatchObject({ executed: 0, cached: 20 });
    expect([...verdicts.values()].every((verdict) => verdict.cached === true)).toBe(true);
    // Other limits are another context: nothing is reused.
    const third = await collect(
      second,
      knownBatch(5, 4).map((item) => ({ ...item, limits: { ...item.limits, timeMs: 999 } })),
    );
    expect(third.size).toBe(20);
    expect(second.stats.executed).toBe(20);
    await second.close();
  });

  it("resumes after the process running it is killed with SIGKILL, redoing no flushed work", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite");
    const script = `
      import { createLocalExecutor, createSqliteVerdictCache } from ${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)};
      const executor = createLocalExecutor({ cache: createSqliteVerdictCache({ path: ${JSON.stringify(path)}, flushIntervalMs: 20 }), workers: 2 });
      const batch = ${JSON.stringify(knownBatch(40, 5, 20))};
      let count = 0;
      for await (const verdict of executor.execute(batch)) if (++count === 60) console.log("progress");
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    const executor = createLocalExecutor({ cache: createSqliteVerdictCache({ path }), workers: 2 });
    const verdicts = await collect(executor, knownBatch(40, 5, 20));
    expectKnownVerdicts(verdicts, 40, 5);
    expect(executor.stats.cached).toBeGreaterThanOrEqual(60);
    expect(executor.stats.executed + executor.stats.cached).toBe(200);
    await executor.close();
  });

  it.each(["process", "bwrap"] as const)(
    "keeps %s candidates off the network and away from host files",
    async (sandbox) => {
      const server = createServer((socket) => socket.end("secret")).listen(0, "127.0.0.1");
      await once(server, "listening");
      const port = (server.address() as AddressInfo).port;
      const here = fileURLToPath(import.meta.url);
      const probe = request(
        sandbox,
        `import os, socket\ndef connect():\n    with socket.create_connection(("127.0.0.1", ${port}), timeout=0.5) as s:\n        return s.recv(16)\ndef add(a, b):\n    return a + b\n`,
        [
          assertTest("network", "assert connect() == b'secret'"),
          assertTest("host-file", `assert open(${JSON.stringify(here)}).read(1)`),
          assertTest("home", "assert os.listdir(os.path.expanduser('~root'))"),
          assertTest("write-outside", "open('/tmp/coderm-escape', 'w').write('x')"),
          assertTest("control", "assert add(1, 2) == 3"),
        ],
      );
      const executor = createLocalExecutor({ cache: false, workers: 1, sandbox });
      try {
        const verdicts = await collect(executor, [probe]);
        for (const test of ["network", "host-file", "home", "write-outside"])
          expect(verdicts.get(`${sandbox}/${test}`)?.status, test).toMatch(/^(fail|error)$/);
        expect(verdicts.get(`${sandbox}/control`)?.status).toBe("pass");
        // Landlock and seccomp on top of the level (this kernel has both; without them the
        // process level contains nothing, see THREAT-MODEL.md)
        expect(executor.confinement[0]).toBe(sandbox);
        expect(executor.confinement).toContain("seccomp");
        expect(executor.confinement.some((feature) => feature.startsWith("landlock-v"))).toBe(true);
      } finally {
        await executor.close();
        server.close();
      }
    },
  );

  it("refuses to start a sandbox level it cannot provide, rather than running weaker", async () => {
    const executor = createLocalExecutor({
      cache: false,
      sandbox: "bwrap",
      bwrap: "/nonexistent/bwrap",
    });
    await expect(executor.start()).rejects.toThrow(
      /sandbox level "bwrap" is unavailable .*apt-get install bubblewrap/,
    );
    await executor.close();
  });

  it("refuses an unknown sandbox level", () => {
    expect(() => createLocalExecutor({ sandbox: "vm" as "process" })).toThrow(/sandbox level "vm"/);
  });

  it("reports a missing interpreter when starting", async () => {
    const executor = createLocalExecutor({ python: "/nonexistent/python3", cache: false });
    await expect(executor.start()).rejects.toThrow(/cannot start Python/);
    await executor.close();
  });
});
