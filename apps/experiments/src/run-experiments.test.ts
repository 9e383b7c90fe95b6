import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import type { Problem } from "@coderm/core";
import { createOpenAITestServer, type ScriptRequest } from "@coderm/openai-test-server";
import {
  createRewardMethod,
  loadRerankInputs,
  type OpenedExecutor,
  openExecutor,
  rerank,
} from "@coderm/pipeline";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RerankCellResult } from "./cell-results.js";
import { planCells } from "./cells.js";
import { parseExperimentSpec } from "./parse-spec.js";
import { experimentsReport } from "./report-document.js";
import { createResultsStore } from "./results-store.js";
import { runExperiments } from "./run-experiments.js";

requireDataDir();

let dir: string;
let problems: Problem[];
const previousCache = process.env.CODERM_CACHE_DIR;

// The policy answers the reference solution for even samples and a wrong one for odd samples;
// the test writer's sample 0 runs the problem's own check, sample 1 passes every program.
const server = createOpenAITestServer({
  models: ["policy", "tester"],
  respond: (request: ScriptRequest) => {
    const text = JSON.stringify(request.messages ?? request.prompt);
    const problem = problems.find((item) =>
      text.includes(JSON.stringify(item.prompt).slice(1, -1)),
    );
    if (problem === undefined) throw new Error("no problem matches the request");
    if (request.model === "policy")
      return request.sampleIndex % 2 === 0
        ? `\`\`\`python\n${problem.canonicalSolution}\n\`\`\``
        : `\`\`\`python\ndef ${problem.entryPoint}(*args):\n    return "wrong"\n\`\`\``;
    const check = problem.tests?.[0];
    if (request.sampleIndex === 0 && check !== undefined && "code" in check)
      return `\`\`\`python\nimport unittest\n\n${check.code}\n\nclass TestIt(unittest.TestCase):\n    def test_check(self):\n        check(${problem.entryPoint})\n\`\`\``;
    return "```python\nimport unittest\n\nclass TestNothing(unittest.TestCase):\n    def test_true(self):\n        self.assertTrue(True)\n```";
  },
});
let baseURL: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "coderm-experiments-"));
  process.env.CODERM_CACHE_DIR = join(dir, "cache");
  problems = await loadProblems("humaneval");
  ({ baseURL } = await server.start());
});
afterAll(async () => {
  await server.close();
  if (previousCache === undefined) delete process.env.CODERM_CACHE_DIR;
  else process.env.CODERM_CACHE_DIR = previousCache;
  await rm(dir, { recursive: true, force: true });
});

const released = `
    datasets: [humaneval]
    candidates: [{ released: codet-humaneval-codegen16b }]
    tests: [{ released: codet-humaneval-codegen16b }]
    limit: 4`;

const releasedSpec = `name: released
experiments:
  - id: main
    kind: rerank${released}
    methods: [codet, random, { name: codet, filter: rmrf }]
    budgets: { tests: [1, all], allocation: [equal, oracle] }
    seeds: [0, 1]
    published: { codet: 36.7 }
  - id: alloc
    kind: allocation-study
    dataset: codet-humaneval-codegen16b
    limit: 4
    seeds: 2
    budgets: [1, all]
  - id: hybrid
    kind: hybrid-study
    dataset: codet-humaneval-codegen16b
    limit: 4
    seeds: 2
    keeps: [1, 2]
    aurocs: [0.7, 0.9]
`;

/** A run of a spec with a store in `dir`, counting the executors it opened. */
async function runSpec(text: string, storeName: string) {
  const spec = parseExperimentSpec(text);
  const cells = await planCells(spec, { directory: dir });
  const store = createResultsStore({ path: join(dir, `${storeName}.sqlite`) });
  let opened = 0;
  try {
    const summary = await runExperiments({
      cells,
      store,
      workDirectory: join(dir, "work"),
      openExecutor: async (): Promise<OpenedExecutor> => {
        opened += 1;
        return openExecutor({ workers: 2 });
      },
    });
    const results = new Map(
      cells.map(({ key, cell }) => [key, { cell, result: store.get(key)?.result }]),
    );
    const document = experimentsReport(spec, cells, store);
    return { summary, opened, cells, results, document };
  } finally {
    store.close();
  }
}

