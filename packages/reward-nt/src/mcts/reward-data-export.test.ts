import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRandom } from "@coderm/core";
import { describe, expect, it } from "vitest";
import {
  exportablePaths,
  exportRewardData,
  pairwiseRewardRecords,
  rewardRecordLine,
  scalarRewardRecords,
  validationSplit,
} from "./reward-data-export.js";
import {
  addChain,
  addLeaf,
  backpropagate,
  createSearchTree,
  type SearchTree,
} from "./search-tree.js";

const answer = (code: string) => `Plan: double x.\n\`\`\`python\n${code}\n\`\`\`\nDone.`;
const prefix = "def f(x):\n    y = x * 2\n    print(y)";
const doubled = `${prefix}\n    return y`;
const negated = `${prefix}\n    # negate\n    return -y`;
const zero = "def f(x):\n    return 0";

/**
 * root ─ A (prefix) ─ B (return y)      rewards 0.8, 1.0
 *      │            └ C (return -y)     reward 0.4
 *      ├ D (return 0)                   reward 0.4
 *      └ E (two Python blocks)          reward 0.6, left out of the exports
 */
function sampleTree(problemId = "HumanEval/7"): SearchTree {
  const tree = createSearchTree(problemId, "Complete f.", {
    branches: 4,
    explorationWeight: Math.SQRT2,
    seed: 0,
    reflection: true,
  });
  const b = addChain(tree, 0, {
    segments: [prefix, "    return y"],
    response: answer(doubled),
    responseFunction: doubled,
  });
  const c = addChain(tree, 1, {
    segments: ["    # negate\n    return -y"],
    response: answer(negated),
    responseFunction: negated,
  });
  const d = addChain(tree, 0, {
    segments: [zero],
    response: answer(zero),
    responseFunction: zero,
  });
  const e = addChain(tree, 0, {
    segments: ["def f(x):\n    return x + x"],
    response: `${answer("def f(x):\n    return x + x")}\n${answer("f(1)")}`,
    responseFunction: "def f(x):\n    return x + x",
  });
  for (const [leaf, rewards] of [
    [b, [0.8, 1]],
    [c, [0.4]],
    [d, [0.4]],
    [e, [0.6]],
  ] as const) {
    addLeaf(tree, leaf);
    for (const reward of rewards) backpropagate(tree, leaf, reward);
  }
  return tree;
}

describe("scalar records", () => {
  it("give every node of each exportable path the answer through its segment, with its q and n", () => {
    const tree = sampleTree();
    expect(exportablePaths(tree).map((path) => path.leaf)).toEqual([2, 3, 4]);
    const records = scalarRewardRecords(tree);
    const head = "Plan: double x.\n```python\n";
    expect(records).toEqual([
      { raw_index: "HumanEval/7", input: "Complete f.", output: head + prefix, q: 2.2, n: 3 },
      { raw_index: "HumanEval/7", input: "Complete f.", output: head + doubled, q: 1.8, n: 2 },
      // the comment of C's segment is in the answer: the cut falls before it
      { raw_index: "HumanEval/7", input: "Complete f.", output: head + prefix, q: 2.2, n: 3 },
      { raw_index: "HumanEval/7", input: "Complete f.", output: head + negated, q: 0.4, n: 1 },
      { raw_index: "HumanEval/7", input: "Complete f.", output: head + zero, q: 0.4, n: 1 },
    ]);
  });

  it("leave out a path whose answer's function is not the path's code", () => {
    const tree = sampleTree();
    tree.nodes[2]!.responseFunction = "def f(x):\n    return 1";
    expect(exportablePaths(tree).map((path) => path.leaf)).toEqual([3, 4]);
  });
});

