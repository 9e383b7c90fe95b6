import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-allocate-");
});

describe("coderm allocate study", () => {
  it("writes the curves, table and plot, with early stopping reaching the full budget's pick", async () => {
    const out = join(dir, "study");
    const { code, stdout } = await run([
      "allocate",
      "study",
      "--limit",
      "12",
      "--budgets",
      "1,4,all",
      "--seeds",
      "3",
      "--draws",
      "4",
      "--folds",
      "3",
      "--workers",
      "2",
      "--out",
      out,
      "--json",
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ problems: 12, seeds: 3, budget_labels: ["1", "4", "all"] });
    expect(result.budgets.slice(0, 2)).toEqual([1, 4]);
    for (const strategy of ["equal", "greedy-predicted", "greedy-oracle"])
      for (const method of ["coderm-vote", "codet"]) {
        const curve = result.curves[strategy][method];
        expect(curve).toHaveLength(3);
        for (const { mean, low, high } of curve) {
          expect(low).toBeLessThanOrEqual(mean);
          expect(high).toBeGreaterThanOrEqual(mean);
        }
        // Every strategy spends "all" the same way.
        expect(curve[2].mean).toBeCloseTo(result.curves.equal[method][2].mean, 10);
        if (strategy === "equal") continue;
        const versus = result.versus_equal[strategy][method];
        expect(versus[0].mean).toBeCloseTo(curve[0].mean - result.curves.equal[method][0].mean, 10);
        expect(versus[2]).toEqual({ mean: 0, low: 0, high: 0 });
      }
    for (const method of ["coderm-vote", "codet"]) {
      const stopped = result.early_stopping[method];
      expect(stopped.rule).toBe("exact");
      expect(stopped.pass_at_1).toBeCloseTo(stopped.full_pass_at_1, 10);
      expect(stopped.executions).toBeLessThanOrEqual(stopped.full_executions);
    }
    expect(JSON.parse(await readFile(join(out, "study.json"), "utf8"))).toEqual(result);
    expect(await readFile(join(out, "study.md"), "utf8")).toContain("| greedy-oracle − equal |");
    expect(await readFile(join(out, "study.svg"), "utf8")).toMatch(/^<svg/);
  }, 180_000);

  it("rejects a budget that is not a positive number or all", async () => {
    const { code, stderr } = await run(["allocate", "study", "--budgets", "1,zero"]);
    expect(code).toBe(2);
    expect(stderr).toContain('"zero" is not a positive number of tests or "all"');
  });

  it("rejects a negative margin and a bandwidth of zero, naming the option", async () => {
    const margin = await run(["allocate", "study", "--margin", "-0.1"]);
    expect(margin.code).toBe(2);
    expect(margin.stderr).toContain("--margin");
    expect(margin.stderr).toContain("expected a number of at least 0");
    const bandwidth = await run(["allocate", "study", "--bandwidth", "0"]);
    expect(bandwidth.code).toBe(2);
    expect(bandwidth.stderr).toContain("expected a positive number");
  });
});

describe("coderm rerank --test-budget", () => {
  it("spends the budget by each allocation and reports intervals over repeats", async () => {
    const report = async (...flags: string[]) => {
      const { code, stdout } = await run([
        "rerank",
        "--limit",
        "40",
        "--methods",
        "codet",
        "--workers",
        "2",
        "--json",
        ...flags,
      ]);
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(result.inputs.problems).toBe(40);
      return result.methods.codet["pass@1"];
    };
    // Every test, once: CodeT's pick on these 40 problems.
    const all: number = await report();
    const scores: Record<string, number> = {};
    for (const allocation of ["equal", "oracle"]) {
      const pass = await report("--test-budget", "2", "--allocation", allocation, "--repeats", "3");
      expect(pass.low).toBeLessThanOrEqual(pass.mean);
      expect(pass.high).toBeGreaterThanOrEqual(pass.mean);
      scores[allocation] = pass.mean;
    }
    // Two tests a problem fall far short of every test, and greedy on the gold difficulty spends
    // them differently from equal allocation.
    expect(scores.equal).toBeLessThan(all - 5);
    expect(scores.oracle).not.toBe(scores.equal);
  }, 300_000);
});
