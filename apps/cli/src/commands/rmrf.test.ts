import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpenAITestServer } from "@coderm/openai-test-server";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { readRecords, runCaptured as run, useTemporaryCache } from "../test-output.js";

const dataDir = requireDataDir();
const devSamples = join(dataDir, "rm-rf", "validation-dev");
let dir: string;
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-rmrf-");
});

describe("coderm rmrf read", () => {
  it("reads RM-RF's dev samples, whose stored deltas all follow from their maps", async () => {
    const { code, stdout } = await run(["rmrf", "read", devSamples, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.samples).toBe(604);
    expect(
      Object.fromEntries(
        report.by_language.map((row: { language: string; samples: number }) => [
          row.language,
          row.samples,
        ]),
      ),
    ).toEqual({ Python: 302, Java: 182, Go: 120 });
    expect(report.mismatched_files).toEqual([]);
  });

  it("names a file that does not read and goes on with the others", async () => {
    const folder = await mkdtemp(join(tmpdir(), "coderm-rmrf-read-"));
    const [first] = (await readdir(devSamples)).filter((name) => name.endsWith(".toml")).sort();
    await cp(join(devSamples, first!), join(folder, "good.toml"));
    const text = await readFile(join(devSamples, first!), "utf8");
    await writeFile(
      join(folder, "broken.toml"),
      text.replace("[target_deltas]", "[target_deltas_gone]"),
    );
    const { code, stdout, stderr } = await run(["rmrf", "read", folder, "--json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).samples).toBe(1);
    expect(stderr).toMatch(/broken\.toml.*target_deltas/);
  });
});

describe("coderm rmrf label", () => {
  it("labels pairs by execution, writes JSONL and TOML, and relabels from the verdict cache executing nothing", async () => {
    const out = join(dir, "labels");
    const args = [
      "rmrf",
      "label",
      "--out",
      out,
      "--problem",
      "HumanEval/2",
      "Mbpp/2",
      "--codet-tests",
      "8",
      "--ground-truth-tests",
      "4",
      "--workers",
      "2",
      "--json",
    ];
    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    // HumanEval/2 twice (HumanEval and HumanEval+ focal files) and Mbpp/2
    expect(report.focalFiles).toBe(3);
    const pairs = await readRecords(join(out, "pairs.jsonl"));
    expect(pairs.length).toBe(report.pairs);
    expect(report.pairs).toBeGreaterThan(10);
    expect(report.positives.runs).toBeGreaterThan(0);
    expect(report.positives.runs).toBeLessThanOrEqual(report.pairs);
    for (const pair of pairs as {
      labels: Record<string, boolean>;
      deltas: Record<string, number>;
    }[]) {
      // the targets nest
      if (pair.labels.coverageGain || pair.labels.mutationGain) expect(pair.labels.runs).toBe(true);
      expect(pair.labels.coverageGain).toBe(pair.deltas.coverage! > 0);
    }
    const tomlFiles = await readdir(join(out, "toml"), { recursive: true });
    expect(tomlFiles.filter((name) => String(name).endsWith(".toml"))).toHaveLength(report.pairs);
    const read = await run(["rmrf", "read", join(out, "toml"), "--json"]);
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout).mismatched_files).toEqual([]);

    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout);
    expect(second.executed).toBe(0);
    expect(await readRecords(join(out, "pairs.jsonl"))).toEqual(pairs);
  }, 300_000);
});

describe("coderm rmrf train and eval", () => {
  it("trains the embedded model on RM-RF samples and evaluates it against the always-yes floor", async () => {
    const model = join(dir, "model.json");
    const trained = await run([
      "rmrf",
      "train",
      "--rmrf",
      devSamples,
      "--rmrf-repositories",
      "JohnnyIrvin/shell-craft,MrCordeiro/parse2docs",
      "--trees",
      "5",
      "--out",
      model,
      "--json",
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout).trained_on.description).toMatch(
      /RM-RF samples \(\d+ rows of 2 repositories\)/,
    );
    // repositories the model never saw
    const evaluated = await run([
      "rmrf",
      "eval",
      "--rmrf",
      devSamples,
      "--rmrf-repositories",
      "lumicks/pylake,marimo-team/marimo",
      "--model",
      model,
      "--json",
    ]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.rows).toBe(153);
    expect(Object.keys(report.reports)).toEqual(["all"]);
    const runs = report.reports.all.targets.runs;
    expect(runs.floor.f1).toBeGreaterThan(0.5);
    expect(runs.f1).toBeGreaterThanOrEqual(0);
    expect(runs.auroc).toBeGreaterThanOrEqual(0);
    expect(report.paper_mean_f1).toBe(0.69);
    expect(report.latency.ms_per_test).toBeGreaterThan(0);
  }, 120_000);

  it("evaluates a served model end to end against an OpenAI-compatible server, with structured output", async () => {
    const server = createOpenAITestServer({
      models: ["judge"],
      respond: (request) => {
        const prompt = String(request.messages?.at(-1)?.content ?? "");
        const candidate = prompt.split("A candidate test to add to the existing tests:")[1] ?? "";
        return JSON.stringify({
          runs: true,
          coverage_increase: candidate.includes("assert"),
          mutation_increase: false,
        });
      },
    });
    const { baseURL } = await server.start();
    try {
      const folder = await mkdtemp(join(tmpdir(), "coderm-rmrf-served-"));
      const names = (await readdir(devSamples))
        .filter((name) => name.startsWith("JohnnyIrvin"))
        .sort();
      for (const name of names) await cp(join(devSamples, name), join(folder, name));
      const { code, stdout, stderr } = await run([
        "rmrf",
        "eval",
        "--rmrf",
        folder,
        "--scorer",
        "served",
        "--base-url",
        baseURL,
        "--served-model",
        "judge",
        "--json",
      ]);
      expect(code, stderr).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.scorer).toBe("served");
      expect(report.rows).toBe(names.length);
      // every test "runs": the served scorer's F1 on runs is the floor's
      expect(report.reports.all.targets.runs.f1).toBe(report.reports.all.targets.runs.floor.f1);
      const bodies = server.requests.filter((request) => request.path === "/v1/chat/completions");
      expect(bodies).toHaveLength(names.length);
      expect((bodies[0]!.body as { response_format: { type: string } }).response_format.type).toBe(
        "json_schema",
      );
    } finally {
      await server.close();
    }
  });
});
