import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-nt-study-");
});

describe("coderm nt study", () => {
  it("replays hybrid reranking with simulated reward models, saying so in every output", async () => {
    const out = join(dir, "study");
    const { code, stdout } = await run([
      "nt",
      "study",
      "--limit",
      "4",
      "--aurocs",
      "0.6,0.9",
      "--keeps",
      "1,1000",
      "--seeds",
      "3",
      "--out",
      out,
      "--json",
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ simulated: true, problems: 4, seeds: 3 });
    expect(result.note).toContain("SIMULATED");
    for (const level of result.levels) {
      // keeping every program is CodeT over all of them
      const all = level.cells.find((cell: { keep: number }) => cell.keep === 1000);
      expect(all.passAt1.mean).toBeCloseTo(result.baseline.tests, 10);
      expect(all.executionFraction).toBe(1);
      expect(level.cells[0].executionFraction).toBeLessThan(0.1);
    }
    expect(await readFile(join(out, "study.md"), "utf8")).toContain("**SIMULATED reward models");
    expect(await readFile(join(out, "study.svg"), "utf8")).toContain("SIMULATED reward models");
  });

  it("names the flag of a bad AUROC", async () => {
    const { code, stderr } = await run(["nt", "study", "--aurocs", "0.4"]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("--aurocs");
    expect(stderr).toContain("an AUROC in [0.5, 1)");
  });
});
