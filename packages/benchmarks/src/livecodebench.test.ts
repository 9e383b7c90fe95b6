import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeLiveCodeBenchTestCases,
  liveCodeBenchReleaseFiles,
  liveCodeBenchToProblem,
  readLiveCodeBench,
  readPickledString,
} from "./livecodebench.js";
import {
  liveCodeBenchRecord,
  pythonPrivateTests,
  writeLiveCodeBenchFixture,
} from "./testing/index.js";

/** What Python's pickle writes for `value` under `protocol` (a real Python process). */
function pythonPickle(expression: string, protocol: number): Buffer {
  const script = `import pickle, sys; sys.stdout.buffer.write(pickle.dumps(${expression}, protocol=${protocol}))`;
  return execFileSync("python3", ["-c", script]);
}

describe("readPickledString", () => {
  it.each([2, 3, 4, 5])("reads a string pickled by Python under protocol %i", (protocol) => {
    expect(readPickledString(pythonPickle("'short'", protocol))).toBe("short");
    const long = pythonPickle("'é ' * 300 + '\\u2603'", protocol);
    expect(readPickledString(long)).toBe(`${"é ".repeat(300)}\u2603`);
  });

  it("refuses anything but one string, naming the opcode", () => {
    expect(() => readPickledString(pythonPickle("['a']", 4))).toThrow(
      /pickle opcode 0x5d at byte \d+ is not part of a pickled string/,
    );
    // what a hostile dataset would hold: a call of os.system
    const hostile = pythonPickle("__import__('os').system", 2);
    expect(() => readPickledString(hostile)).toThrow(/refusing to unpickle/);
    expect(() => readPickledString(Buffer.from([0x80, 0x04, 0x8c, 0x05, 0x61]))).toThrow(
      /ends inside an opcode/,
    );
  });
});

describe("decodeLiveCodeBenchTestCases", () => {
  const cases = [
    { input: "1 2\n", output: "3\n", testtype: "stdin" },
    { input: "[1, 2]\n3", output: "[0, 1]", testtype: "functional" },
  ];

  it("reads plain JSON and the base64 zlib pickle of the private tests alike", () => {
    expect(decodeLiveCodeBenchTestCases(JSON.stringify(cases))).toEqual(cases);
    expect(decodeLiveCodeBenchTestCases(pythonPrivateTests(cases))).toEqual(cases);
  });

  it("names what is wrong with a bad list", () => {
    expect(() => decodeLiveCodeBenchTestCases("not base64 zlib!")).toThrow(
      /neither JSON nor base64 zlib data/,
    );
    const compressedList = deflateSync(pythonPickle("[1]", 4)).toString("base64");
    expect(() => decodeLiveCodeBenchTestCases(compressedList)).toThrow(/pickle opcode/);
    expect(() =>
      decodeLiveCodeBenchTestCases(JSON.stringify([{ input: "1", output: 2, testtype: "stdin" }])),
    ).toThrow(
      expect.objectContaining({
        message: expect.stringContaining("test cases"),
        field: "0.output",
      }),
    );
  });
});

describe("liveCodeBenchReleaseFiles", () => {
  it("maps version tags to files as LiveCodeBench's loader does", () => {
    expect(liveCodeBenchReleaseFiles("release_v1")).toEqual(["test.jsonl"]);
    expect(liveCodeBenchReleaseFiles("release_v3")).toEqual([
      "test.jsonl",
      "test2.jsonl",
      "test3.jsonl",
    ]);
    expect(liveCodeBenchReleaseFiles("release_latest")).toHaveLength(6);
    expect(liveCodeBenchReleaseFiles("v5")).toEqual(["test5.jsonl"]);
    expect(liveCodeBenchReleaseFiles("v4_v6")).toEqual([
      "test4.jsonl",
      "test5.jsonl",
      "test6.jsonl",
    ]);
    for (const bad of ["v7", "release_v0", "v5_v4", "latest"]) {
      expect(() => liveCodeBenchReleaseFiles(bad)).toThrow(/unknown LiveCodeBench version tag/);
    }
  });
});

