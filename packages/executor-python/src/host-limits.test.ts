import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRequest, SandboxLevel, Verdict } from "@coderm/core";
import { afterAll, describe, expect, it } from "vitest";
import { cgroupPrefix, detectCgroupLayout, removeStaleCgroups } from "./cgroups.js";
import { openHostLimits, resolveHostLimits } from "./host-limits.js";
import { createLocalExecutor } from "./local-executor.js";

const mebibyte = 1024 * 1024;
const layout = detectCgroupLayout();
const managed = process.getuid?.() === 0 && !("unavailable" in layout);
/** Small limits, so that a limit that fails to apply cannot hurt the shared host. */
const small = { memoryBytes: 256 * mebibyte, pids: 128, workDirBytes: 64 * mebibyte };
const scratch = mkdtempSync(join(tmpdir(), "coderm-host-limits-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("resolveHostLimits", () => {
  it("derives the memory share from the pool size and sizes the files within it", () => {
    const one = resolveHostLimits({}, 1);
    const four = resolveHostLimits({}, 4);
    expect(four.memoryBytes).toBeLessThan(one.memoryBytes);
    expect(four.workDirBytes).toBeLessThanOrEqual(four.memoryBytes / 2);
    expect(one.pids).toBe(512);
  });
  it("rejects limits that are not whole numbers or too small, naming the field", () => {
    expect(() => resolveHostLimits({ pids: 3 }, 1)).toThrow(/hostLimits\.pids/);
    expect(() => resolveHostLimits({ memoryBytes: 1.5 }, 1)).toThrow(/hostLimits\.memoryBytes/);
  });
});

describe("detectCgroupLayout", () => {
  it("finds a unified hierarchy with memory and pids delegated", () => {
    const root = join(scratch, "v2");
    mkdirSync(join(root, "user"), { recursive: true });
    writeFileSync(join(root, "cgroup.controllers"), "cpu memory pids\n");
    writeFileSync(join(root, "user", "cgroup.controllers"), "memory pids\n");
    writeFileSync(join(scratch, "self-v2"), "0::/user\n");
    expect(detectCgroupLayout(root, join(scratch, "self-v2"))).toEqual({
      version: 2,
      parents: { memory: join(root, "user"), pids: join(root, "user") },
    });
  });
  it("says what is missing when the memory controller is not delegated", () => {
    const root = join(scratch, "v2-bare");
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "cgroup.controllers"), "pids\n");
    writeFileSync(join(scratch, "self-bare"), "0::/\n");
    expect(detectCgroupLayout(root, join(scratch, "self-bare"))).toEqual({
      unavailable: expect.stringMatching(/no memory controller/),
    });
  });
  it("finds the legacy controllers of a hybrid machine", () => {
    const root = join(scratch, "v1");
    for (const name of ["memory/runs", "pids"]) mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, "memory/runs/cgroup.procs"), "");
    writeFileSync(join(root, "pids/cgroup.procs"), "");
    writeFileSync(join(scratch, "self-v1"), "8:pids:/\n4:memory:/runs\n0::/\n");
    expect(detectCgroupLayout(root, join(scratch, "self-v1"))).toEqual({
      version: 1,
      parents: { memory: join(root, "memory/runs"), pids: join(root, "pids") },
    });
  });
});

describe("openHostLimits without cgroups", () => {
  it("refuses to start by default, saying why and what to do", () => {
    expect(() => openHostLimits("bwrap", 1, {}, join(scratch, "none"))).toThrow(
      /host limits cannot be applied at the "bwrap" level: .*best-effort/,
    );
  });
  it("applies only the sized tmpfs when asked for best effort", () => {
    const limits = openHostLimits("bwrap", 1, { mode: "best-effort" }, join(scratch, "none"));
    expect(limits.applied).toEqual(["disk-quota"]);
    expect(limits.bwrapTmp).toEqual(
      process.getuid?.() === 0
        ? { bind: expect.stringContaining("coderm-work-") }
        : { bytes: limits.limits.workDirBytes },
    );
    limits.close();
  });
});

