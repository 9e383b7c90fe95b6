/**
 * Measurement (not a test): two hostile candidates of the resource class at once on the local
 * executor, at the `process` and `bwrap` levels, under host limits. Each forks through the raw
 * syscall, starts threads, fills memfds past the memory limit and writes past the work-directory
 * quota, each up to twice its limit, and holds what it got for 2 s. Prints the host's PIDs in use,
 * available memory and free disk (of the temp directory's file system) before, at the worst point
 * during, and after. Asserts nothing.
 *
 *   node packages/executor-python/bench/host-limits.ts [--memory-mib 1024 --pids 256 --disk-mib 256]
 *
 * Needs the package built (`pnpm --filter @coderm/executor-python build`).
 */
import { readdirSync, readFileSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import type { ExecutionRequest, SandboxLevel } from "@coderm/core";
import { createLocalExecutor } from "@coderm/executor-python";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((argument) => argument !== "--"),
  options: {
    "memory-mib": { type: "string", default: "1024" },
    pids: { type: "string", default: "256" },
    "disk-mib": { type: "string", default: "256" },
  },
});
const mebibyte = 1024 * 1024;
const memoryMib = Number(values["memory-mib"]);
const pids = Number(values.pids);
const diskMib = Number(values["disk-mib"]);

const hostile = `import ctypes, os, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def f(x):
    got = {}
    made = 0
    while made < ${2 * pids}:
        pid = libc.syscall(57)
        if pid == 0:
            time.sleep(4)
            libc.syscall(60, 0)
        if pid < 0:
            break
        made += 1
    got["forks"] = made
    threading.stack_size(32768)
    stop = threading.Event()
    threads = 0
    try:
        while threads < ${2 * pids}:
            threading.Thread(target=stop.wait, args=(4,), daemon=True).start()
            threads += 1
    except (RuntimeError, MemoryError):
        pass
    got["threads"] = threads
    block = b"m" * (1 << 20)
    held, written = [], 0
    try:
        while written < ${2 * memoryMib}:
            if written % 8 == 0:
                held.append(os.memfd_create("hold"))
            os.write(held[-1], block)
            written += 1
    except OSError:
        pass
    got["memfd_mib"] = written
    disk = 0
    try:
        for index in range(${(2 * diskMib) / 8}):
            with open("fill-%d" % index, "wb") as out:
                for _ in range(8):
                    out.write(block)
                    disk += 1
    except OSError:
        pass
    got["disk_mib"] = disk
    print(got, flush=True)
    time.sleep(2)
    stop.set()
    return 2 * x
`;

interface HostSample {
  pids: number;
  availableMib: number;
  diskFreeMib: number;
}

function sampleHost(): HostSample {
  const pidCount = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).length;
  // Threads are PIDs too: count tasks of every process.
  let tasks = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      tasks += readdirSync(`/proc/${name}/task`).length;
    } catch {
      // gone meanwhile
    }
  }
  const meminfo = readFileSync("/proc/meminfo", "utf8");
  const available = Number(/MemAvailable:\s+(\d+)/.exec(meminfo)?.[1]) / 1024;
  const disk = statfsSync(tmpdir());
  return {
    pids: Math.max(pidCount, tasks),
    availableMib: Math.round(available),
    diskFreeMib: Math.round((disk.bavail * disk.bsize) / mebibyte),
  };
}

const request = (id: string): ExecutionRequest => ({
  candidate: { id, problemId: "host-limits", code: hostile },
  tests: [{ id: "t", problemId: "host-limits", kind: "assert", code: "assert f(21) == 42" }],
  limits: { timeMs: 20_000, memoryMb: 2048, outputBytes: 4096 },
});

for (const sandbox of ["process", "bwrap"] as SandboxLevel[]) {
  const executor = createLocalExecutor({
    workers: 2,
    sandbox,
    hostLimits: { memoryBytes: memoryMib * mebibyte, pids, workDirBytes: diskMib * mebibyte },
  });
  await executor.fingerprint();
  const before = sampleHost();
  const worst = { ...before };
  const sampler = setInterval(() => {
    const now = sampleHost();
    worst.pids = Math.max(worst.pids, now.pids);
    worst.availableMib = Math.min(worst.availableMib, now.availableMib);
    worst.diskFreeMib = Math.min(worst.diskFreeMib, now.diskFreeMib);
  }, 100);
  const started = performance.now();
  const outcomes: string[] = [];
  for await (const verdict of executor.execute([request("a"), request("b")])) {
    outcomes.push(`${verdict.candidateId}: ${verdict.status} ${verdict.output?.trim() ?? ""}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  clearInterval(sampler);
  const confinement = executor.confinement.join(" ");
  await executor.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = sampleHost();
  console.log(`\n${sandbox} (${confinement}), two candidates at once, ${seconds} s`);
  for (const outcome of outcomes) console.log(`  ${outcome}`);
  console.log("  | | PIDs in use | memory available (MiB) | disk free (MiB) |");
  console.log("  | --- | --- | --- | --- |");
  for (const [name, sample] of [
    ["before", before],
    ["worst during", worst],
    ["after", after],
  ] as const) {
    console.log(`  | ${name} | ${sample.pids} | ${sample.availableMib} | ${sample.diskFreeMib} |`);
  }
}