describe("readLiveCodeBench", () => {
  let dir: string;
  let fixture: string;
  const record = liveCodeBenchRecord;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "coderm-lcb-"));
    fixture = join(dir, "test5.jsonl");
    await writeLiveCodeBenchFixture(fixture);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads every problem with its public and private tests decoded", async () => {
    const problems = await readLiveCodeBench([fixture]);
    expect(problems.map((problem) => problem.questionId)).toEqual(["abc300_a", "1234B", "two-sum"]);
    expect(problems[0]!.privateTests.map((testCase) => testCase.output)).toEqual([
      "30\n",
      "0.75\n",
    ]);
    expect(problems[2]).toMatchObject({ functionName: "twoSum", difficulty: "easy" });
    expect(problems[2]!.privateTests).toEqual([
      { input: "[3, 3]\n6", output: "[0, 1]", testtype: "functional" },
    ]);
  });

  it("keeps the problems of a date window, both ends inclusive", async () => {
    const ids = async (window: { since?: string; until?: string }) =>
      (await readLiveCodeBench([fixture], window)).map((problem) => problem.questionId);
    expect(await ids({ since: "2024-08-01" })).toEqual(["1234B", "two-sum"]);
    expect(await ids({ since: "2024-08-15", until: "2024-09-02" })).toEqual(["1234B", "two-sum"]);
    // until is that day's midnight, as LiveCodeBench compares: a contest later that day is out
    expect(await ids({ since: "2024-08-01", until: "2024-08-15" })).toEqual([]);
    expect(await ids({ until: "2023-04-29" })).toEqual(["abc300_a"]);
    await expect(readLiveCodeBench([fixture], { since: "2024/08/01" })).rejects.toMatchObject({
      field: "since",
    });
  });

  it("names the file, line and field of a bad record", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(
      bad,
      `${JSON.stringify(record({}))}\n${JSON.stringify(record({ private_test_cases: "eJzLSM3JyQcABiwCFQ==" }))}\n`,
    );
    await expect(readLiveCodeBench([bad])).rejects.toMatchObject({
      file: bad,
      line: 2,
      field: "private_test_cases",
    });
    await writeFile(bad, `${JSON.stringify(record({ difficulty: "trivial" }))}\n`);
    await expect(readLiveCodeBench([bad])).rejects.toMatchObject({ file: bad, line: 1 });
  });

  it("turns stdin cases into stdio tests and functional ones into calls, under LiveCodeBench's convention", async () => {
    const [atcoder, , leetcode] = await readLiveCodeBench([fixture]);
    const problem = liveCodeBenchToProblem(atcoder!);
    expect(problem.id).toBe("LiveCodeBench/abc300_a");
    expect(problem.tests?.map((test) => test.kind === "stdio" && test.expectedStdout)).toEqual([
      "3\n",
      "30\n",
      "0.75\n",
    ]);
    expect(
      problem.tests?.every((test) => "convention" in test && test.convention === "livecodebench"),
    ).toBe(true);
    expect(problem.metadata).toMatchObject({ difficulty: "easy", platform: "atcoder" });
    const functional = liveCodeBenchToProblem(leetcode!);
    expect(functional.entryPoint).toBe("twoSum");
    expect(functional.tests).toEqual([
      expect.objectContaining({
        kind: "call",
        entryPoint: "twoSum",
        args: [[2, 7, 11], 9],
        expected: [0, 1],
      }),
      expect.objectContaining({
        kind: "call",
        args: [[3, 3], 6],
        expected: [0, 1],
        convention: "livecodebench",
      }),
    ]);
    // Python's json reads 2.0 as a float: so does the argument
    const floats = liveCodeBenchToProblem({
      ...leetcode!,
      publicTests: [{ input: "2.0", output: "1.0", testtype: "functional" }],
      privateTests: [],
    });
    expect(floats.tests?.[0]).toMatchObject({
      args: [{ $float: "2.0" }],
      expected: { $float: "1.0" },
    });
    expect(() => liveCodeBenchToProblem({ ...leetcode!, functionName: undefined })).toThrow(
      /no func_name/,
    );
  });
});
