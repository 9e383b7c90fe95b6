import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { requireDataDir } from "@coderm/vitest-config/data";
import { describe, expect, it } from "vitest";
import { parseRmrfSample, readRmrfSample, rmrfSampleDeltas } from "./rmrf-sample.js";

const directory = join(requireDataDir(), "rm-rf", "validation-dev");

describe("RM-RF's dev samples", () => {
  it("reproduces every sample's stored deltas from its coverage sets and mutant maps", async () => {
    const files = (await readdir(directory)).filter((name) => name.endsWith(".toml")).sort();
    expect(files.length).toBeGreaterThan(600);
    const languages = new Map<string, number>();
    const mismatches: string[] = [];
    for (const name of files) {
      const sample = await readRmrfSample(join(directory, name));
      languages.set(sample.language, (languages.get(sample.language) ?? 0) + 1);
      const deltas = rmrfSampleDeltas(sample);
      // the stored rates keep four decimals
      const round = (value: number) => Math.round(value * 10_000) / 10_000;
      if (round(deltas.coverage) !== sample.targets.coverage)
        mismatches.push(`${name}: coverage ${deltas.coverage} vs ${sample.targets.coverage}`);
      if (round(deltas.mutation) !== sample.targets.mutation)
        mismatches.push(`${name}: mutation ${deltas.mutation} vs ${sample.targets.mutation}`);
      // the targets nest: a test that does not run adds nothing
      if (!sample.correct) expect(deltas).toMatchObject({ coverage: 0, mutation: 0 });
    }
    expect(mismatches).toEqual([]);
    expect(Object.fromEntries(languages)).toEqual({ Python: 302, Java: 182, Go: 120 });
  });

  it("keeps the lines and mutants behind each delta", async () => {
    const sample = await readRmrfSample(
      join(directory, "human_correct_canonical_craft-parts_test_humanize_list.toml"),
    );
    expect(rmrfSampleDeltas(sample)).toMatchObject({
      runsCorrectly: true,
      newlyCovered: [32, 38, 40, 41, 43],
      newlyKilled: [],
    });
  });

  it("names the file and field of a malformed sample", () => {
    const error = (() => {
      try {
        parseRmrfSample('[lang_info]\nlang = "Rust"\n', "bad.toml");
      } catch (caught) {
        return caught;
      }
    })();
    expect(CodermError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: "bad.toml", field: "lang_info.lang" });
    expect(() => parseRmrfSample("not = [toml", "broken.toml")).toThrow(/broken.toml.*TOML/);
  });
});
