import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { resolvePython } from "@coderm/core/node";
import { describe, expect, it } from "vitest";
import { harnessArchive, harnessLocation } from "../harness-asset.js";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Runs one of this directory's Python scripts (`python -S script ...args`); its stdout, also when
 * it fails (so that an assertion on it shows which checks failed).
 */
async function python(script: string, args: string[], timeout: number): Promise<string> {
  const { executable } = await resolvePython();
  try {
    const { stdout } = await run(executable, ["-S", join(here, script), ...args], {
      cwd: here,
      timeout,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ""}\n${stderr ?? ""}\n${(error as Error).message}`;
  }
}

describe("the Python harness", () => {
  it("passes its own self-test from the sources (protocol, limits, hostile candidates)", async () => {
    expect(await python("harness_selftest.py", [], 240_000)).toContain("all checks passed");
  }, 300_000);

  it("passes the same self-test as a harness.pyz built from the sources", async () => {
    expect(await python("harness_selftest.py", ["--harness", "pyz"], 240_000)).toContain(
      "all checks passed",
    );
  }, 300_000);

  it("agrees with protocol.schema.json, from the sources and as harness.pyz", async () => {
    expect(await python("test_protocol.py", [], 120_000)).toContain("protocol checks passed");
    expect(await python("test_protocol.py", ["--harness", "pyz"], 120_000)).toContain(
      "protocol checks passed",
    );
  }, 300_000);

  it("builds harness.pyz deterministically, the bytes harnessArchive() gives from the sources", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-pyz-"));
    try {
      await python("build_pyz.py", [join(dir, "a.pyz")], 60_000);
      await python("build_pyz.py", [join(dir, "b.pyz")], 60_000);
      const [a, b] = await Promise.all([
        readFile(join(dir, "a.pyz")),
        readFile(join(dir, "b.pyz")),
      ]);
      expect(a.equals(b)).toBe(true);
      expect(harnessLocation().kind).toBe("source");
      const archive = await harnessArchive();
      expect(archive.data.equals(a)).toBe(true);
      expect(archive.digest).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