describe("pairwise records", () => {
  it("pair branching and end nodes off each other's root path whose q/n differ, the higher chosen", () => {
    const tree = sampleTree();
    const records = pairwiseRewardRecords(tree, createRandom(0));
    const head = "Plan: double x.\n```python\n";
    const summary = records.map((record) => [
      record.q_chosen / record.n_chosen,
      record.q_reject / record.n_reject,
    ]);
    // A (branching) with D; B with C and D; not A with B or C (its descendants), not C with D (equal)
    expect(summary).toEqual([
      [2.2 / 3, 0.4],
      [0.9, 0.4],
      [0.9, 0.4],
    ]);
    const [aWithD, bWithC, bWithD] = records;
    expect(aWithD!.output_chosen).toBe(head + prefix);
    expect(aWithD!.output_reject).toBe(answer(zero));
    // at the end of a path the whole answer stands for the node
    expect(bWithC).toMatchObject({
      output_chosen: answer(doubled),
      output_reject: answer(negated),
      q_chosen: 1.8,
      n_chosen: 2,
      q_reject: 0.4,
      n_reject: 1,
    });
    expect(bWithD!.output_reject).toBe(answer(zero));
    for (const record of records) {
      expect(record.raw_index).toBe("HumanEval/7");
      expect(record.q_chosen / record.n_chosen).toBeGreaterThan(record.q_reject / record.n_reject);
    }
  });

  it("clip q to [0, n]", () => {
    const tree = sampleTree();
    tree.nodes[4]!.value = -1;
    const records = pairwiseRewardRecords(tree, createRandom(0));
    expect(records.find((record) => record.output_reject === answer(zero))).toMatchObject({
      q_reject: 0,
      n_reject: 1,
    });
    // now C (0.4) and D (0) differ: one more pair
    expect(records).toHaveLength(4);
  });
});

describe("validationSplit", () => {
  it("puts the first 5% of the lines, rounded half to even, in the validation set", () => {
    const lines = (count: number) => Array.from({ length: count }, (_, index) => index);
    expect(validationSplit(lines(40)).validation).toEqual([0, 1]);
    expect(validationSplit(lines(40)).train).toEqual(lines(40).slice(2));
    expect(validationSplit(lines(50)).validation).toHaveLength(2); // 2.5 -> 2
    expect(validationSplit(lines(70)).validation).toHaveLength(4); // 3.5 -> 4
    expect(validationSplit(lines(10)).validation).toHaveLength(0); // 0.5 -> 0
    expect(validationSplit(lines(30)).validation).toHaveLength(2); // 1.5000000000000002 -> 2
  });
});

describe("exportRewardData", () => {
  it("writes both exports in tree order with the first 5% of each as its validation file, q as floats", async () => {
    const trees = Array.from({ length: 8 }, (_, index) => sampleTree(`HumanEval/${index}`));
    const outDir = await mkdtemp(join(tmpdir(), "coderm-nt-export-"));
    const written = await exportRewardData({ trees, outDir });
    expect(written).toMatchObject({
      trees: 8,
      paths: { kept: 24, skipped: 8 },
      scalar: { train: 38, validation: 2 },
      pairwise: { train: 23, validation: 1 },
    });
    const lines = async (file: string) =>
      (await readFile(file, "utf8"))
        .trimEnd()
        .split("\n")
        .filter((line) => line !== "");
    const validation = await lines(written.scalar.validationFile);
    expect(validation.map((line) => JSON.parse(line).raw_index)).toEqual([
      "HumanEval/0",
      "HumanEval/0",
    ]);
    const train = await lines(written.scalar.trainFile);
    expect(JSON.parse(train.at(-1)!)).toMatchObject({ raw_index: "HumanEval/7", q: 0.4, n: 1 });
    for (const line of [...validation, ...train]) {
      expect(Object.keys(JSON.parse(line))).toEqual(["raw_index", "input", "output", "q", "n"]);
      expect(line).toMatch(/"q":-?\d+\.\d+(e[+-]?\d+)?,"n":\d+\}$/);
    }
    const pairs = await lines(written.pairwise.trainFile);
    expect(pairs).toHaveLength(23);
    expect(Object.keys(JSON.parse(pairs[0]!))).toEqual([
      "raw_index",
      "input",
      "output_chosen",
      "output_reject",
      "q_chosen",
      "n_chosen",
      "q_reject",
      "n_reject",
    ]);
  });

  it("writes whole-number q as a float and n as an integer", () => {
    expect(rewardRecordLine({ raw_index: "P/1", input: "i", output: "o", q: 2, n: 3 })).toBe(
      '{"raw_index":"P/1","input":"i","output":"o","q":2.0,"n":3}',
    );
  });
});
