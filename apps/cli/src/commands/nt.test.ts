import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadProblems } from "@coderm/benchmarks";
import type { Problem } from "@coderm/core";
import { createOpenAITestServer, type ScriptRequest } from "@coderm/openai-test-server";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecords, runCaptured as run, useTemporaryCache } from "../test-output.js";

requireDataDir();

const problems = new Map<string, Problem>(
  (await loadProblems("humaneval")).map((problem) => [problem.entryPoint, problem]),
);
const ids = [0, 1, 2, 3, 4].map((index) => `HumanEval/${index}`);

const pythonBlock = (text: string) => /```python\n([\s\S]*?)\n```/.exec(text)?.[1];

/** Up to five of the prompt's `>>>` examples, printed: what the policy writes as calls. */
function callingExamples(problem: Problem): string {
  return problem.prompt
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith(">>> "))
    .slice(0, 5)
    .map((line) => `print(${line.slice(4)})`)
    .join("\n");
}

/**
 * The scripted models. The policy answers with the canonical solution or one that returns None
 * (by the sampling seed's parity; now and then with no code at all), continues a prefix with the
 * canonical rest where it can or with `return None`, and writes the prompt's examples as calls.
 * The judge reads the execution log: 1 on an error, 2 for `return None`, else 4 (now and then
 * without a score).
 */
function respond(request: ScriptRequest): string {
  const messages = request.messages ?? [];
  const seed = request.seed ?? 0;
  const first = String(messages.find((message) => message.role === "user")?.content);
  const last = String(messages.at(-1)?.content);
  if (request.model === "judge") {
    if (seed % 4 === 0) return "Analysis: I cannot tell yet.";
    const log = /#Output Begins#\n([\s\S]*?)\n#Output Ends#/.exec(last)?.[1] ?? "";
    const score = /Error|Timeout/.test(log) ? 1 : last.includes("return None") ? 2 : 4;
    return `Analysis: I read the log.\nJustify: by the rubric.\nScore: ${score}`;
  }
  const entryPoint = /Complete the function `(\w+)`/.exec(first)?.[1] ?? "";
  const problem = problems.get(entryPoint)!;
  const full = problem.canonicalSolution!.trim();
  const wrong = `${problem.prompt.trimEnd()}\n    return None`;
  if (first.includes("partially completed code")) {
    const prefix = pythonBlock(first.split("partially completed code")[1]!)!;
    const code = seed % 2 === 0 && full.startsWith(prefix) ? full : `${prefix}\n    return None`;
    return `Continuing the answer.\n\`\`\`python\n${code}\n\`\`\``;
  }
  if (last.startsWith("Write at most five calls"))
    return `\`\`\`python\n${callingExamples(problem)}\n\`\`\``;
  if (seed % 5 === 0) return "Let me think about it first.";
  return `I will loop over the input.\n\`\`\`python\n${seed % 2 === 0 ? full : wrong}\n\n${callingExamples(problem)}\n\`\`\``;
}

const server = createOpenAITestServer({ models: ["policy", "judge"], respond });
let dir: string;
let baseURL: string;

beforeAll(async () => {
  dir = await useTemporaryCache("coderm-nt-");
  ({ baseURL } = await server.start());
});
afterAll(() => server.close());

const searchArgs = (url: string, out: string, extra: string[] = []) => [
  ...["nt", "mcts", "--benchmark", "humaneval"],
  ...["--policy-base-url", url, "--policy-model", "policy", "--judge-model", "judge"],
  ...["--out", out, "--seed", "11", "--workers", "2", ...extra],
];

interface StoredTree {
  problemId: string;
  rollouts: number;
  leaves: number[];
  nodes: {
    parent: number | null;
    segment: string;
    visits: number;
    value: number;
    evaluations: { log: string; reward: number }[];
  }[];
}

async function readTrees(out: string): Promise<Map<string, string>> {
  const names = (await readdir(out)).filter((name) => name.endsWith(".json")).sort();
  return new Map(
    await Promise.all(
      names.map(async (name) => [name, await readFile(join(out, name), "utf8")] as const),
    ),
  );
}

