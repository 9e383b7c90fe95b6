import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addChain, createSearchTree } from "./search-tree.js";
import {
  parseSearchTree,
  readSearchTree,
  readSearchTrees,
  searchTreeFileName,
  writeSearchTree,
} from "./tree-files.js";

const sample = (problemId: string) => {
  const tree = createSearchTree(problemId, "Complete f.", {
    branches: 4,
    explorationWeight: Math.SQRT2,
    seed: 1,
    reflection: true,
  });
  addChain(tree, 0, { segments: ["def f():", "    return 1"], response: "r" });
  return tree;
};

describe("search tree files", () => {
  it("are named by the percent-encoded problem id and written whole, leaving no temporary file", async () => {
    expect(searchTreeFileName("HumanEval/0")).toBe("HumanEval%2F0.json");
    expect(searchTreeFileName("a.b/../c")).toBe("a%2Eb%2F%2E%2E%2Fc.json");
    const dir = await mkdtemp(join(tmpdir(), "coderm-nt-trees-"));
    const tree = sample("HumanEval/0");
    const file = await writeSearchTree(dir, tree);
    tree.rollouts = 1;
    await writeSearchTree(dir, tree);
    expect(await readdir(dir)).toEqual(["HumanEval%2F0.json"]);
    expect(await readSearchTree(dir, "HumanEval/0")).toEqual(tree);
    expect(await readSearchTree(dir, "HumanEval/1")).toBeUndefined();
    expect(JSON.parse(await readFile(file, "utf8")).rollouts).toBe(1);
    await writeSearchTree(dir, sample("Mbpp/2"));
    expect((await readSearchTrees(dir)).map((read) => read.problemId)).toEqual([
      "HumanEval/0",
      "Mbpp/2",
    ]);
  });

  it("name the file and the field at fault when they do not read", async () => {
    const good = JSON.stringify(sample("P/1"));
    expect(() => parseSearchTree("{", "t.json")).toThrow(/^t\.json: not JSON/);
    const badReward = JSON.parse(good);
    badReward.nodes[2].evaluations = [
      { rollout: 0, callingExamples: "", log: "", feedback: "", reward: 2 },
    ];
    expect(() => parseSearchTree(JSON.stringify(badReward), "t.json")).toThrow(
      /t\.json, field "nodes\[2\]\.evaluations\[0\]\.reward"/,
    );
    const orphan = JSON.parse(good);
    orphan.nodes[1].children = [];
    expect(() => parseSearchTree(JSON.stringify(orphan), "t.json")).toThrow(
      /field "nodes\[2\]\.parent": not a search tree: node 1 does not list 2 as a child/,
    );
    const dir = await mkdtemp(join(tmpdir(), "coderm-nt-trees-"));
    await writeFile(
      join(dir, "P%2F1.json"),
      JSON.stringify({ ...JSON.parse(good), problemId: "P/2" }),
    );
    await expect(readSearchTree(dir, "P/1")).rejects.toThrow(
      /field "problemId": holds the tree of P\/2/,
    );
  });
});
