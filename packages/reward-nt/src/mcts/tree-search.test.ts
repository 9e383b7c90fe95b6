import { CodermError, type GenerationJob } from "@coderm/core";
import { createMockExecutor, createMockTextGenerator } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { createPythonCodeAnalyzer } from "./code-analysis.js";
import { continuationOpening } from "./prompts.js";
import { pythonBlocks } from "./response-text.js";
import { codeTo, type SearchTree } from "./search-tree.js";
import {
  continuesPrefix,
  runRollout,
  segmentsAfter,
  startSearchTree,
  type TreeSearchContext,
} from "./tree-search.js";

const rootCode = [
  "def f(x):",
  "    y = x * 2",
  "    print(y)",
  "    z = y + 1",
  "    print(z)",
  "    return z",
].join("\n");

const lastUser = (job: GenerationJob) =>
  String([...(job.messages ?? [])].reverse().find((message) => message.role === "user")?.content);

/** The partial code a continuation request shows: the Python block after its opening words. */
const shownPrefix = (job: GenerationJob) =>
  pythonBlocks(
    String(job.messages?.find((message) => message.role === "user")?.content).split(
      continuationOpening,
    )[1]!,
  )[0]!;

interface ScriptOptions {
  /** Continuations whose first attempt changes the prefix (the policy then gets a reminder). */
  strayFirst?: boolean;
  /** Judge answers without a score before a scored one. */
  unscoredJudgeAnswers?: number;
}

function context(seed: number, options: ScriptOptions = {}, branches = 4) {
  const policy = createMockTextGenerator({
    respond: (job) => {
      const user = lastUser(job);
      if (user.includes("calls")) return "Calls:\n```python\nf(1)\nf(2)\n```";
      if (job.messages?.length === 2 && user.includes(continuationOpening)) {
        const prefix = shownPrefix(job);
        if (options.strayFirst && job.id.endsWith("continue 0"))
          return `\`\`\`python\n${prefix.replace("x * 2", "x * 3")}\n    return -1\n\`\`\``;
        return `Continued:\n\`\`\`python\n${prefix}\n    return -1\n\`\`\``;
      }
      if (user.includes("begin with")) {
        const prefix = pythonBlocks(user)[0]!.trimEnd();
        return `Again:\n\`\`\`python\n${prefix}\n    return -2\n\`\`\``;
      }
      if (job.id.includes("rewrite"))
        return `Simpler:\n\`\`\`python\ndef f(x):\n    return x + ${job.sampling?.seed ?? 0}\n\`\`\``;
      return `Plan: double, add one.\n\`\`\`python\n${rootCode}\n\nf(3)\n\`\`\``;
    },
  });
  let unscored = options.unscoredJudgeAnswers ?? 0;
  const judge = createMockTextGenerator({
    respond: (job) => {
      if (unscored > 0) {
        unscored -= 1;
        return "Analysis: hard to say.";
      }
      const text = lastUser(job);
      const score = text.includes("return -") ? 2 : 4;
      return `Analysis: ran.\nJustify: it checks.\nScore: ${score}`;
    },
  });
  const executor = createMockExecutor({
    judge: (candidate) =>
      candidate.code.includes("return -1")
        ? { status: "error", errorType: "ValueError", message: "negative", output: "2\n" }
        : { status: "pass", output: `ran ${candidate.code.split("\n").length} lines\n` },
  });
  const search: TreeSearchContext = {
    problemId: "Demo/1",
    instruction: "Write f, which doubles x and adds one.",
    policy,
    judge,
    executor,
    analyzer: createPythonCodeAnalyzer(),
    limits: { timeMs: 1000, memoryMb: 256, outputBytes: 4096 },
    settings: { branches, explorationWeight: Math.SQRT2, seed, reflection: true },
  };
  return { search, policy, judge, executor };
}

async function grow(search: TreeSearchContext, rollouts: number): Promise<SearchTree> {
  const tree = await startSearchTree(search);
  while (tree.rollouts < rollouts) await runRollout(search, tree);
  return tree;
}

