import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "./test-output.js";

requireDataDir();

// Every bad input gets one line naming the flag, or the file, line and field, and exit code 2 in
// every command. These cases stop before any candidate runs.

let dir: string;
let good: string;
let tests: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-bad-input-");
  good = join(dir, "good.jsonl");
  await writeFile(good, '{"task_id": "HumanEval/0", "completion": "    return True\\n"}\n');
  tests = join(dir, "tests.jsonl");
  await writeFile(tests, '{"task_id": "HumanEval/0", "test": "assert True"}\n');
});

const evalOf = (samples: string, ...extra: string[]) =>
  run(["eval", "--benchmark", "humaneval", "--samples", samples, "--workers", "1", ...extra]);
const rerankOf = (candidates: string, testsFile: string, ...extra: string[]) =>
  run([
    "rerank",
    "--benchmark",
    "humaneval",
    "--candidates",
    candidates,
    "--tests",
    testsFile,
    "--workers",
    "1",
    ...extra,
  ]);

describe("bad input files", () => {
  it("refuses a directory, a FIFO with no writer and a missing file, naming the flag and path", async () => {
    const folder = join(dir, "folder.jsonl");
    await mkdir(folder);
    const fifo = join(dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    for (const [path, what] of [
      [folder, "not a regular file (a directory)"],
      [fifo, "not a regular file (a named pipe)"],
      [join(dir, "missing.jsonl"), "no such file"],
    ] as const) {
      const evaluated = await evalOf(path);
      expect(evaluated.code).toBe(2);
      expect(evaluated.stderr).toBe(`coderm: --samples ${path}: ${what}\n`);
      const reranked = await rerankOf(good, path);
      expect(reranked.code).toBe(2);
      expect(reranked.stderr).toBe(`coderm: --tests ${path}: ${what}\n`);
    }
  });

  it("refuses a lone surrogate at read time, naming the file, line and field, in eval and rerank", async () => {
    const samples = join(dir, "surrogate.jsonl");
    await writeFile(
      samples,
      '{"task_id": "HumanEval/0", "completion": "    return True\\n"}\n{"task_id": "HumanEval/0", "completion": "    return \'\\udc80\'\\n"}\n',
    );
    const message = `${samples}:2, field "completion": holds a lone surrogate`;
    const evaluated = await evalOf(samples);
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr).toContain(`coderm: ${message}`);
    const reranked = await rerankOf(samples, tests);
    expect(reranked.code).toBe(2);
    expect(reranked.stderr).toContain(`coderm: ${message}`);
    const badTests = join(dir, "surrogate-tests.jsonl");
    await writeFile(badTests, '{"task_id": "HumanEval/0", "test": "assert f() == \'\\ud800\'"}\n');
    const inTest = await rerankOf(good, badTests);
    expect(inTest.code).toBe(2);
    expect(inTest.stderr).toContain(`coderm: ${badTests}:1, field "test": holds a lone surrogate`);
  });

  it("refuses bytes that are not UTF-8 with the file, line and column", async () => {
    const samples = join(dir, "latin1.jsonl");
    await writeFile(
      samples,
      Buffer.concat([
        Buffer.from('{"task_id": "HumanEval/0", "completion": "    return \'caf'),
        Buffer.from([0xe9]),
        Buffer.from("'\\n\"}\n"),
      ]),
    );
    const evaluated = await evalOf(samples);
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr).toBe(
      `coderm: ${samples}:1: not valid UTF-8 (byte 0xe9 at column 58)\n`,
    );
  });

  it("stops rerank and eval alike at a bad line, unless --skip-bad-lines", async () => {
    const samples = join(dir, "unknown-task.jsonl");
    await writeFile(
      samples,
      '{"task_id": "HumanEval/0", "completion": "    return True\\n"}\n{"task_id": "HumanEval/9999", "completion": ""}\n',
    );
    const message = `${samples}:2, field "task_id": unknown task id "HumanEval/9999"`;
    const evaluated = await evalOf(samples);
    const reranked = await rerankOf(samples, tests);
    for (const result of [evaluated, reranked]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`coderm: ${message}\n`);
    }
    for (const command of ["eval", "rerank"])
      expect((await run([command, "--help"])).stdout).toContain("--skip-bad-lines");
  });
});

describe("bad flags", () => {
  it("names --time-limit and --memory-limit outside the executors' ranges", async () => {
    for (const [flag, value, range] of [
      ["--memory-limit", "99999999", "MiB from 16 to 65536"],
      ["--memory-limit", "8", "MiB from 16 to 65536"],
      ["--time-limit", "0", "milliseconds from 1 to 600000"],
      ["--time-limit", "700000", "milliseconds from 1 to 600000"],
    ] as const) {
      const evaluated = await evalOf(good, flag, value);
      expect(evaluated.code).toBe(2);
      expect(evaluated.stderr).toContain(`option '${flag} <`);
      expect(evaluated.stderr).toContain(`expected a whole number of ${range}`);
      const reranked = await rerankOf(good, tests, flag, value);
      expect(reranked.code).toBe(2);
      expect(reranked.stderr).toContain(`option '${flag} <`);
    }
    const groundTruth = await rerankOf(good, tests, "--ground-truth-time-limit", "600001");
    expect(groundTruth.code).toBe(2);
    expect(groundTruth.stderr).toContain("--ground-truth-time-limit");
  });

  it("refuses a --sandbox level the --executor does not offer, naming both flags", async () => {
    const docker = await evalOf(good, "--executor", "docker", "--sandbox", "bwrap");
    expect(docker.code).toBe(2);
    expect(docker.stderr).toBe(
      "coderm: --sandbox bwrap cannot be used with --executor docker: its sandbox levels are docker\n",
    );
    const local = await rerankOf(good, tests, "--executor", "local", "--sandbox", "docker");
    expect(local.code).toBe(2);
    expect(local.stderr).toContain("--sandbox docker cannot be used with --executor local");
  });
});

describe("bad settings files", () => {
  it("names the settings file once, accepts a byte-order mark and refuses what is not a file", async () => {
    const unknown = join(dir, "unknown.json");
    await writeFile(unknown, JSON.stringify({ eval: { "memory-limt": 5 } }));
    const first = await evalOf(good, "--config", unknown);
    expect(first.code).toBe(2);
    expect(first.stderr).toBe(`coderm: ${unknown}: unknown setting "eval.memory-limt"\n`);

    const range = join(dir, "range.json");
    await writeFile(range, "\uFEFF" + JSON.stringify({ "memory-limit": 1 }));
    const second = await evalOf(good, "--config", range);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `coderm: ${range}: "memory-limit": expected a whole number of MiB from 16 to 65536.\n`,
    );

    const latin = join(dir, "latin1.json");
    await writeFile(latin, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
    const third = await evalOf(good, "--config", latin);
    expect(third.code).toBe(2);
    expect(third.stderr).toBe(`coderm: ${latin}: the settings file is not UTF-8 text\n`);

    const fifo = join(dir, "settings.json");
    execFileSync("mkfifo", [fifo]);
    const fourth = await evalOf(good, "--config", fifo);
    expect(fourth.code).toBe(2);
    expect(fourth.stderr).toBe(`coderm: ${fifo}: the settings file is not a regular file\n`);
  });
});
