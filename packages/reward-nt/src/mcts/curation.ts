import { join } from "node:path";
import {
  CodermError,
  type ExecutionLimits,
  type Executor,
  type Problem,
  type TextGenerator,
} from "@coderm/core";
import { type CodeAnalyzer, createPythonCodeAnalyzer } from "./code-analysis.js";
import { problemInstruction } from "./prompts.js";
import type { SearchTree, SearchTreeSettings } from "./search-tree.js";
import { defaultSimulationLimits } from "./simulation.js";
import { readSearchTree, searchTreeFileName, writeSearchTree } from "./tree-files.js";
import { runRollout, startSearchTree, type TreeSearchContext } from "./tree-search.js";

/** Settings of {@link curateRewardData}. */
export interface RewardDataCurationSettings {
  problems: readonly Problem[];
  /** Writes the answers, continuations and calling examples (a chat model). */
  policy: TextGenerator;
  /** Grades simulated programs from their execution logs (a chat model). */
  judge: TextGenerator;
  /** Runs simulated programs; give it a sandbox (the programs are model-written). */
  executor: Executor;
  /** Where each problem's tree is kept (`<problem id, percent-encoded>.json`). */
  outDir: string;
  /** Rollouts a problem (10); trees with fewer are grown to this many. */
  rollouts?: number;
  /** Most expansions through a node (4). */
  branches?: number;
  /** c of UCT (√2). */
  explorationWeight?: number;
  /** Seeds every random choice and every request's sampling seed (0). */
  seed?: number;
  /** Show a continuation request a completion of the same prefix and its feedback (true). */
  reflection?: boolean;
  /** Limits of one simulated program ({@link defaultSimulationLimits}). */
  limits?: ExecutionLimits;
  /** Problems searched at once (4); each problem's rollouts run one after another. */
  parallel?: number;
  /** The problem as put to the models, and the `input` of exported records ({@link problemInstruction}). */
  instruction?: (problem: Problem) => string;
  /** Cuts code into segments (Python's own parser, {@link createPythonCodeAnalyzer}, by default). */
  analyzer?: CodeAnalyzer;
  /** The Python interpreter of the default analyzer. */
  python?: string;
  signal?: AbortSignal;
  /** Called as trees are read, grown, finished or given up. */
  onProgress?: (event: RewardDataCurationProgress) => void;
}

/** What happened to one problem's tree. */
export interface RewardDataCurationProgress {
  problemId: string;
  /**
   * `resumed`: a persisted tree was read; `rollout`: one more rollout is persisted; `done`: the
   * tree has all its rollouts; `failed`: the problem was given up (`reason`).
   */
  kind: "resumed" | "rollout" | "done" | "failed";
  /** Rollouts the tree has now. */
  rollouts: number;
  reason?: string;
}

/** What {@link curateRewardData} did. */
export interface RewardDataCurationSummary {
  problems: number;
  /** Trees with all their rollouts. */
  completed: number;
  /** Trees read from `outDir` and grown from where they were. */
  resumed: number;
  /** Rollouts run now (not counting those read). */
  rolloutsRun: number;
  /** Problems given up: no usable root answer, or a judge that gave no score. */
  failed: { problemId: string; reason: string }[];
  /** Nodes and leaves over every tree. */
  nodes: number;
  leaves: number;
  /** The tree files (of problems with a tree, finished or not), in problem order. */
  files: string[];
}

/**
 * CodeRM-NT's data curation: a Monte-Carlo tree search over partial programs for every problem.
 * The policy's answer is cut into a chain of segments; its prefixes are expanded first (the
 * policy continues each, reproducing it exactly), then up to `branches - 1` rewrites from scratch
 * hang from the root, then nodes are chosen by UCT; a leaf's program runs with the calling
 * examples in the executor and an LLM judge scores it (reward = score / 5), backpropagated to the
 * root. Each tree is written atomically after every rollout, so a rerun resumes from the trees
 * (give the generators a persistent cache and the rerun asks the servers nothing twice). Random
 * choices and sampling seeds derive from `seed`, the problem and the rollout: the same seed and
 * answers give the same trees. Problems are independent; one given up is reported in `failed`.
 */
