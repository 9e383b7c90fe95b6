import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { requireDataDir } from "@coderm/vitest-config/data";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRerankInputs } from "./rerank-inputs.js";

requireDataDir();

let dir: string;
let candidates: string;
let tests: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "coderm-rerank-inputs-"));
  candidates = join(dir, "candidates.jsonl");
  tests = join(dir, "tests.jsonl");
  await writeFile(
    candidates,
    [
      '\uFEFF{"task_id": "HumanEval/0", "completion": "    return True\\n"}',
      '{"task_id": "HumanEval/0", "completion": "    return \'\\udc80\'\\n"}',
      '{"task_id": "HumanEval/0", "completion": "    return False\\n"}',
    ].join("\n"),
  );
  await writeFile(
    tests,
    [
      '{"task_id": "HumanEval/0", "test": "assert True"}',
      '{"task_id": "HumanEval/0", "test": "assert ((("}',
      '{"task_id": "HumanEval/0", "test": "assert 1 == 1"}',
    ].join("\n"),
  );
});

const source = (skipBadLines?: boolean) => ({
  benchmark: "humaneval",
  candidatesFile: candidates,
  testsFile: tests,
  ...(skipBadLines === undefined ? {} : { skipBadLines }),
});

describe("loadRerankInputs", () => {
  it("stops at the first bad line by default, naming its file, line and field", async () => {
    const error = await loadRerankInputs(source()).catch((caught: unknown) => caught);
    expect(CodermError.isInstance(error)).toBe(true);
    expect((error as CodermError).code).toBe("invalid-input");
    expect((error as CodermError).message).toMatch(
      new RegExp(`^${candidates}:2, field "completion": holds a lone surrogate`),
    );
  });

  it("with skipBadLines collects every bad line (a lone surrogate, a test that does not parse) and goes on", async () => {
    const { input, errors } = await loadRerankInputs(source(true));
    // the byte-order mark of line 1 is dropped, so that line is a good candidate
    expect(input.candidates.map((candidate) => candidate.code.endsWith("return True\n"))).toEqual([
      true,
      false,
    ]);
    expect(input.tests).toHaveLength(2);
    expect(errors.map(({ file, line }) => [file, line])).toEqual([
      [candidates, 2],
      [tests, 2],
    ]);
    expect(errors[1]!.message).toBe(`${tests}:2, field "test": the test does not parse as Python`);
  });

  it("keeps only the problems named, in the set's order, then the first --limit of them", async () => {
    const named = await loadRerankInputs({
      problems: ["HumanEval/7", "HumanEval/3", "HumanEval/150"],
      testsPerSample: 1,
    });
    expect(named.input.problems.map((problem) => problem.id)).toEqual([
      "HumanEval/3",
      "HumanEval/7",
      "HumanEval/150",
    ]);
    const kept = new Set(["HumanEval/3", "HumanEval/7", "HumanEval/150"]);
    expect(named.input.candidates.length).toBeGreaterThan(0);
    expect(named.input.candidates.every((candidate) => kept.has(candidate.problemId))).toBe(true);
    expect(new Set(named.input.tests.map((test) => test.problemId))).toEqual(kept);
    const limited = await loadRerankInputs({
      problems: ["HumanEval/7", "HumanEval/3", "HumanEval/150"],
      limit: 2,
      testsPerSample: 1,
    });
    expect(limited.input.problems.map((problem) => problem.id)).toEqual([
      "HumanEval/3",
      "HumanEval/7",
    ]);
    const error = await loadRerankInputs({ problems: ["HumanEval/3", "Humaneval/4"] }).catch(
      (caught: unknown) => caught,
    );
    expect(CodermError.isInstance(error) && error.field).toBe("problems");
    expect((error as CodermError).message).toContain('no problem "Humaneval/4" in these inputs');
  });
});
