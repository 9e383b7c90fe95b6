import { spawnSync } from "node:child_process";
import { contentId } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { sourceTwinPairs } from "./source-twins.js";

/** `ast.dump` of each program (positions and comments left out), from a real interpreter. */
function syntaxTrees(programs: readonly string[]): string[] {
  const script =
    "import ast, json, sys\nprint(json.dumps([ast.dump(ast.parse(p)) for p in json.load(sys.stdin)]))";
  const result = spawnSync("python3", ["-c", script], {
    input: JSON.stringify(programs),
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as string[];
}

describe("source twins", () => {
  it("pairs programs with one syntax tree and different content ids", () => {
    const pairs = sourceTwinPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(4);
    const trees = syntaxTrees(
      pairs.flatMap((pair) => [pair.right.candidate.code, pair.wrong.candidate.code]),
    );
    pairs.forEach((pair, index) => {
      expect(trees[2 * index + 1], pair.id).toBe(trees[2 * index]);
      expect(contentId(pair.wrong.candidate.code), pair.id).not.toBe(
        contentId(pair.right.candidate.code),
      );
      expect(pair.wrong.candidate.id).not.toBe(pair.right.candidate.id);
    });
  });
});
