import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-experiments-cli-");
});

const spec = (body: string) => `name: cli
experiments:
  - id: main
    kind: rerank
    datasets: [humaneval]
    candidates: [{ released: codet-humaneval-codegen16b }]
    tests: [{ released: codet-humaneval-codegen16b }]
    methods: [codet, random]
${body}`;

const resumable = spec(`    limit: 6
    budgets: { tests: [1, 2, 4, all] }
    seeds: [0, 1, 2, 3]
  - id: alloc
    kind: allocation-study
    dataset: codet-humaneval-codegen16b
    limit: 6
    seeds: 4
    budgets: [1, 2, all]
`);

/** The stored results of a store file, by key. */
function storedResults(path: string): Map<string, string> {
  const database = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = database.prepare("SELECT key, result FROM results").all() as {
      key: string;
      result: string;
    }[];
    return new Map(rows.map((row) => [row.key, row.result]));
  } finally {
    database.close();
  }
}

function storedCount(path: string): number {
  if (!existsSync(path)) return 0;
  try {
    return storedResults(path).size;
  } catch {
    return 0;
  }
}

describe("coderm experiments", () => {
  it.each([
    ["an unknown dataset", "[humaneval]", "[humanevel]", "experiments[0].datasets[0]", 5],
    ["an unknown method", "[codet, random]", "[codet, best]", "experiments[0].methods[1]", 8],
    [
      "a bad budget",
      "methods: [codet, random]",
      "methods: [codet, random]\n    budgets: { candidates: [0] }",
      "experiments[0].budgets.candidates[0]",
      9,
    ],
  ])(
    "fails on %s before any work, naming the file, line and field",
    async (_, from, to, field, line) => {
      const file = join(dir, `bad-${line}.yaml`);
      await writeFile(file, spec("").replace(from, to));
      const store = join(dir, `bad-${line}.sqlite`);
      const { code, stderr } = await run(["experiments", "run", file, "--store", store]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file}:${line}, field "${field}"`);
      expect(existsSync(store)).toBe(false);
    },
  );

  it("names a samples file that is not there, before any work", async () => {
    const file = join(dir, "missing.yaml");
    await writeFile(
      file,
      spec("").replace(
        "[{ released: codet-humaneval-codegen16b }]\n    tests",
        "[{ file: nowhere.jsonl }]\n    tests",
      ),
    );
    const { code, stderr } = await run([
      "experiments",
      "plan",
      file,
      "--store",
      join(dir, "m.sqlite"),
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('field "experiments[0].candidates[0]"');
    expect(stderr).toContain("nowhere.jsonl");
  });

  it("resumes a run killed with SIGKILL: only the missing cells run, and the figures equal an uninterrupted run's", async () => {
    const file = join(dir, "resumable.yaml");
    await writeFile(file, resumable);
    const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));
    const killedStore = join(dir, "killed.sqlite");
    const child = spawn(
      process.execPath,
      [bin, "experiments", "run", file, "--store", killedStore, "--workers", "2"],
      { env: process.env, stdio: "ignore" },
    );
    while (storedCount(killedStore) < 3 && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGKILL");
    const [, signal] = (await once(child, "exit")) as [number | null, string | null];
    expect(signal).toBe("SIGKILL");
    const before = storedCount(killedStore);
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(33);

    const resumed = await run([
      "experiments",
      "run",
      file,
      "--store",
      killedStore,
      "--workers",
      "2",
      "--json",
    ]);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ cells: 33, from_store: before, computed: 33 - before });

    const cleanStore = join(dir, "clean.sqlite");
    const clean = await run([
      "experiments",
      "run",
      file,
      "--store",
      cleanStore,
      "--workers",
      "2",
      "--json",
    ]);
    expect(clean.code).toBe(0);
    const killed = storedResults(killedStore);
    const uninterrupted = storedResults(cleanStore);
    expect(killed.size).toBe(33);
    // the allocation study times itself: compare everything else
    const comparable = (text: string) => {
      const value = JSON.parse(text);
      delete value.timing;
      return value;
    };
    for (const [key, result] of uninterrupted)
      expect(comparable(killed.get(key)!), key).toEqual(comparable(result));

    // a warm store: nothing computed, no executor opened
    const warm = await run(["experiments", "run", file, "--store", cleanStore, "--json"]);
    expect(JSON.parse(warm.stdout)).toMatchObject({ from_store: 33, computed: 0 });

    const plan = await run(["experiments", "plan", file, "--store", cleanStore, "--json"]);
    expect(JSON.parse(plan.stdout).experiments).toEqual([
      { experiment: "main", kind: "rerank", cells: 32, stored: 32 },
      { experiment: "alloc", kind: "allocation-study", cells: 1, stored: 1 },
    ]);

    const out = join(dir, "report");
    const report = await run([
      "experiments",
      "report",
      file,
      "--store",
      cleanStore,
      "--out",
      out,
      "--json",
    ]);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout).charts).toBeGreaterThanOrEqual(3);
    const html = await readFile(join(out, "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link/);
    const markdown = await readFile(join(out, "report.md"), "utf8");
    expect(markdown).toMatch(/\| codet \| \d+\.\d\d/);
    expect(markdown).toContain("![");
  }, 600_000);
});