describe("coderm nt mcts and export", () => {
  it("grows a tree a HumanEval problem with real runs, exports both data sets, and reruns asking nothing", async () => {
    const out = join(dir, "trees");
    const args = searchArgs(baseURL, out, [
      ...["--problems", ...ids, "--rollouts", "6", "--branches", "3", "--json"],
    ]);
    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({
      problems: 5,
      completed: 5,
      resumed: 0,
      rollouts_run: 30,
      failed: [],
    });
    expect(report.judge.requests).toBeGreaterThanOrEqual(30);
    expect(report.executed).toBeGreaterThan(0);
    // model-written programs: the bwrap sandbox unless --sandbox says otherwise
    expect(report.confinement).toContain("bwrap");

    const trees = [...(await readTrees(out)).values()].map(
      (text) => JSON.parse(text) as StoredTree,
    );
    expect(trees.map((tree) => tree.problemId).sort()).toEqual(ids);
    for (const tree of trees) {
      expect(tree.rollouts).toBe(6);
      expect(tree.nodes[0]!.visits).toBe(6);
      const evaluations = tree.nodes.flatMap((node) => node.evaluations);
      expect(evaluations).toHaveLength(6);
      // real Python ran the programs: the calls printed their results
      for (const evaluation of evaluations) expect(evaluation.log).not.toBe("");
    }
    const evaluations = trees.flatMap((tree) => tree.nodes.flatMap((node) => node.evaluations));
    const rewards = new Set(evaluations.map((evaluation) => evaluation.reward));
    expect(rewards).toEqual(new Set([0.4, 0.8]));
    // the judge read what the programs printed: None from the answers that return None, the
    // examples' results from the others
    for (const evaluation of evaluations)
      expect(/^None$/m.test(evaluation.log)).toBe(evaluation.reward === 0.4);
    const closeElements = trees.find((tree) => tree.problemId === "HumanEval/0")!;
    const logs = closeElements.nodes.flatMap((node) => node.evaluations).map((e) => e.log);
    expect(logs.some((log) => /^(True|False)$/m.test(log))).toBe(true);

    const exported = join(dir, "exported");
    const exportRun = await run(["nt", "export", "--trees", out, "--out", exported, "--json"]);
    expect(exportRun.code, exportRun.stderr).toBe(0);
    const exportReport = JSON.parse(exportRun.stdout);
    expect(exportReport.trees).toBe(5);
    const scalar = [
      ...(await readRecords(join(exported, "scalar-validation.jsonl")).catch(() => [])),
      ...(await readRecords(join(exported, "scalar-train.jsonl"))),
    ];
    expect(scalar.length).toBe(exportReport.scalar.train + exportReport.scalar.validation);
    // the first 5% (rounded half to even) of the lines
    expect(Math.abs(exportReport.scalar.validation - scalar.length * 0.05)).toBeLessThanOrEqual(
      0.5,
    );
    for (const record of scalar) {
      expect(Object.keys(record)).toEqual(["raw_index", "input", "output", "q", "n"]);
      expect(ids).toContain(record.raw_index);
      expect(record.input).toMatch(/^Complete the function `\w+` below in Python\./);
      expect(record.output).toMatch(/^I will loop over the input\.\n```python\n|^Continuing/);
      expect(record.q as number).toBeLessThanOrEqual(record.n as number);
    }
    const pairwise = await readRecords(join(exported, "pairwise-train.jsonl"));
    expect(pairwise.length).toBeGreaterThan(0);
    for (const pair of pairwise) {
      expect(pair.output_chosen).not.toBe(pair.output_reject);
      expect((pair.q_chosen as number) / (pair.n_chosen as number)).toBeGreaterThan(
        (pair.q_reject as number) / (pair.n_reject as number),
      );
    }

    const requests = server.requests.length;
    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ resumed: 5, rollouts_run: 0 });
    expect(server.requests.length).toBe(requests);
  }, 300_000);

  it("names what is wrong: an unknown problem, a tree directory without trees, a damaged tree", async () => {
    const unknown = await run(searchArgs(baseURL, join(dir, "x"), ["--problems", "HumanEval/999"]));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("HumanEval/999");
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    const none = await run(["nt", "export", "--trees", empty, "--out", join(dir, "y")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no search trees/);
    await writeFile(
      join(empty, "HumanEval%2F0.json"),
      JSON.stringify({ format: "coderm-nt-search-tree", version: 1, problemId: 7 }),
    );
    const damaged = await run(["nt", "export", "--trees", empty, "--out", join(dir, "y")]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/HumanEval%2F0\.json, field "problemId"/);
    const help = await run(["nt", "mcts", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of [
      "--policy-model",
      "--judge-base-url",
      "--rollouts",
      "--branches",
      "--sandbox",
    ])
      expect(help.stdout).toContain(flag);
  });

  it("resumes after being killed midway: the same trees as a run never stopped, no answered request asked again", async () => {
    let child: ChildProcess | undefined;
    let cutOff: string | undefined;
    const stopped = join(dir, "stopped");
    const straight = join(dir, "straight");
    const treeFiles = (folder: string) => {
      try {
        return readdirSync(folder).filter((name) => name.endsWith(".json")).length;
      } catch {
        return 0;
      }
    };
    const killed = createOpenAITestServer({
      models: ["policy", "judge"],
      respond: (request) => {
        // SIGKILL the search once the second problem's tree is on disk, with this request unanswered
        if (child !== undefined && cutOff === undefined && treeFiles(stopped) >= 2) {
          cutOff = JSON.stringify(request.body);
          child.kill("SIGKILL");
          return { kind: "drop", when: "before-headers" };
        }
        return respond(request);
      },
    });
    const { baseURL: killedURL } = await killed.start();
    const straightServer = createOpenAITestServer({ models: ["policy", "judge"], respond });
    const { baseURL: straightURL } = await straightServer.start();
    const extra = ["--problems", ...ids, "--rollouts", "4", "--parallel", "1"];
    try {
      const saved = process.env.CODERM_CACHE_DIR;
      process.env.CODERM_CACHE_DIR = join(dir, "straight-cache");
      const never = await run([...searchArgs(straightURL, straight, extra), "--json"]).finally(
        () => {
          process.env.CODERM_CACHE_DIR = saved;
        },
      );
      expect(never.code, never.stderr).toBe(0);

      const bin = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));
      const env = { ...process.env, CODERM_CACHE_DIR: join(dir, "killed-cache") };
      child = spawn(process.execPath, [bin, ...searchArgs(killedURL, stopped, extra)], {
        env,
        stdio: "ignore",
      });
      const [exitCode, signal] = (await once(child, "exit")) as [number | null, string | null];
      expect(signal).toBe("SIGKILL");
      expect(exitCode).toBeNull();
      expect(cutOff).toBeDefined();
      const beforeKill = killed.requests.map((request) => JSON.stringify(request.body));
      expect(beforeKill.at(-1)).toBe(cutOff);
      expect(treeFiles(stopped)).toBe(2);

      const resumed = spawn(
        process.execPath,
        [bin, ...searchArgs(killedURL, stopped, extra), "--json"],
        {
          env,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      resumed.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      const [resumedCode] = (await once(resumed, "exit")) as [number | null];
      expect(resumedCode).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ completed: 5, resumed: 2, failed: [] });

      expect(await readTrees(stopped)).toEqual(await readTrees(straight));
      const afterKill = killed.requests
        .slice(beforeKill.length)
        .map((request) => JSON.stringify(request.body));
      const answeredBefore = new Set(beforeKill.slice(0, -1));
      // nothing answered before the kill was asked again; the request cut off was, once
      expect(afterKill.filter((body) => answeredBefore.has(body))).toEqual([]);
      expect(afterKill.filter((body) => body === cutOff)).toHaveLength(1);
      // and the two runs together asked exactly what the run never stopped asked
      const straightBodies = straightServer.requests.map((request) => JSON.stringify(request.body));
      expect([...answeredBefore, ...afterKill].sort()).toEqual([...straightBodies].sort());
    } finally {
      if (child !== undefined && child.exitCode === null && child.signalCode === null)
        child.kill("SIGKILL");
      await killed.close();
      await straightServer.close();
    }
  }, 300_000);
});