export async function curateRewardData(
  settings: RewardDataCurationSettings,
): Promise<RewardDataCurationSummary> {
  const rollouts = wholeNumber(settings.rollouts ?? 10, 1, "rollouts");
  const parallel = wholeNumber(settings.parallel ?? 4, 1, "parallel");
  const treeSettings: SearchTreeSettings = {
    branches: wholeNumber(settings.branches ?? 4, 1, "branches"),
    explorationWeight: settings.explorationWeight ?? Math.SQRT2,
    seed: wholeNumber(settings.seed ?? 0, Number.MIN_SAFE_INTEGER, "seed"),
    reflection: settings.reflection ?? true,
  };
  if (!(treeSettings.explorationWeight >= 0 && Number.isFinite(treeSettings.explorationWeight)))
    throw new CodermError(
      "invalid-input",
      `the exploration weight must be a finite number of at least 0, not ${treeSettings.explorationWeight}`,
      { field: "explorationWeight" },
    );
  const seen = new Set<string>();
  for (const problem of settings.problems) {
    if (seen.has(problem.id))
      throw new CodermError("invalid-input", "the problem is given twice", { item: problem.id });
    seen.add(problem.id);
  }
  const analyzer =
    settings.analyzer ??
    createPythonCodeAnalyzer(settings.python === undefined ? {} : { python: settings.python });
  const summary: RewardDataCurationSummary = {
    problems: settings.problems.length,
    completed: 0,
    resumed: 0,
    rolloutsRun: 0,
    failed: [],
    nodes: 0,
    leaves: 0,
    files: [],
  };
  const persisted = new Set<string>();
  const trees = new Map<string, SearchTree>();

  const search = async (problem: Problem) => {
    const report = (event: RewardDataCurationProgress) => settings.onProgress?.(event);
    let tree = await readSearchTree(settings.outDir, problem.id);
    if (tree !== undefined) {
      requireSameSettings(
        tree,
        treeSettings,
        join(settings.outDir, searchTreeFileName(problem.id)),
      );
      summary.resumed += 1;
      persisted.add(problem.id);
      report({ problemId: problem.id, kind: "resumed", rollouts: tree.rollouts });
    }
    const context: TreeSearchContext = {
      problemId: problem.id,
      instruction: tree?.instruction ?? (settings.instruction ?? problemInstruction)(problem),
      policy: settings.policy,
      judge: settings.judge,
      executor: settings.executor,
      analyzer,
      limits: settings.limits ?? defaultSimulationLimits,
      settings: treeSettings,
      ...(settings.signal === undefined ? {} : { signal: settings.signal }),
    };
    try {
      if (tree === undefined) {
        tree = await startSearchTree(context);
        await persist(tree);
      }
      while (tree.rollouts < rollouts) {
        await runRollout(context, tree);
        await persist(tree);
      }
    } catch (error) {
      if (!isProblemFailure(error, problem.id)) throw error;
      summary.failed.push({ problemId: problem.id, reason: error.message });
      report({
        problemId: problem.id,
        kind: "failed",
        rollouts: tree?.rollouts ?? 0,
        reason: error.message,
      });
      return;
    }
    trees.set(problem.id, tree);
    summary.completed += 1;
    report({ problemId: problem.id, kind: "done", rollouts: tree.rollouts });

    async function persist(grown: SearchTree) {
      await writeSearchTree(settings.outDir, grown);
      persisted.add(problem.id);
      summary.rolloutsRun += 1;
      report({ problemId: problem.id, kind: "rollout", rollouts: grown.rollouts });
    }
  };

  // Each worker takes the next problem; a failure that is not one problem's stops the others
  // from taking more, and is thrown once the problems under way have ended.
  let next = 0;
  let fatal: { error: unknown } | undefined;
  const worker = async () => {
    while (fatal === undefined && next < settings.problems.length) {
      const problem = settings.problems[next++]!;
      try {
        if (settings.signal?.aborted)
          throw new CodermError("cancelled", "the search was cancelled");
        await search(problem);
      } catch (error) {
        fatal ??= { error };
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(parallel, settings.problems.length) }, () => worker()),
  );
  if (fatal !== undefined) throw fatal.error;
  summary.files = settings.problems
    .filter((problem) => persisted.has(problem.id))
    .map((problem) => join(settings.outDir, searchTreeFileName(problem.id)));
  for (const tree of trees.values()) {
    summary.nodes += tree.nodes.length;
    summary.leaves += tree.leaves.length;
  }
  summary.failed.sort(
    (a, b) =>
      settings.problems.findIndex((problem) => problem.id === a.problemId) -
      settings.problems.findIndex((problem) => problem.id === b.problemId),
  );
  return summary;
}

function isProblemFailure(error: unknown, problemId: string): error is CodermError {
  return (
    CodermError.isInstance(error) &&
    error.code === "rejected" &&
    error.item === problemId &&
    typeof error.details?.stage === "string"
  );
}

function requireSameSettings(tree: SearchTree, settings: SearchTreeSettings, file: string): void {
  for (const key of ["branches", "explorationWeight", "seed", "reflection"] as const)
    if (tree.settings[key] !== settings[key])
      throw new CodermError(
        "invalid-input",
        `the tree was grown with ${key} ${tree.settings[key]}, not ${settings[key]}: resume with the same settings or another output directory`,
        { file, field: `settings.${key}` },
      );
}

function wholeNumber(value: number, minimum: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < minimum)
    throw new CodermError(
      "invalid-input",
      `${field} must be a whole number of at least ${minimum}, not ${value}`,
      { field },
    );
  return value;
}
