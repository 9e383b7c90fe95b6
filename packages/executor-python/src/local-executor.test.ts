import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSqliteVerdictCache, withDeduplication, withVerdictCache } from "@coderm/executor";
import {
  assertTest,
  collect,
  describeExecutorConformance,
  pythonConformanceFixtures,
  request,
} from "@coderm/executor/testing";
import { describe, expect, it } from "vitest";
import { harnessLocation } from "./harness-asset.js";
import { createLocalExecutor } from "./local-executor.js";

describeExecutorConformance(
  "local",
  async () => createLocalExecutor({ workers: 2 }),
  pythonConformanceFixtures,
);
describeExecutorConformance(
  "local bwrap",
  async () => createLocalExecutor({ workers: 2, sandbox: "bwrap" }),
  pythonConformanceFixtures,
);
describeExecutorConformance(
  "local, deduplicated and cached",
  async () =>
    withVerdictCache(withDeduplication(createLocalExecutor({ workers: 2 })), {
      cache: createSqliteVerdictCache({ path: await cachePath() }),
    }),
  pythonConformanceFixtures,
);

async function cachePath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "coderm-cache-")), "verdicts.sqlite");
}

/** The pids of this process's harness processes. */
async function harnessProcesses(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [status, cmdline] = await Promise.all([
        readFile(`/proc/${entry}/status`, "utf8"),
        readFile(`/proc/${entry}/cmdline`, "utf8"),
      ]);
      const harnessPath = harnessLocation().path;
      if (status.includes(`PPid:\t${process.pid}\n`) && cmdline.split("\0").includes(harnessPath))
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
  it("completes a batch with correct verdicts when a harness process is killed mid-batch", async () => {
    const executor = createLocalExecutor({ workers: 2 });
    await executor.fingerprint();
    const processes = await harnessProcesses();
    expect(processes).toHaveLength(2);
    setTimeout(() => process.kill(processes[0]!, "SIGKILL"), 300);
    const verdicts = await collect(executor, knownBatch(12, 8, 20));
    expectKnownVerdicts(verdicts, 12, 8);
    expect(await harnessProcesses()).not.toContain(processes[0]);
    await executor.close();
  });

  it("fingerprints its harness, Python, sandbox level and confinement", async () => {
    const executor = createLocalExecutor({ workers: 1 });
    expect(executor.confinement).toEqual([]);
    const fingerprint = await executor.fingerprint();
    expect(fingerprint).toMatch(
      /^harness \S+; python 3\.\d+\.\d+\S*; sandbox process; confinement /,
    );
    for (const feature of executor.confinement.slice(1)) expect(fingerprint).toContain(feature);
    await executor.close();
    await expect(executor.fingerprint()).rejects.toThrow(/closed/);
  });

  it("runs the text the content id hashes: no byte-order mark, LF line ends, no trailing space", async () => {
    const executor = createLocalExecutor({ workers: 1 });
    const tests = [assertTest("t", "assert f(21) == 42")];
    // Python refuses a leading U+FEFF in program text: the mark must be gone before it runs.
    const verdicts = await collect(executor, [
      request("marked", "\ufeffdef f(x):\r\n    return 2 * x\r\n  \n\t", tests),
    ]);
    expect(verdicts.get("marked/t")?.status).toBe("pass");
    await executor.close();
  });

  it("serves a rerun from the verdict cache, wrapped", async () => {
    const path = await cachePath();
    const wrap = () =>
      withVerdictCache(withDeduplication(createLocalExecutor({ workers: 2 })), {
        cache: createSqliteVerdictCache({ path }),
      });
    const first = wrap();
    expectKnownVerdicts(await collect(first, knownBatch(5, 4)), 5, 4);
    expect(first.stats).toMatchObject({ executed: 20, cached: 0 });
    await first.close();
    const second = wrap();
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
    const path = await cachePath();
    // The child runs the built packages (build them first).
    const script = `
      import { createLocalExecutor } from ${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)};
      import { createSqliteVerdictCache, withVerdictCache } from ${JSON.stringify(new URL("../../executor/dist/index.js", import.meta.url).href)};
      const executor = withVerdictCache(createLocalExecutor({ workers: 2 }), { cache: createSqliteVerdictCache({ path: ${JSON.stringify(path)}, flushIntervalMs: 20 }) });
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

    const executor = withVerdictCache(createLocalExecutor({ workers: 2 }), {
      cache: createSqliteVerdictCache({ path }),
    });
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
      const executor = createLocalExecutor({ workers: 1, sandbox });
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
    const executor = createLocalExecutor({ sandbox: "bwrap", bwrap: "/nonexistent/bwrap" });
    await expect(executor.fingerprint()).rejects.toThrow(
      /sandbox level "bwrap" is unavailable .*apt-get install bubblewrap/,
    );
    await executor.close();
  });

  it("refuses a sandbox level it does not have", () => {
    expect(() => createLocalExecutor({ sandbox: "vm" as "process" })).toThrow(/sandbox level "vm"/);
    expect(() => createLocalExecutor({ sandbox: "docker" })).toThrow(
      expect.objectContaining({ code: "unsupported", field: "sandbox" }),
    );
  });

  it("reports a missing interpreter when starting", async () => {
    const executor = createLocalExecutor({ python: "/nonexistent/python3" });
    await expect(executor.fingerprint()).rejects.toThrow(/cannot start Python/);
    await executor.close();
  });
});