describe("the tree search", () => {
  it("starts from the policy's answer, expands its prefixes first, then rewrites at the root", async () => {
    const { search, policy, executor } = context(0);
    const tree = await startSearchTree(search);
    // three segments: cut after each print of a value
    expect(tree.nodes.map((node) => node.segment)).toEqual([
      "",
      "def f(x):\n    y = x * 2\n    print(y)",
      "    z = y + 1\n    print(z)",
      "    return z",
    ]);
    expect(tree.unexploredPrefixes).toEqual([1, 2]);
    expect(tree.leaves).toEqual([3]);
    expect(tree.callingExamples).toBe("f(1)\nf(2)");
    expect(executor.requests[0]!.candidate.code).toBe(`${rootCode}\nf(1)\nf(2)`);
    expect(tree.nodes[3]!.evaluations).toEqual([
      {
        rollout: 0,
        callingExamples: "f(1)\nf(2)",
        log: "ran 8 lines",
        feedback: "Analysis: ran.\nJustify: it checks.\nScore: 4",
        reward: 0.8,
      },
    ]);

    await runRollout(search, tree); // continues node 1
    await runRollout(search, tree); // continues node 2
    await runRollout(search, tree); // nothing unexplored: UCT stops at the root, with branches left
    const continuations = policy.jobs.filter((job) => job.id.includes("continue"));
    expect(continuations.map(shownPrefix)).toEqual([codeTo(tree, 1), codeTo(tree, 2)]);
    // reflection: the first continuation is shown the code that followed the prefix, and its log
    expect(lastUser(continuations[0]!)).toContain("For example");
    expect(lastUser(continuations[0]!)).toContain("    z = y + 1\n    print(z)\n    return z");
    expect(lastUser(continuations[0]!)).toContain("ran 8 lines");
    expect(tree.nodes[1]!.children).toHaveLength(2);
    expect(tree.nodes[2]!.children).toHaveLength(2);
    expect(tree.nodes[0]!.children).toHaveLength(2);
    expect(tree.nodes[4]).toMatchObject({ parent: 1, segment: "    return -1", terminal: true });
    expect(tree.nodes[4]!.evaluations[0]!.log).toBe("2\nValueError: negative");
    expect(tree.nodes[4]!.evaluations[0]!.reward).toBe(0.4);
    expect(tree.leaves).toEqual([3, 4, 5, 6]);
    expect(tree.rollouts).toBe(4);
    expect(tree.nodes[0]!.visits).toBe(4);
    expect(tree.nodes[0]!.value).toBeCloseTo(0.8 + 0.4 + 0.4 + 0.8);
  });

  it("rejects a continuation that does not reproduce the prefix and reminds the policy of it", async () => {
    const { search, policy } = context(0, { strayFirst: true });
    const tree = await startSearchTree(search);
    await runRollout(search, tree);
    const [first, second] = policy.jobs.filter((job) => job.id.includes("continue"));
    expect(second!.messages).toHaveLength(4);
    expect(second!.messages![2]!.content).toContain("x * 3");
    expect(pythonBlocks(lastUser(second!))[0]!.trimEnd()).toBe(codeTo(tree, 1));
    expect(first!.sampling?.seed).not.toBe(second!.sampling?.seed);
    const added = tree.nodes.at(-1)!;
    expect(added).toMatchObject({ parent: 1, segment: "    return -2" });
    expect(codeTo(tree, added.id)).toBe("def f(x):\n    y = x * 2\n    print(y)\n    return -2");
  });

  it("simulates a terminal node again when UCT selects it, and counts every rollout at the root", async () => {
    const { search } = context(3, {}, 1);
    const tree = await grow(search, 6);
    expect(tree.nodes[0]!.visits).toBe(6);
    const evaluations = tree.nodes.flatMap((node) => node.evaluations);
    expect(evaluations).toHaveLength(6);
    expect(tree.nodes.some((node) => node.evaluations.length > 1)).toBe(true);
    for (const node of tree.nodes)
      if (node.children.length > 0)
        expect(node.visits).toBe(
          node.children.reduce((sum, child) => sum + tree.nodes[child]!.visits, 0) +
            node.evaluations.length,
        );
  });

  it("grows the same tree from the same seed, asking with the same sampling seeds", async () => {
    const first = context(7);
    const second = context(7);
    const other = context(8);
    const trees = [await grow(first.search, 5), await grow(second.search, 5)];
    await grow(other.search, 5);
    expect(trees[1]).toEqual(trees[0]);
    const seeds = (jobs: GenerationJob[]) => jobs.map((job) => job.sampling?.seed);
    expect(seeds(second.policy.jobs)).toEqual(seeds(first.policy.jobs));
    expect(seeds(second.judge.jobs)).toEqual(seeds(first.judge.jobs));
    expect(seeds(other.policy.jobs)[0]).not.toBe(seeds(first.policy.jobs)[0]);
    // every request of a run has a sampling seed of its own, so the cache tells them apart
    const all = seeds([...first.policy.jobs, ...first.judge.jobs]);
    expect(new Set(all).size).toBe(all.length);
  });

  it("asks the judge again when it gives no score, and gives the problem up after five answers", async () => {
    const patient = context(0, { unscoredJudgeAnswers: 2 });
    const tree = await startSearchTree(patient.search);
    expect(patient.judge.jobs).toHaveLength(3);
    expect(tree.nodes[3]!.evaluations[0]!.feedback).toMatch(/Score: 4$/);

    const stubborn = context(0, { unscoredJudgeAnswers: 5 });
    const error = await startSearchTree(stubborn.search).catch((caught: unknown) => caught);
    expect(CodermError.isInstance(error) && error.code).toBe("rejected");
    expect(error).toMatchObject({ item: "Demo/1", details: { stage: "judge" } });
    expect(stubborn.judge.jobs).toHaveLength(5);
  });
});

describe("continuations", () => {
  it("count only when they keep the prefix exactly and go on from a new line", () => {
    const prefix = "def f(x):\n    y = x";
    expect(continuesPrefix(`${prefix}\n    return y`, prefix)).toBe(true);
    expect(continuesPrefix(`${prefix}  \n    return y`, prefix)).toBe(true);
    expect(continuesPrefix(`${prefix}0\n    return y`, prefix)).toBe(false);
    expect(continuesPrefix(prefix, prefix)).toBe(false);
    expect(continuesPrefix(`def f(x):\n    y = -x\n    return y`, prefix)).toBe(false);
  });

  it("keep the segments after the prefix, cutting the one that straddles its end", () => {
    expect(segmentsAfter("a = 1\nb = 2", ["a = 1", "b = 2", "c = 3", "d = 4"])).toEqual([
      "c = 3",
      "d = 4",
    ]);
    expect(segmentsAfter("a = 1\nb = 2", ["a = 1\nb = 2\nc = 3", "d = 4"])).toEqual([
      "\nc = 3",
      "d = 4",
    ]);
    expect(segmentsAfter("a = 10", ["a = 1", "0"])).toBeUndefined();
    expect(segmentsAfter("a = 1", ["b = 1", "c = 2"])).toBeUndefined();
  });
});
