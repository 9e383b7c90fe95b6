import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GenerationJob, Problem } from "@coderm/core";
import { createMockExecutor, createMockTextGenerator } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createPythonCodeAnalyzer } from "./code-analysis.js";
import { curateRewardData, type RewardDataCurationSettings } from "./curation.js";
import { continuationOpening } from "./prompts.js";
import { pythonBlocks } from "./response-text.js";
import { readSearchTree, searchTreeFileName } from "./tree-files.js";

const problems: Problem[] = ["Demo/1", "Demo/2", "Demo/3"].map((id, index) => ({
  id,
  prompt: `def f(x):\n    """Return x times ${index + 2}."""\n`,
  entryPoint: "f",
  language: "python",
}));

const lastUser = (job: GenerationJob) => String(job.messages?.at(-1)?.content);

function settings(outDir: string, overrides: Partial<RewardDataCurationSettings> = {}) {
  const policy = createMockTextGenerator({
    respond: (job) => {
      const user = lastUser(job);
      // Demo/3 never answers with code
      if (job.id.startsWith("Demo/3")) return "I would rather not.";
      if (user.includes("calls")) return "```python\nf(1)\n```";
      if (user.includes(continuationOpening)) {
        const prefix = pythonBlocks(user.split(continuationOpening)[1]!)[0]!;
        return `\`\`\`python\n${prefix}\n    return ${job.sampling?.seed ?? 0} % 7\n\`\`\``;
      }
      const factor = /times (\d)/.exec(user)?.[1] ?? "1";
      return `\`\`\`python\ndef f(x):\n    y = x * ${factor}\n    print(y)\n    return y\n\`\`\``;
    },
  });
  const judge = createMockTextGenerator({
    respond: (job) => `Score: ${(job.sampling?.seed ?? 0) % 6}`,
  });
  const executor = createMockExecutor({ judge: () => ({ status: "pass", output: "2\n" }) });
  return {
    policy,
    judge,
    settings: {
      problems,
      policy,
      judge,
      executor,
      outDir,
      rollouts: 3,
      analyzer: createPythonCodeAnalyzer(),
      ...overrides,
    } satisfies RewardDataCurationSettings,
  };
}

const treeText = (dir: string, id: string) => readFile(join(dir, searchTreeFileName(id)), "utf8");

describe("curateRewardData", () => {
  it("persists a tree a problem, resumes grown trees without asking for their rollouts again, and reports problems given up", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-nt-curation-"));
    const first = settings(dir);
    const events: string[] = [];
    const summary = await curateRewardData({
      ...first.settings,
      onProgress: (event) => events.push(`${event.problemId} ${event.kind} ${event.rollouts}`),
    });
    expect(summary).toMatchObject({ problems: 3, completed: 2, resumed: 0, rolloutsRun: 6 });
    expect(summary.failed).toEqual([
      {
        problemId: "Demo/3",
        reason: expect.stringMatching(/item Demo\/3: the policy gave no answer/),
      },
    ]);
    expect(events.filter((event) => event.startsWith("Demo/1"))).toEqual([
      "Demo/1 rollout 1",
      "Demo/1 rollout 2",
      "Demo/1 rollout 3",
      "Demo/1 done 3",
    ]);
    expect((await readdir(dir)).sort()).toEqual(["Demo%2F1.json", "Demo%2F2.json"]);
    expect(summary.files).toEqual([join(dir, "Demo%2F1.json"), join(dir, "Demo%2F2.json")]);
    const tree = await readSearchTree(dir, "Demo/1");
    expect(tree).toMatchObject({ problemId: "Demo/1", rollouts: 3 });
    expect(tree!.nodes[0]!.visits).toBe(3);

    // grow the same trees to 5 rollouts: only rollouts 3 and 4 are asked for
    const resumed = settings(dir, { rollouts: 5 });
    const again = await curateRewardData(resumed.settings);
    expect(again).toMatchObject({ completed: 2, resumed: 2, rolloutsRun: 4 });
    const rolloutOf = (job: GenerationJob) => Number(/rollout (\d+)/.exec(job.id)?.[1]);
    const asked = [...resumed.policy.jobs, ...resumed.judge.jobs].filter(
      (job) => !job.id.startsWith("Demo/3"), // no tree: started again, from its cache
    );
    expect(new Set(asked.map(rolloutOf))).toEqual(new Set([3, 4]));

    // the same as growing them to 5 in one go
    const straight = await mkdtemp(join(tmpdir(), "coderm-nt-curation-"));
    await curateRewardData(settings(straight, { rollouts: 5 }).settings);
    for (const id of ["Demo/1", "Demo/2"])
      expect(await treeText(dir, id)).toBe(await treeText(straight, id));
  });

  it("refuses to resume a tree grown with other settings, naming the file and the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-nt-curation-"));
    await curateRewardData(settings(dir, { problems: problems.slice(0, 1), rollouts: 1 }).settings);
    const error = await curateRewardData(
      settings(dir, { problems: problems.slice(0, 1), seed: 9 }).settings,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "invalid-input", field: "settings.seed" });
    expect(String(error)).toContain(join(dir, "Demo%2F1.json"));

    await writeFile(
      join(dir, "Demo%2F1.json"),
      '{"format": "coderm-nt-search-tree", "version": 2}',
    );
    const broken = await curateRewardData(
      settings(dir, { problems: problems.slice(0, 1) }).settings,
    ).catch((caught: unknown) => caught);
    expect(broken).toMatchObject({ code: "invalid-input", field: "version" });
  });

  it("names a setting out of range", async () => {
    const dir = await mkdtemp(join(tmpdir(), "coderm-nt-curation-"));
    await expect(curateRewardData(settings(dir, { branches: 0 }).settings)).rejects.toMatchObject({
      code: "invalid-input",
      field: "branches",
    });
  });
});
