import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

const jsonl = (lines: unknown[]) => lines.map((line) => JSON.stringify(line)).join("\n");
let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-javascript-");
});

// JavaScript problems need no flag: the executor stack routes them to V8 isolates.
describe("JavaScript and TypeScript problems end to end", () => {
  it("evaluates HumanEval-X JavaScript samples against its ground truth", async () => {
    const problems = (await loadProblems("humaneval-js")).slice(0, 3);
    const samples = join(dir, "samples.jsonl");
    await writeFile(
      samples,
      jsonl(
        problems.flatMap((problem) => [
          { task_id: problem.id, solution: problem.canonicalSolution },
          { task_id: problem.id, completion: "  return null;\n}\n" },
        ]),
      ),
    );
    const { code, stdout, stderr } = await run([
      ...["eval", "--benchmark", "humaneval-js", "--samples", samples, "--json", "--no-cache"],
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    // 164 problems, 3 with one right sample in two
    expect(report["pass@1"]).toBeCloseTo((100 * 1.5) / 164, 10);
    expect(report.samples).toBe(6);
  });

  it("reranks JavaScript candidates with JavaScript tests, and TypeScript ones on MultiPL-E", async () => {
    const [problem] = await loadProblems("humaneval-js");
    const candidates = join(dir, "candidates.jsonl");
    const tests = join(dir, "tests.jsonl");
    await writeFile(
      candidates,
      jsonl([
        { task_id: problem!.id, solution: problem!.canonicalSolution },
        { task_id: problem!.id, completion: "  return false;\n}\n" },
        { task_id: problem!.id, completion: "  return false;\n}\n" },
      ]),
    );
    await writeFile(
      tests,
      jsonl([
        // the right program passes both, `return false` only the first
        {
          task_id: problem!.id,
          test: "console.assert(hasCloseElements([1.0, 2.0, 3.0], 0.5) === false)",
        },
        {
          task_id: problem!.id,
          test: "const assert = require('node:assert');\nassert.strictEqual(hasCloseElements([1.0, 2.8, 3.0], 0.3), true);",
        },
      ]),
    );
    const { code, stdout, stderr } = await run([
      ...["rerank", "--benchmark", "humaneval-js", "--candidates", candidates, "--tests", tests],
      ...["--json", "--no-cache"],
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    // 2 * 1 > 1 * sqrt(2): CodeT picks the right program
    expect(report.methods.codet["pass@1"]).toBe(100);
    expect(report.methods.random["pass@1"]).toBeCloseTo(100 / 3, 10);
    expect(report.executions.unique).toBe(2 * 2 + 2);

    const [typed] = await loadProblems("multipl-e-ts");
    const typedCandidates = join(dir, "typed.jsonl");
    const typedTests = join(dir, "typed-tests.jsonl");
    // strlen: a right program and a wrong one; the test itself carries a type annotation
    await writeFile(
      typedCandidates,
      jsonl([
        { task_id: typed!.id, completion: "  return string.length;\n}\n" },
        { task_id: typed!.id, completion: "  return 0;\n}\n" },
      ]),
    );
    await writeFile(
      typedTests,
      jsonl([
        {
          task_id: typed!.id,
          test: "const n: number = strlen('abc');\nif (n !== 3) throw new Error('wrong');",
        },
      ]),
    );
    const typedRun = await run([
      ...["rerank", "--benchmark", "multipl-e-ts", "--candidates", typedCandidates],
      ...["--tests", typedTests, "--methods", "codet", "--json", "--no-cache"],
    ]);
    expect(typedRun.code, typedRun.stderr).toBe(0);
    expect(JSON.parse(typedRun.stdout).methods.codet["pass@1"]).toBe(100);
  });
});
