import type { Random } from "@coderm/core";
import { withoutComments } from "./response-text.js";

/** One simulation of a leaf: the program run, what it printed and the judge's verdict. */
export interface LeafEvaluation {
  /** The rollout (0-based) that made it. */
  rollout: number;
  /** The calling examples appended to the leaf's code. */
  callingExamples: string;
  /** The execution log the judge read (at most 5,000 characters). */
  log: string;
  /** The judge's answer. */
  feedback: string;
  /** The judge's score / 5, in [0, 1]. */
  reward: number;
}

/** One node of a search tree: a segment of code that continues its parent's. */
export interface SearchNode {
  /** Its index in {@link SearchTree.nodes}. */
  id: number;
  /** The parent's id; null for the root. */
  parent: number | null;
  depth: number;
  /** The code this node adds (empty for the root). */
  segment: string;
  /** Whether the segment ends an answer (a leaf that is simulated again when selected). */
  terminal: boolean;
  /** The whole answer whose code ends here (terminal nodes created by an answer; else empty). */
  response: string;
  /** The function of `response` (its code through the last top-level definition), where it has one. */
  responseFunction?: string;
  /** Children ids, in creation order. */
  children: number[];
  /** Expansions still allowed through this node (the branch limit minus those made). */
  remainingBranches: number;
  /** N: simulations below (and at) this node. */
  visits: number;
  /** Q: the sum of their rewards. */
  value: number;
  /** Whether one of its evaluations was shown to the policy as an example (reflection). */
  usedAsFeedback: boolean;
  /** Its simulations, where it is a leaf. */
  evaluations: LeafEvaluation[];
}

/** The settings a search tree was grown with; a resumed search must use the same. */
export interface SearchTreeSettings {
  /** Most expansions through a node (the authors' 4). */
  branches: number;
  /** c of UCT (√2). */
  explorationWeight: number;
  /** Seeds every random choice and every request's sampling seed. */
  seed: number;
  /** Whether continuations are shown a completion of the same prefix with its feedback. */
  reflection: boolean;
}

/** The search tree of one problem, as persisted after every rollout. */
export interface SearchTree {
  format: "coderm-nt-search-tree";
  version: 1;
  problemId: string;
  /** The problem as put to the policy and the judge; the `input` of exported records. */
  instruction: string;
  /** The calling examples appended to every simulated program. */
  callingExamples: string;
  settings: SearchTreeSettings;
  /** Rollouts done (the first grows the root answer's chain). */
  rollouts: number;
  nodes: SearchNode[];
  /** Prefix nodes of the root answer's chain not yet expanded, shallowest first. */
  unexploredPrefixes: number[];
  /** Nodes where an answer ended (simulated), ascending. */
  leaves: number[];
}

/** A new tree: the root alone. */
export function createSearchTree(
  problemId: string,
  instruction: string,
  settings: SearchTreeSettings,
): SearchTree {
  return {
    format: "coderm-nt-search-tree",
    version: 1,
    problemId,
    instruction,
    callingExamples: "",
    settings: { ...settings },
    rollouts: 0,
    nodes: [newNode(0, null, 0, "", false, settings.branches)],
    unexploredPrefixes: [],
    leaves: [],
  };
}

function newNode(
  id: number,
  parent: number | null,
  depth: number,
  segment: string,
  terminal: boolean,
  branches: number,
): SearchNode {
  return {
    id,
    parent,
    depth,
    segment,
    terminal,
    response: "",
    children: [],
    remainingBranches: branches,
    visits: 0,
    value: 0,
    usedAsFeedback: false,
    evaluations: [],
  };
}

/** The node of an id (a programming error when there is none). */
export function nodeOf(tree: SearchTree, id: number): SearchNode {
  const node = tree.nodes[id];
  if (node === undefined) throw new RangeError(`the tree of ${tree.problemId} has no node ${id}`);
  return node;
}

/** What an answer adds below a node: its segments, and the answer itself. */
export interface SegmentChain {
  segments: readonly string[];
  response: string;
  responseFunction?: string;
}

/**
 * Hangs a chain of segments below `from`, one node a segment, and returns the last node. Where a
 * child already has the same segment (comments, docstrings and blank lines aside) the chain
 * follows it instead of adding a node. Every step spends one of its parent's branches. The last
 * new node is terminal and keeps the answer.
 */
export function addChain(tree: SearchTree, from: number, chain: SegmentChain): number {
  let current = from;
  chain.segments.forEach((segment, index) => {
    const parent = nodeOf(tree, current);
    const last = index === chain.segments.length - 1;
    const bare = withoutComments(segment);
    const twin = parent.children.find(
      (child) => withoutComments(nodeOf(tree, child).segment) === bare,
    );
    let next = twin;
    if (next === undefined) {
      const node = newNode(
        tree.nodes.length,
        current,
        parent.depth + 1,
        segment,
        last,
        tree.settings.branches,
      );
      if (last) {
        node.response = chain.response;
        if (chain.responseFunction !== undefined) node.responseFunction = chain.responseFunction;
      }
      tree.nodes.push(node);
      parent.children.push(node.id);
      next = node.id;
    }
    parent.remainingBranches -= 1;
    current = next;
  });
  return current;
}

