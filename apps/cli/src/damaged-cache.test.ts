import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";

const dataDir = requireDataDir();
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Runs the built CLI as its own process; resolves even when it fails, rejects only on a hang. */
function coderm(
  argv: string[],
  cacheDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, ...argv],
      {
        env: { ...process.env, CODERM_CACHE_DIR: cacheDir, CODERM_DATA_DIR: dataDir },
        timeout: 90_000,
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        if (error?.killed) reject(new Error(`coderm did not exit within 90 s: ${stderr}`));
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

async function samplesFile(directory: string): Promise<string> {
  const samples = join(directory, "samples.jsonl");
  await writeFile(
    samples,
    `${JSON.stringify({ task_id: "HumanEval/0", completion: "    return False\n" })}\n`,
  );
  return samples;
}

const evalArgs = (samples: string) => [
  "eval",
  "--benchmark",
  "humaneval",
  "--samples",
  samples,
  "--json",
  "--workers",
  "1",
];

describe("coderm on a damaged verdict cache", () => {
  it("exits with the cache's path when the cache cannot be opened", async () => {
    const directory = await mkdtemp(join(tmpdir(), "coderm-damaged-"));
    // a directory where the database file should be: SQLite cannot open it
    await mkdir(join(directory, "verdicts.sqlite"));
    const { code, stderr } = await coderm(evalArgs(await samplesFile(directory)), directory);
    expect(code).toBe(1);
    expect(stderr).toContain(join(directory, "verdicts.sqlite"));
    expect(stderr).toContain("cannot open the verdict cache");
    expect(stderr).not.toContain("unexpected error");
  }, 120_000);

  it("sets aside a file that is not a database, says so with its path, and finishes the run", async () => {
    const directory = await mkdtemp(join(tmpdir(), "coderm-damaged-"));
    const bytes = Buffer.alloc(64 * 1024);
    for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 2654435761) >>> 24;
    await writeFile(join(directory, "verdicts.sqlite"), bytes);
    const { code, stdout, stderr } = await coderm(
      evalArgs(await samplesFile(directory)),
      directory,
    );
    expect(stderr).toContain(`${join(directory, "verdicts.sqlite")} is corrupt`);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).samples).toBe(1);
    expect((await readdir(directory)).some((name) => name.includes(".corrupt-"))).toBe(true);
  }, 120_000);
});
