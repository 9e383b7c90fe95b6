import { contentId, type UnitTest } from "@coderm/core";
import { createMockExecutor } from "@coderm/core/testing";
import { describe, expect, it } from "vitest";
import { labelTests } from "./labeler.js";

// A focal program of five executable lines; each test covers the lines its code names, e.g.
// "t:1,2,4" covers lines 1, 2 and 4. Mutant "m<line>" changes that line; a test kills it when
// the test's code lists the mutant's id after "kills=".
const focalCode = "line 1\nline 2\nline 3\nline 4\nline 5";
const test = (id: string, code: string): UnitTest => ({ kind: "assert", id, problemId: "p", code });
const mutant = (line: number) => ({ id: `m${line}`, line, code: `mutant of line ${line}` });
const limits = { timeMs: 1000, memoryMb: 256, outputBytes: 1024 };

function executor() {
  return createMockExecutor({
    judge: (candidate, unit) => {
      const code = unit.kind === "assert" ? unit.code : "";
      if (candidate.code === focalCode) {
        const lines = (code.match(/covers=([\d,]*)/)?.[1] ?? "")
          .split(",")
          .filter(Boolean)
          .map(Number);
        return {
          status: code.includes("fails") ? "fail" : "pass",
          coverage: { executable: [1, 2, 3, 4, 5], covered: lines },
        };
      }
      const mutantId = `m${candidate.code.match(/line (\d+)/)![1]}`;
      if (code.includes(`kills=${mutantId}`)) return "fail";
      if (code.includes(`hangs=${mutantId}`)) return "timeout";
      return "pass";
    },
  });
}

describe("labelTests", () => {
  it("measures each candidate alone against the existing suite, running mutants only against tests that reach them", async () => {
    const mock = executor();
    const existing = [test("e1", "covers=1,2 kills=m1"), test("broken", "covers=1 fails")];
    const candidates = [
      test("adds-lines", "covers=1,2,3"),
      test("kills-more", "covers=1,2 kills=m2 hangs=m1"),
      test("hangs", "covers=4 hangs=m4"),
      test("nothing-new", "covers=1 kills=m1"),
      test("wrong", "covers=1,2,3,4,5 fails"),
    ];
    const [labels] = await labelTests(
      [
        {
          key: "u",
          problemId: "p",
          focalCode,
          existingTests: existing,
          candidateTests: candidates,
          mutants: [mutant(1), mutant(2), mutant(4), mutant(5)],
        },
      ],
      { executor: mock, limits },
    );
    expect(labels!.executable).toEqual([1, 2, 3, 4, 5]);
    expect(labels!.droppedExisting).toEqual(["broken"]);
    expect(labels!.existing).toEqual({
      covered: [1, 2],
      mutants: { m1: "killed", m2: "survived", m4: "no-coverage", m5: "no-coverage" },
    });
    const byId = Object.fromEntries(labels!.tests.map((label) => [label.test.id, label]));
    expect(byId["adds-lines"]!.deltas).toMatchObject({
      runsCorrectly: true,
      coverage: 0.2,
      mutation: 0,
    });
    expect(byId["kills-more"]!.run.mutants).toEqual({
      m1: "timeout",
      m2: "killed",
      m4: "no-coverage",
      m5: "no-coverage",
    });
    expect(byId["kills-more"]!.deltas).toMatchObject({
      coverage: 0,
      mutation: 0.25,
      newlyKilled: ["m2"],
    });
    expect(byId.hangs!.deltas).toMatchObject({
      coverage: 0.2,
      mutation: 0.25,
      newlyKilled: ["m4"],
    });
    expect(byId["nothing-new"]!.deltas).toMatchObject({
      runsCorrectly: true,
      coverage: 0,
      mutation: 0,
    });
    expect(byId.wrong!.deltas).toMatchObject({ runsCorrectly: false, coverage: 0, mutation: 0 });
    expect(byId.wrong!.status).toBe("fail");

    // focal runs ask for coverage; a mutant runs only against passing tests that reach its line
    const [focal, ...mutantRuns] = mock.requests;
    expect(focal!.coverage).toBe(true);
    const asked = Object.fromEntries(
      mutantRuns.map((request) => [
        request.candidate.code,
        request.tests.map((unit) => unit.id).sort(),
      ]),
    );
    expect(asked).toEqual({
      "mutant of line 1": ["adds-lines", "e1", "kills-more", "nothing-new"],
      "mutant of line 2": ["adds-lines", "e1", "kills-more"],
      "mutant of line 4": ["hangs"],
    });
    expect(
      mutantRuns.every((request) => request.candidate.id === contentId(request.candidate.code)),
    ).toBe(true);
  });

  it("gives slow tests a longer limit against mutants, from their focal wall time", async () => {
    const mock = createMockExecutor({
      judge: (candidate, unit) =>
        candidate.code === focalCode
          ? {
              status: "pass",
              wallMs: unit.id === "slow" ? 500 : 2,
              coverage: { executable: [1], covered: [1] },
            }
          : "pass",
    });
    await labelTests(
      [
        {
          key: "u",
          problemId: "p",
          focalCode,
          existingTests: [],
          candidateTests: [test("slow", "a"), test("quick", "b")],
          mutants: [mutant(1)],
        },
      ],
      { executor: mock, limits, mutantTime: (wallMs) => (wallMs > 25 ? 10_000 : 250) },
    );
    const times = Object.fromEntries(mock.requests[1]!.tests.map((unit) => [unit.id, unit.timeMs]));
    expect(times).toEqual({ slow: 10_000, quick: 250 });
  });

  it("refuses two units with one key", async () => {
    const unit = {
      key: "u",
      problemId: "p",
      focalCode,
      existingTests: [],
      candidateTests: [],
      mutants: [],
    };
    await expect(labelTests([unit, unit], { executor: executor(), limits })).rejects.toThrow(
      /share a key/,
    );
  });
});