/** Marks a node as a leaf (an answer ended there), keeping `leaves` ascending. */
export function addLeaf(tree: SearchTree, id: number): void {
  if (tree.leaves.includes(id)) return;
  tree.leaves.push(id);
  tree.leaves.sort((a, b) => a - b);
}

/** Node ids from the root to `id`, both included. */
export function pathTo(tree: SearchTree, id: number): number[] {
  const path: number[] = [];
  for (let node: number | null = id; node !== null; node = nodeOf(tree, node).parent)
    path.push(node);
  return path.reverse();
}

/** The code from the root to `id`: its segments joined by newlines, right-trimmed. */
export function codeTo(tree: SearchTree, id: number): string {
  return pathTo(tree, id)
    .slice(1)
    .map((node) => nodeOf(tree, node).segment)
    .join("\n")
    .trimEnd();
}

/** The mean reward of a node, q / n (0 for a node never visited). */
export function meanReward(node: SearchNode): number {
  return node.visits === 0 ? 0 : node.value / node.visits;
}

/**
 * UCT of a child: q / n + c · sqrt(ln N / n), N its parent's visits; a child never visited comes
 * first (infinity).
 */
export function upperConfidenceBound(
  child: SearchNode,
  parentVisits: number,
  explorationWeight: number,
): number {
  if (child.visits === 0) return Number.POSITIVE_INFINITY;
  return (
    child.value / child.visits +
    explorationWeight * Math.sqrt(Math.log(parentVisits) / child.visits)
  );
}

/** The child of `id` with the highest UCT (the first created among equals). */
export function selectChild(tree: SearchTree, id: number): number {
  const node = nodeOf(tree, id);
  let best: number | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const child of node.children) {
    const score = upperConfidenceBound(
      nodeOf(tree, child),
      node.visits,
      tree.settings.explorationWeight,
    );
    if (best === undefined || score > bestScore) {
      best = child;
      bestScore = score;
    }
  }
  if (best === undefined) throw new RangeError(`node ${id} of ${tree.problemId} has no children`);
  return best;
}

/**
 * The node to expand: from the root down by UCT, stopping at a terminal node (simulated again)
 * or at one with branches left.
 */
export function selectNode(tree: SearchTree): number {
  let id = 0;
  for (;;) {
    const node = nodeOf(tree, id);
    if (node.terminal || node.remainingBranches > 0 || node.children.length === 0) return id;
    id = selectChild(tree, id);
  }
}

/** Adds one visit and `reward` to the node and every ancestor up to the root. */
export function backpropagate(tree: SearchTree, id: number, reward: number): void {
  for (let node: number | null = id; node !== null; node = nodeOf(tree, node).parent) {
    const current = nodeOf(tree, node);
    current.visits += 1;
    current.value += reward;
  }
}

/** The nodes without children in the subtree of `id` (itself when it has none), depth first. */
function leavesBelow(tree: SearchTree, id: number): number[] {
  const node = nodeOf(tree, id);
  if (node.children.length === 0) return [id];
  return node.children.flatMap((child) => leavesBelow(tree, child));
}

/**
 * Reflection: the completion below `id` to show the policy as an example, and its worst
 * evaluation. Among the leaves below not yet shown (all of them once every one was), in a random
 * order, the one with the lowest mean reward (the highest once all were shown) is taken and marked.
 */
export function feedbackExample(
  tree: SearchTree,
  id: number,
  random: Random,
): { leaf: number; evaluation: LeafEvaluation } | undefined {
  const below = leavesBelow(tree, id).filter((leaf) => nodeOf(tree, leaf).evaluations.length > 0);
  if (below.length === 0) return undefined;
  let available = below.filter((leaf) => !nodeOf(tree, leaf).usedAsFeedback);
  const allShown = available.length === 0;
  if (allShown) available = below;
  const shuffled = random.shuffle(available);
  let chosen = shuffled[0]!;
  for (const leaf of shuffled) {
    const mean = meanReward(nodeOf(tree, leaf));
    const best = meanReward(nodeOf(tree, chosen));
    if (allShown ? mean > best : mean < best) chosen = leaf;
  }
  const node = nodeOf(tree, chosen);
  node.usedAsFeedback = true;
  let worst = node.evaluations[0]!;
  for (const evaluation of node.evaluations)
    if (evaluation.reward < worst.reward) worst = evaluation;
  return { leaf: chosen, evaluation: worst };
}
