import { describe, expect, it } from "vitest";
import { inlineUnitTests, rewardItemSchema } from "./reward-items.js";

describe("reward items", () => {
  it("reads inline tests of every form", () => {
    const tests = inlineUnitTests(
      [
        "assert f(1) == 2",
        { kind: "unittest", code: "import unittest" },
        { kind: "stdio", stdin: "1\n", stdout: "2\n" },
        { kind: "call", args: [1], expected: 2 },
      ],
      "f",
    );
    expect(tests.map((test) => test.kind)).toEqual(["assert", "unittest", "stdio", "call"]);
    expect(tests[2]).toMatchObject({ stdin: "1\n", expectedStdout: "2\n" });
    expect(tests[3]).toMatchObject({ entryPoint: "f", args: [1], expected: 2 });
    // equal tests get equal ids, so equal items share verdicts
    expect(inlineUnitTests(["assert f(1) == 2"], undefined)[0]!.id).toBe(tests[0]!.id);
  });

  it("reads veRL's input/output pairs as stdio tests, or as calls with fn_name", () => {
    expect(
      inlineUnitTests({ inputs: ["1 2\n"], outputs: ["3\n"] }, undefined).map((test) => test.kind),
    ).toEqual(["stdio"]);
    const [call] = inlineUnitTests({ inputs: [[1, 2]], outputs: [3], fn_name: "add" }, undefined);
    expect(call).toMatchObject({ kind: "call", entryPoint: "add", args: [1, 2], expected: 3 });
  });

  it("names the test that cannot run", () => {
    expect(() => inlineUnitTests([{ kind: "call", args: [1], expected: 2 }], undefined)).toThrow(
      expect.objectContaining({ field: "tests[0]" }),
    );
    expect(() => inlineUnitTests({ inputs: [1], outputs: ["2"] }, undefined)).toThrow(
      expect.objectContaining({ field: "tests.inputs[0]" }),
    );
  });

  it("checks an item's fields, with defaults", () => {
    const item = rewardItemSchema.parse({ response: "x", tests: ["assert True"] });
    expect(item).toMatchObject({
      extraction: "last-python-block",
      mode: "tests",
      shaping: "all-pass",
    });
    const firstK = rewardItemSchema.safeParse({
      response: "x",
      tests: ["assert True"],
      shaping: "first-k",
    });
    expect(firstK.error?.issues[0]?.path).toEqual(["k"]);
    const truth = rewardItemSchema.safeParse({ response: "x", tests: "ground-truth" });
    expect(truth.error?.issues[0]?.path).toEqual(["problem"]);
  });
});
