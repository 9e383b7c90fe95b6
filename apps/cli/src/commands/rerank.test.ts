import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

const jsonl = (lines: unknown[]) => lines.map((line) => JSON.stringify(line)).join("\n");
let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-rerank-");
});

describe("coderm rerank", () => {
  it("reranks file inputs, with --skip-bad-lines reporting bad items per line without stopping", async () => {
    const [first] = await loadProblems("humaneval");
    const candidates = join(dir, "candidates.jsonl");
    const tests = join(dir, "tests.jsonl");
    await writeFile(
      candidates,
      jsonl([
        { task_id: first!.id, solution: first!.canonicalSolution },
        { task_id: first!.id, completion: "    return False\n" },
        { task_id: first!.id, completion: "    return False\n" },
        { task_id: "HumanEval/9999", completion: "    pass\n" },
      ]),
    );
    await writeFile(
      tests,
      jsonl([
        { task_id: first!.id, test: "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False" },
        { task_id: first!.id, test: "assert has_close_elements([1.0, 2.8, 3.0], 0.3) == True" },
        { task_id: first!.id, test: "assert has_close_elements([1.0, 2.8, 3.0], 0.3) == = True" },
        { task_id: first!.id },
      ]),
    );
    const out = join(dir, "out");
    const { code, stdout, stderr } = await run([
      "rerank",
      "--benchmark",
      "humaneval",
      "--candidates",
      candidates,
      "--tests",
      tests,
      "--json",
      "--out",
      out,
      "--workers",
      "2",
      "--skip-bad-lines",
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.inputs).toEqual({ problems: 164, candidates: 3, tests: 2 });
    expect(report.codet_packing).toEqual({ applied: false, failed_suites: [] });
    expect(report.errors.count).toBe(3);
    expect(report.errors.items.map((item: { line?: number }) => item.line).sort()).toEqual([
      3, 4, 4,
    ]);
    expect(stderr).toContain(
      `coderm: skipped: ${candidates}:4, field "task_id": unknown task id "HumanEval/9999"\n`,
    );
    expect(stderr).toContain("does not parse");
    // The right solution passes both tests, the wrong one (sampled twice) only the first: 2 * 1 > 1 * sqrt(2).
    expect(report.methods.codet["pass@1"]).toBe(100);
    expect(report.methods.random["pass@1"]).toBeCloseTo(100 / 3, 10);
    expect(Object.keys(report.methods)).toEqual(["codet", "coderm-vote", "pass-ratio", "random"]);
    expect(report.executions.unique).toBe(2 * 2 + 2);
    expect(report.timing.wall_s).toBeGreaterThan(0);
    const selected = (await readFile(join(out, "selected.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(selected.find((line) => line.method === "codet").solutions).toEqual([
      first!.canonicalSolution,
    ]);
  });

  it("drops tests with --filter-tests rmrf before anything executes", async () => {
    const [first] = await loadProblems("humaneval");
    const candidates = join(dir, "filter-candidates.jsonl");
    const tests = join(dir, "filter-tests.jsonl");
    await writeFile(
      candidates,
      jsonl([
        { task_id: first!.id, solution: first!.canonicalSolution },
        { task_id: first!.id, completion: "    return False\n" },
      ]),
    );
    await writeFile(
      tests,
      jsonl([
        { task_id: first!.id, test: "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False" },
        { task_id: first!.id, test: "assert has_close_elements([1.0, 2.8, 3.0], 0.3) == True" },
      ]),
    );
    const rerankWith = async (threshold: string) => {
      const { code, stdout, stderr } = await run([
        "rerank",
        "--benchmark",
        "humaneval",
        "--candidates",
        candidates,
        "--tests",
        tests,
        "--filter-tests",
        "rmrf",
        "--filter-threshold",
        threshold,
        "--no-cache",
        "--json",
      ]);
      expect(code, stderr).toBe(0);
      return JSON.parse(stdout);
    };
    // no probability is below 0: every test is kept and runs against both candidates
    const kept = await rerankWith("0");
    expect(kept.test_filter).toMatchObject({ scorer: "rmrf", tests_scored: 2, tests_dropped: 0 });
    expect(kept.executions.unique).toBe(2 * 2 + 2);
    // nothing is certain to run: every test is dropped, only the ground truth executes
    const dropped = await rerankWith("1");
    expect(dropped.test_filter).toMatchObject({ tests_scored: 2, tests_kept: 0, tests_dropped: 2 });
    expect(dropped.executions.unique).toBe(2);
    expect(dropped.inputs.tests).toBe(0);
  });

  it("stops at an empty candidate file, or goes on counting it with --skip-bad-lines", async () => {
    const candidates = join(dir, "empty.jsonl");
    const tests = join(dir, "tests-ok.jsonl");
    await writeFile(candidates, "");
    await writeFile(tests, jsonl([{ task_id: "HumanEval/0", test: "assert True" }]));
    const args = [
      "rerank",
      "--benchmark",
      "humaneval",
      "--candidates",
      candidates,
      "--tests",
      tests,
      "--json",
      "--methods",
      "codet",
    ];
    const strict = await run(args);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toBe(
      `coderm: ${candidates}: no candidates: the file is empty or every line was bad\n`,
    );
    const { code, stdout } = await run([...args, "--skip-bad-lines"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.errors.items[0].message).toContain("no candidates");
    expect(report.methods).toEqual({ codet: {} });
  });

  it("rejects unknown methods and half-given file inputs", async () => {
    const unknown = await run(["rerank", "--methods", "codet,best"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown method "best"');
    const half = await run(["rerank", "--candidates", "x.jsonl"]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("file inputs need a benchmark");
    expect(half.stderr).toContain("(--benchmark)");
    const problem = await run(["rerank", "--problems", "HumanEval/3,HumanEval/999"]);
    expect(problem.code).toBe(2);
    expect(problem.stderr).toContain('no problem "HumanEval/999" in these inputs');
    expect(problem.stderr).toContain("(--problems)");
  });

  it("judges humaneval+'s ground truth as EvalPlus does: a candidate wrong on plus inputs only is wrong", async () => {
    const [first] = await loadProblems("humaneval+");
    const candidates = join(dir, "plus-candidates.jsonl");
    const tests = join(dir, "plus-tests.jsonl");
    // has_close_elements, right on HumanEval's base inputs but not on every plus input: it counts
    // a distance equal to the threshold as close
    const neighbours =
      "    s = sorted(numbers)\n    return any(b - a <= threshold for a, b in zip(s, s[1:]))\n";
    await writeFile(
      candidates,
      jsonl([
        { task_id: first!.id, solution: first!.canonicalSolution },
        { task_id: first!.id, completion: neighbours },
        { task_id: first!.id, completion: "    return None\n" },
      ]),
    );
    await writeFile(tests, jsonl([{ task_id: first!.id, test: "assert True" }]));
    const args = ["rerank", "--benchmark", "humaneval+", "--candidates", candidates];
    const { code, stdout, stderr } = await run([...args, "--tests", tests, "--json"]);
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.methods.random["pass@1"]).toBeCloseTo(100 / 3, 10);
    // the same candidates against the base inputs alone: the neighbour check passes them
    const base = await run([
      ...["rerank", "--benchmark", "humaneval", "--candidates", candidates, "--tests", tests],
      "--json",
    ]);
    expect(JSON.parse(base.stdout).methods.random["pass@1"]).toBeCloseTo(200 / 3, 10);
    const single = await run([...args, "--tests", tests, "--ground-truth-time-limit", "100"]);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain("--min-time-limit and --gt-time-limit-factor");
  });
});