const honest = "def f(x):\n    return 2 * x\n";
function request(id: string, code: string, timeMs = 3000): ExecutionRequest {
  return {
    candidate: { id, problemId: "p", code },
    tests: [{ id: "t", problemId: "p", kind: "assert", code: "assert f(21) == 42" }],
    limits: { timeMs, memoryMb: 1024, outputBytes: 4096 },
  };
}

const forkBomb = `import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def f(x):
    made = 0
    for _ in range(256):
        pid = libc.syscall(57)
        if pid == 0:
            libc.pause()
        if pid < 0:
            break
        made += 1
    print("forked", made)
    return 2 * x if made == 256 else made
`;
const memfd = `import os
def f(x):
    fd = os.memfd_create("hold")
    block = b"x" * (1 << 20)
    for _ in range(512):
        os.write(fd, block)
    return 2 * x
`;
const diskFill = `def f(x):
    block = b"x" * (1 << 20)
    with open("fill", "wb") as out:
        for _ in range(128):
            out.write(block)
    return 2 * x
`;

describe.runIf(managed)("the local executor under host limits (root, cgroups)", () => {
  for (const sandbox of ["process", "bwrap"] as SandboxLevel[]) {
    it(`contains a raw fork bomb, a memfd and a disk fill at the ${sandbox} level`, async () => {
      const executor = createLocalExecutor({ workers: 1, sandbox, hostLimits: small });
      try {
        const fingerprint = await executor.fingerprint();
        expect(fingerprint).toMatch(/cgroup-v[12] memory-limit pids-limit/);
        expect(fingerprint).toContain("disk-quota");
        const groups = () =>
          readdirSync((layout as { parents: { pids: string } }).parents.pids).filter((name) =>
            name.startsWith(`${cgroupPrefix}${process.pid}-`),
          );
        expect(groups()).toHaveLength(1);
        const verdicts: Verdict[] = [];
        for await (const verdict of executor.execute([
          request("fork", forkBomb),
          request("memfd", memfd),
          request("disk", diskFill),
        ])) {
          verdicts.push(verdict);
        }
        // The executor keeps serving afterwards (a request pipelined behind an OOM-killed
        // harness process can end as error: see THREAT-MODEL.md, "Host limits").
        for await (const verdict of executor.execute([request("honest", honest)])) {
          verdicts.push(verdict);
        }
        const status = Object.fromEntries(verdicts.map((v) => [v.candidateId, v.status]));
        const output = Object.fromEntries(verdicts.map((v) => [v.candidateId, v.output]));
        expect(status.fork).not.toBe("pass");
        // pids.max stopped it, not a Python-level guard: the raw syscall forked, up to the limit.
        const forked = Number(/forked (\d+)/.exec(output.fork ?? "")?.[1]);
        expect(forked).toBeGreaterThan(10);
        expect(forked).toBeLessThan(small.pids);
        expect(status.memfd).not.toBe("pass");
        expect(status.disk).not.toBe("pass");
        expect({
          status: status.honest,
          message: verdicts.find((v) => v.candidateId === "honest")?.message,
        }).toEqual({ status: "pass", message: undefined });
      } finally {
        await executor.close();
      }
      const parent = (layout as { parents: { pids: string } }).parents.pids;
      expect(readdirSync(parent).filter((name) => name.includes(`-${process.pid}-`))).toEqual([]);
    }, 60_000);
  }

  it("removes groups that a run which ended without closing left behind", () => {
    const parents = (layout as { parents: Record<string, string> }).parents;
    const stale = join(parents.pids!, `${cgroupPrefix}999999999-0`);
    mkdirSync(stale);
    expect(removeStaleCgroups(layout as never)).toBeGreaterThanOrEqual(1);
    expect(existsSync(stale)).toBe(false);
  });
});
