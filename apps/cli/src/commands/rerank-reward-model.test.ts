import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadProblems } from "@coderm/benchmarks";
import type { Problem } from "@coderm/core";
import {
  createOpenAITestServer,
  type OpenAITestServer,
  type RewardServerKind,
} from "@coderm/openai-test-server";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

const jsonl = (lines: unknown[]) => lines.map((line) => JSON.stringify(line)).join("\n");
let dir: string;
let problems: Problem[];
let candidatesFile: string;
let testsFile: string;
let server: OpenAITestServer | undefined;

// Three HumanEval problems, each with its canonical solution, a wrong program sampled twice and
// another wrong program; the reward model likes the canonical solutions (a `# good` marker it
// reads in the response) and the tests (they only ask that the function exists) tell no program
// from another.
beforeAll(async () => {
  dir = await useTemporaryCache("coderm-rerank-nt-");
  problems = (await loadProblems("humaneval")).slice(0, 3);
  candidatesFile = join(dir, "candidates.jsonl");
  testsFile = join(dir, "tests.jsonl");
  const signature = (problem: Problem) => problem.prompt;
  await writeFile(
    candidatesFile,
    jsonl(
      problems.flatMap((problem) => [
        { task_id: problem.id, solution: `# good\n${problem.canonicalSolution}` },
        { task_id: problem.id, solution: `${signature(problem)}    return None\n` },
        { task_id: problem.id, solution: `${signature(problem)}    return None\n` },
        { task_id: problem.id, solution: `${signature(problem)}    raise ValueError\n` },
      ]),
    ),
  );
  await writeFile(
    testsFile,
    jsonl(
      problems.flatMap((problem) => [
        { task_id: problem.id, test: `assert ${problem.entryPoint} is not None` },
        { task_id: problem.id, test: `assert callable(${problem.entryPoint})` },
      ]),
    ),
  );
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startServer(kind: RewardServerKind): Promise<string> {
  server = createOpenAITestServer({
    models: ["Rishubi/CodeRM-NT"],
    rewardServer: kind,
    reward: (request) => ((request.response ?? request.text ?? "").includes("# good") ? 3 : -1),
  });
  const { port } = await server.start();
  return `http://127.0.0.1:${port}`;
}

const rerank = (url: string, protocol: string, methods: string, extra: string[] = []) =>
  run([
    "rerank",
    "--benchmark",
    "humaneval",
    "--candidates",
    candidatesFile,
    "--tests",
    testsFile,
    "--methods",
    methods,
    "--reward-url",
    url,
    "--reward-protocol",
    protocol,
    "--no-cache",
    "--json",
    ...extra,
  ]);

describe("coderm rerank with a served reward model", () => {
  it.each([
    ["vllm", "vllm-classify", "/classify"],
    ["sglang", "sglang-classify", "/classify"],
    ["tei", "tei", "/predict"],
    ["coderm-nt", "coderm-nt", "/predict"],
  ] as const)("scores nt and hybrid through %s (%s)", async (kind, protocol, path) => {
    const url = await startServer(kind);
    const { code, stdout, stderr } = await rerank(url, protocol, "nt,hybrid,combined,codet", [
      "--hybrid-keep",
      "1",
    ]);
    expect(stderr).not.toContain("coderm: error");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.methods.nt["pass@1"]).toBe(100);
    expect(report.methods.hybrid["pass@1"]).toBe(100);
    // equal pass ratios: the reward's z-score decides
    expect(report.methods.combined["pass@1"]).toBe(100);
    // the tests pass every program: CodeT picks one of the four samples uniformly
    expect(report.methods.codet["pass@1"]).toBe(25);
    // three distinct programs a problem, two tests: hybrid keeps one program
    expect(report.test_executions).toEqual({
      executed: 3 * 3 * 2,
      all_candidates: 3 * 3 * 2,
      by_method: { hybrid: 3 * 2 },
    });
    // each distinct program asked about once, though nt, hybrid and combined all read rewards
    const asked = server!.requests.filter((request) => request.path === path);
    const items = asked.flatMap((request) => {
      const body = request.body as Record<string, unknown>;
      const batch = body.text ?? body.inputs;
      return Array.isArray(batch) ? batch : [body];
    });
    expect(items).toHaveLength(9);
  });

  it("runs only the kept programs' tests when hybrid is the only method reading them", async () => {
    const url = await startServer("vllm");
    const { code, stdout } = await rerank(url, "auto", "hybrid,random", ["--hybrid-keep", "2"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.test_executions).toEqual({
      executed: 3 * 2 * 2,
      all_candidates: 3 * 3 * 2,
      by_method: { hybrid: 3 * 2 * 2 },
    });
    // kept: the right program and the first wrong one (sampled twice; reward -1 ties, the earlier
    // wins), which pass both tests alike: CodeT picks one of those three samples uniformly
    expect(report.methods.hybrid["pass@1"]).toBeCloseTo(100 / 3, 10);
    // generated tests ran for 2 programs a problem; ground truth for all 3
    expect(report.executions.unique).toBe(3 * 2 * 2 + 3 * 3 * 1);
  });

  it("names the flag when a learned method has no reward model", async () => {
    const { code, stderr } = await run([
      "rerank",
      "--benchmark",
      "humaneval",
      "--candidates",
      candidatesFile,
      "--tests",
      testsFile,
      "--methods",
      "nt",
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("--reward-url");
    expect(stderr).toContain('method "nt" needs a served reward model');
  });
});
