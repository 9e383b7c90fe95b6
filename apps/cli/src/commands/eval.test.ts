import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-eval-");
});

describe("coderm eval", () => {
  it("scores canonical and broken samples against HumanEval's ground truth, with details in input order", async () => {
    const problems = (await loadProblems("humaneval")).slice(0, 3);
    const lines = problems.flatMap((problem) => [
      { task_id: problem.id, solution: problem.canonicalSolution },
      { task_id: problem.id, completion: "    return None\n" },
    ]);
    const samples = join(dir, "samples.jsonl");
    const details = join(dir, "details.jsonl");
    await writeFile(samples, lines.map((line) => JSON.stringify(line)).join("\n"));
    const { code, stdout } = await run([
      "eval",
      "--benchmark",
      "humaneval",
      "--samples",
      samples,
      "--details",
      details,
      "--json",
      "--workers",
      "2",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    // 164 problems, 3 of them with one good sample in two: pass@1 = 3 * 0.5 / 164.
    expect(report["pass@1"]).toBeCloseTo((100 * 1.5) / 164, 10);
    expect(report["pass@10"]).toBeUndefined();
    expect(report.samples).toBe(6);
    const written = (await readFile(details, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(written.map((line) => [line.task_id, line.passed])).toEqual(
      problems.flatMap((problem) => [
        [problem.id, true],
        [problem.id, false],
      ]),
    );
    expect(written[1].verdicts[0].status).toBe("fail");

    const again = await run([
      "eval",
      "--benchmark",
      "humaneval",
      "--samples",
      samples,
      "--json",
      "--workers",
      "2",
    ]);
    expect(JSON.parse(again.stdout).executions).toMatchObject({ unique: 0, cached: 6 });
  });

  it("stops at a bad sample line with the file and line (exit 2), or skips it with --skip-bad-lines", async () => {
    const samples = join(dir, "bad.jsonl");
    await writeFile(
      samples,
      '{"task_id": "HumanEval/0", "completion": "    return 1\\n"}\n{"task_id": "HumanEval/9999", "completion": ""}\n',
    );
    const { code, stderr } = await run([
      "eval",
      "--benchmark",
      "humaneval",
      "--samples",
      samples,
      "--workers",
      "1",
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `coderm: ${samples}:2, field "task_id": unknown task id "HumanEval/9999"\n`,
    );
    const skipping = await run([
      "eval",
      "--benchmark",
      "humaneval",
      "--samples",
      samples,
      "--workers",
      "1",
      "--skip-bad-lines",
      "--json",
    ]);
    expect(skipping.code).toBe(0);
    expect(skipping.stderr).toContain(
      `coderm: skipped: ${samples}:2, field "task_id": unknown task id "HumanEval/9999"\n`,
    );
    const report = JSON.parse(skipping.stdout);
    expect(report.samples).toBe(1);
    expect(report.bad_lines).toMatchObject([{ file: samples, line: 2, field: "task_id" }]);
    const missing = await run([
      "eval",
      "--benchmark",
      "humaneval",
      "--samples",
      join(dir, "nope.jsonl"),
      "--workers",
      "1",
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.jsonl: no such file");
  });
});