describe("runExperiments", () => {
  it("computes every cell through the pipeline, as rerank would, and a rerun computes none", async () => {
    const first = await runSpec(releasedSpec, "released");
    // main: 3 methods x (tests all + tests 1 x 2 allocations) x 2 seeds; one cell per study
    expect(first.cells).toHaveLength(3 * 3 * 2 + 2);
    expect(first.summary).toMatchObject({ cells: 20, stored: 0, computed: 20 });
    expect(first.opened).toBe(1);
    for (const { result } of first.results.values()) expect(result).toBeDefined();

    // the full-budget cells equal a direct rerank of the same inputs
    const { input, judging } = await loadRerankInputs({
      dataset: "codet-humaneval-codegen16b",
      testsPerSample: 5,
      limit: 4,
    });
    const opened = await openExecutor({ workers: 2 });
    const limits = { timeMs: 100, memoryMb: 1024, outputBytes: 1024 };
    const direct = await rerank(input, {
      executor: opened.executor,
      methods: ["codet", "random"].map((name) => createRewardMethod(name, { seed: 0 })),
      limits,
      groundTruthLimits: limits,
      judging,
      seed: 0,
    }).finally(() => opened.close());
    const full = (label: string) =>
      [...first.results.values()].find(
        ({ cell }) =>
          cell.kind === "rerank" &&
          cell.method.label === label &&
          cell.budget.tests === "all" &&
          cell.seed === 0,
      )!.result as RerankCellResult;
    expect(full("codet").scores["pass@1"]).toBe(direct.methods.codet!["pass@1"]);
    expect(full("random").scores["pass@1"]).toBe(direct.methods.random!["pass@1"]);
    expect(full("codet").test_quality).toEqual(direct.testQuality);
    expect(full("codet+rmrf").test_filter?.tests_dropped).toBeGreaterThan(0);

    const again = await runSpec(releasedSpec, "released");
    expect(again.summary).toMatchObject({ cells: 20, stored: 20, computed: 0 });
    expect(again.opened).toBe(0);

    // an experiment whose cells another already computed computes nothing, and the report says
    // the shared test quality once
    const shared = await runSpec(
      `${releasedSpec}  - id: again\n    kind: rerank${released}\n    methods: [codet]\n`,
      "released",
    );
    expect(shared.summary).toMatchObject({ cells: 21, distinct: 20, stored: 20, computed: 0 });
    const sharedTitles = shared.document.sections.map((section) => section.title);
    expect(sharedTitles).toContain("again");
    expect(sharedTitles).not.toContain("again: quality of the generated tests");
    expect(shared.document.intro).toContain("21 of 21 cells computed; pass@1 in percent.");

    // a changed seed list computes only the new seed's cells
    const more = await runSpec(
      releasedSpec.replace("seeds: [0, 1]", "seeds: [0, 1, 2]"),
      "released",
    );
    expect(more.summary).toMatchObject({ cells: 29, stored: 20, computed: 9 });

    const titles = first.document.sections.map((section) => section.title);
    expect(titles).toContain("main");
    expect(titles).toContain("main: best-of-N against the budget");
    expect(titles).toContain("main: quality of the generated tests");
    expect(titles.some((title) => title.startsWith("alloc: "))).toBe(true);
    expect(titles.some((title) => title.startsWith("hybrid: "))).toBe(true);
    const table = first.document.sections[0]!.blocks.find((block) => block.kind === "table");
    expect(table?.kind === "table" && table.table.rows.map((row) => row[0])).toEqual([
      "codet",
      "random",
      "codet+rmrf",
    ]);
  }, 600_000);

  it("generates candidates and tests from a served model, and mixes a released side with generated tests", async () => {
    const generation = (model: string, n: number) =>
      `{ generate: { model: ${model}, base_url: "${baseURL}", n: ${n} } }`;
    const { summary, results } = await runSpec(
      `name: generated
experiments:
  - id: served
    kind: rerank
    datasets: [humaneval]
    candidates: [${generation("policy", 4)}, { released: codet-humaneval-codegen16b }]
    tests: [${generation("tester", 2)}]
    methods: [codet, random]
    limit: 3
`,
      "generated",
    );
    expect(summary.computed).toBe(4);
    const score = (source: string, method: string) => {
      const found = [...results.values()].find(
        ({ cell }) =>
          cell.kind === "rerank" && cell.candidates.kind === source && cell.method.name === method,
      )!.result as RerankCellResult;
      return found;
    };
    // half the generated programs are right, and the test that runs check picks them
    expect(score("generate", "codet").scores["pass@1"]).toBe(100);
    expect(score("generate", "random").scores["pass@1"]).toBe(50);
    expect(score("generate", "codet").inputs).toEqual({ problems: 3, candidates: 12, tests: 6 });
    expect(score("released", "codet").inputs).toMatchObject({ problems: 3, candidates: 300 });
  }, 300_000);
});
