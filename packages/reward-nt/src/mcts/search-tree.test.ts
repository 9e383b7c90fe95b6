import { createRandom } from "@coderm/core";
import { describe, expect, it } from "vitest";
import {
  addChain,
  backpropagate,
  codeTo,
  createSearchTree,
  feedbackExample,
  pathTo,
  type SearchTree,
  selectChild,
  selectNode,
  upperConfidenceBound,
} from "./search-tree.js";

const settings = { branches: 3, explorationWeight: Math.SQRT2, seed: 0, reflection: true };
const newTree = () => createSearchTree("HumanEval/0", "Complete f.", settings);

/** A root with two chains: a -> b (leaf 2) and c (leaf 3). */
function twoChains(): SearchTree {
  const tree = newTree();
  addChain(tree, 0, { segments: ["def f(x):\n    a = x", "    return a"], response: "first" });
  addChain(tree, 0, { segments: ["def f(x):\n    return 0"], response: "second" });
  return tree;
}

describe("addChain", () => {
  it("hangs one node a segment, the last terminal with the answer, spending a branch a step", () => {
    const tree = newTree();
    const leaf = addChain(tree, 0, {
      segments: ["def f(x):", "    y = x", "    return y"],
      response: "the answer",
      responseFunction: "def f(x):\n    y = x\n    return y",
    });
    expect(leaf).toBe(3);
    expect(pathTo(tree, leaf)).toEqual([0, 1, 2, 3]);
    expect(codeTo(tree, leaf)).toBe("def f(x):\n    y = x\n    return y");
    expect(tree.nodes.map((node) => node.terminal)).toEqual([false, false, false, true]);
    expect(tree.nodes[3]!.response).toBe("the answer");
    expect(tree.nodes[2]!.response).toBe("");
    expect(tree.nodes.map((node) => node.remainingBranches)).toEqual([2, 2, 2, 3]);
    expect(tree.nodes.map((node) => node.depth)).toEqual([0, 1, 2, 3]);
  });

  it("follows a child whose segment differs only in comments and blank lines, still spending a branch", () => {
    const tree = newTree();
    addChain(tree, 0, { segments: ["def f(x):", "    return x"], response: "a" });
    const leaf = addChain(tree, 0, {
      segments: ["def f(x):  # same", "    return -x"],
      response: "b",
    });
    expect(tree.nodes).toHaveLength(4);
    expect(tree.nodes[0]!.children).toEqual([1]);
    expect(tree.nodes[1]!.children).toEqual([2, 3]);
    expect(leaf).toBe(3);
    expect(tree.nodes[1]!.segment).toBe("def f(x):");
    expect(tree.nodes[0]!.remainingBranches).toBe(1);
    expect(tree.nodes[1]!.remainingBranches).toBe(1);
  });
});

describe("backpropagate", () => {
  it("adds one visit and the reward to the leaf and each ancestor, and nothing elsewhere", () => {
    const tree = twoChains();
    backpropagate(tree, 2, 0.8);
    backpropagate(tree, 3, 0.2);
    backpropagate(tree, 2, 0.4);
    expect(tree.nodes.map((node) => node.visits)).toEqual([3, 2, 2, 1]);
    expect(tree.nodes[0]!.value).toBeCloseTo(1.4);
    expect(tree.nodes[1]!.value).toBeCloseTo(1.2);
    expect(tree.nodes[2]!.value).toBeCloseTo(1.2);
    expect(tree.nodes[3]!.value).toBeCloseTo(0.2);
  });
});

describe("UCT selection", () => {
  it("scores q/n + c sqrt(ln N / n), an unvisited child first", () => {
    const child = { ...newTree().nodes[0]!, visits: 4, value: 2 };
    expect(upperConfidenceBound(child, 10, Math.SQRT2)).toBeCloseTo(
      0.5 + Math.SQRT2 * Math.sqrt(Math.log(10) / 4),
    );
    expect(upperConfidenceBound({ ...child, visits: 0 }, 10, Math.SQRT2)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("prefers the better child when visits are equal, and the less visited one when exploring pays", () => {
    const tree = twoChains();
    backpropagate(tree, 2, 0.4);
    backpropagate(tree, 3, 0.6);
    expect(selectChild(tree, 0)).toBe(3);
    for (const reward of [1, 1, 1]) backpropagate(tree, 2, reward);
    // c large: the child seen once beats the one seen four times with a better mean
    tree.settings.explorationWeight = 5;
    expect(selectChild(tree, 0)).toBe(3);
    // c = 0: the mean alone (0.85 against 0.6)
    tree.settings.explorationWeight = 0;
    expect(selectChild(tree, 0)).toBe(1);
  });

  it("breaks ties in favour of the child created first", () => {
    const tree = twoChains();
    backpropagate(tree, 3, 0.5);
    backpropagate(tree, 2, 0.5);
    expect(selectChild(tree, 0)).toBe(1);
  });

  it("descends while a node has no branches left and stops at a terminal node or one with branches", () => {
    const tree = twoChains();
    backpropagate(tree, 2, 1);
    backpropagate(tree, 3, 0);
    // the root has a branch left: it is expanded again (a rewrite)
    expect(selectNode(tree)).toBe(0);
    tree.nodes[0]!.remainingBranches = 0;
    tree.nodes[1]!.remainingBranches = 0;
    tree.settings.explorationWeight = 0;
    // root -> node 1 (mean 1) -> node 2, terminal
    expect(selectNode(tree)).toBe(2);
    tree.nodes[1]!.remainingBranches = 1;
    expect(selectNode(tree)).toBe(1);
  });
});

describe("feedbackExample (reflection)", () => {
  it("shows the worst unshown leaf below the node, then, once all were shown, the best, with its worst evaluation", () => {
    const tree = newTree();
    const prefix = addChain(tree, 0, { segments: ["def f(x):"], response: "" });
    tree.nodes[prefix]!.terminal = false;
    const good = addChain(tree, prefix, { segments: ["    return x"], response: "g" });
    const bad = addChain(tree, prefix, { segments: ["    return 0"], response: "b" });
    const evaluation = (reward: number) => ({
      rollout: 0,
      callingExamples: "f(1)",
      log: "",
      feedback: `Score: ${reward * 5}`,
      reward,
    });
    tree.nodes[good]!.evaluations.push(evaluation(1), evaluation(0.6));
    tree.nodes[bad]!.evaluations.push(evaluation(0.2));
    backpropagate(tree, good, 1);
    backpropagate(tree, good, 0.6);
    backpropagate(tree, bad, 0.2);
    const random = createRandom(1);
    expect(feedbackExample(tree, prefix, random)).toMatchObject({ leaf: bad });
    expect(feedbackExample(tree, prefix, random)).toMatchObject({
      leaf: good,
      evaluation: { reward: 0.6 },
    });
    // every leaf shown: the best one again
    expect(feedbackExample(tree, prefix, random)).toMatchObject({ leaf: good });
    expect(tree.nodes[good]!.usedAsFeedback && tree.nodes[bad]!.usedAsFeedback).toBe(true);
  });
});
