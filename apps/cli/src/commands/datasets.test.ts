import { execFile } from "node:child_process";
import { appendFile, chmod, cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { runCaptured as run } from "../test-output.js";

const dataDir = requireDataDir();
const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

describe("coderm datasets", () => {
  it("verifies every dataset in the data directory", async () => {
    const { code, stdout } = await run(["datasets", "verify", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      datasets: {
        name: string;
        ok: boolean;
        path: string;
        sha256: string;
        files: { absent?: boolean }[];
      }[];
    };
    expect(report.datasets.map((dataset) => dataset.name)).toContain("codet-humaneval-codegen16b");
    // LiveCodeBench's and the original MBPP's files are not in the shared data: listed as
    // absent, not failed
    const absent = report.datasets.filter((dataset) => dataset.files.some((file) => file.absent));
    expect(absent.map((dataset) => dataset.name)).toEqual(["mbpp-full", "livecodebench"]);
    for (const dataset of absent) expect(dataset.ok).toBe(true);
    for (const dataset of report.datasets) {
      if (absent.includes(dataset)) continue;
      expect(dataset.ok).toBe(true);
      expect(dataset.path.startsWith(dataDir)).toBe(true);
      expect(dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("reports a corrupted file with the expected and actual hash and fails", async () => {
    const copy = await mkdtemp(join(tmpdir(), "coderm-cli-data-"));
    await cp(join(dataDir, "mbpp"), join(copy, "mbpp"), { recursive: true });
    await chmod(join(copy, "mbpp", "sanitized-mbpp.json"), 0o644);
    await appendFile(join(copy, "mbpp", "sanitized-mbpp.json"), "\n");
    const previous = process.env.CODERM_DATA_DIR;
    process.env.CODERM_DATA_DIR = copy;
    try {
      const { code, stdout, stderr } = await run(["datasets", "verify", "mbpp", "--json"]);
      expect(code).toBe(1);
      const [dataset] = (
        JSON.parse(stdout) as {
          datasets: { ok: boolean; files: { expected: string; sha256: string }[] }[];
        }
      ).datasets;
      expect(dataset!.ok).toBe(false);
      expect(dataset!.files[0]!.expected).toBe(
        "ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9",
      );
      expect(dataset!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(dataset!.files[0]!.sha256).not.toBe(dataset!.files[0]!.expected);
      expect(stderr).toContain('dataset "mbpp"');
      expect(stderr).toContain("expected ca95deaa9a01ef0a");
    } finally {
      process.env.CODERM_DATA_DIR = previous;
    }
  });

  it("shows the CodeT sample set's samples and unique solutions and tests", async () => {
    const { code, stdout } = await run([
      "datasets",
      "show",
      "codet-humaneval-codegen16b",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      problems: 164,
      solutionSamplesPerProblem: { min: 100, max: 100 },
      testSamplesPerProblem: { min: 100, max: 100 },
      uniqueSolutions: 12_408,
      uniqueTests: 8_331,
    });
  });

  it("lists datasets as a table and as JSON", async () => {
    const table = await run(["datasets", "list"]);
    expect(table.stdout).toMatch(/^name\s+kind\s+language/);
    expect(table.stdout).toContain("humaneval+");
    const json = JSON.parse((await run(["datasets", "list", "--json"])).stdout) as {
      datasets: { files: { url: string }[] }[];
    };
    for (const dataset of json.datasets)
      for (const file of dataset.files) expect(file.url).toMatch(/^https:\/\//);
  });

  it("fails with one clear line on an unknown dataset or a bad option", async () => {
    const unknown = await run(["datasets", "show", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'coderm: unknown dataset "nope" (known: humaneval, humaneval+, mbpp, mbpp-full, mbpp+, livecodebench, humaneval-js, multipl-e-js, multipl-e-ts, codet-humaneval-codegen16b)\n',
    );
    const bad = await run(["datasets", "show", "humaneval", "--tests-per-sample", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tests-per-sample");
  });

  it("runs as a binary with --help on every command", async () => {
    const exec = promisify(execFile);
    for (const argv of [
      ["--help"],
      ["datasets", "--help"],
      ["datasets", "verify", "--help"],
      ["datasets", "show", "--help"],
    ]) {
      const { stdout } = await exec(process.execPath, [bin, ...argv]);
      expect(stdout).toMatch(/^Usage: coderm/);
    }
    await expect(exec(process.execPath, [bin, "datasets", "show"])).rejects.toMatchObject({
      code: 2,
    });
  });
});
