// Line coverage of the local executor against coverage.py itself: each focal program runs
// through the executor with `coverage: true`, and through coverage.py (Debian's python3-coverage,
// 6.5) in a fresh process that loads the program and runs the same one test; executable and
// covered lines must be equal. Every interpreter found is compared: the tests' default, Debian's
// /usr/bin/python3 (coverage.py's C tracer), and pyenv's 3.9 to 3.13 where installed, whose
// coverage.py is Debian's pure-Python one (on 3.12+ the harness traces with sys.monitoring).
import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadProblems } from "@coderm/benchmarks";
import { type ExecutionRequest, normalizeText, type UnitTest, type Verdict } from "@coderm/core";
import { resolvePython } from "@coderm/core/node";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { focalFiles } from "./coverage-focal-fixture.js";
import { createLocalExecutor } from "./local-executor.js";

requireDataDir();

const run = promisify(execFile);
/** Where Debian's python3-coverage lives (scripts/setup.sh installs it). */
const debianPackages = "/usr/lib/python3/dist-packages";
const debianPython = "/usr/bin/python3";
const humanEvalProblems = 20;
/**
 * Python 3.9 gets fewer: its harness takes about a second a request (closing the candidate
 * process's descriptors one by one, before close_range), and one request runs a program.
 */
const humanEvalProblemsOn39 = 5;

/** One program with its tests, as both sides run them. */
interface Focal {
  name: string;
  code: string;
  tests: UnitTest[];
}

/** What coverage.py reported for one (program, test), and whether the test passed there. */
interface Measured {
  executable: number[];
  covered: number[];
  passed: boolean;
}

/**
 * The driver: for each job, a fresh process (a fork) starts coverage.py on the program's file,
 * imports it, runs the test (an assert: its code in the module's namespace; a check: check(entry
 * point) with the test code in a copy of it, as the harness's test process sees the program),
 * stops, and reports coverage.py's statements and the statements not missing.
 */
const driver = `
import importlib.util, json, os, sys
import coverage

def measure(job, out):
    cov = coverage.Coverage(data_file=None, config_file=False, include=[job["path"]])
    cov.start()
    passed = False
    try:
        spec = importlib.util.spec_from_file_location("focal", job["path"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if job["kind"] == "check":
            names = dict(vars(module))
            exec(compile(job["code"], "<test>", "exec"), names)
            names["check"](getattr(module, job["entryPoint"]))
        else:
            exec(compile(job["code"], "<test>", "exec"), vars(module))
        passed = True
    except BaseException:
        pass
    cov.stop()
    _, statements, _, missing, _ = cov.analysis2(job["path"])
    report = os.path.join(os.path.dirname(out), "report-%d.json" % os.getpid())
    cov.json_report(outfile=report)
    data = json.load(open(report))["files"]
    lines = next(iter(data.values())) if data else {"executed_lines": [], "missing_lines": []}
    executed = set(lines["executed_lines"])
    # the JSON report's executed lines also hold docstring lines that ran: not statements
    assert set(lines["missing_lines"]) == set(missing)
    assert executed >= set(statements) - set(missing)
    with open(out, "w") as f:
        json.dump({"executable": sorted(statements), "covered": sorted(set(statements) - set(missing)), "passed": passed}, f)

jobs = json.load(open(sys.argv[1]))
first, step = int(sys.argv[3]), int(sys.argv[4])  # this driver's share: every step-th job
results = []
for number, job in list(enumerate(jobs))[first::step]:
    out = os.path.join(os.path.dirname(sys.argv[1]), "result-%d.json" % number)
    pid = os.fork()
    if pid == 0:
        try:
            measure(job, out)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    results.append(json.load(open(out)))
with open(sys.argv[2], "w") as f:
    json.dump(results, f)
`;

/** The interpreters to compare on: [label, executable, version]. */
async function interpreters(): Promise<[string, string, [number, number]][]> {
  const found = new Map<string, [string, string, [number, number]]>();
  const add = async (label: string, python: string) => {
    if (!existsSync(python)) return;
    const real = realpathSync(python);
    if (found.has(real)) return;
    const { stdout } = await run(python, [
      "-c",
      "import sys; print(sys.version_info[0], sys.version_info[1])",
    ]);
    const [major, minor] = stdout.trim().split(" ").map(Number) as [number, number];
    found.set(real, [label, python, [major, minor]]);
  };
  await add("the tests' Python", (await resolvePython()).executable);
  await add("Debian's Python", debianPython);
  for (const version of ["3.9", "3.10", "3.11", "3.12", "3.13"]) {
    const root = join(process.env.PYENV_ROOT ?? "/root/.pyenv", "versions");
    if (!existsSync(root)) break;
    const { stdout } = await run("ls", [root]);
    const match = stdout
      .split("\n")
      .filter((name) => name === version || name.startsWith(`${version}.`))
      .sort()
      .at(-1);
    if (match !== undefined) await add(`pyenv ${match}`, join(root, match, "bin", "python3"));
  }
  return [...found.values()];
}

/** An assert test from a HumanEval check: its last one-line assertion, on the entry point. */
function humanEvalAssert(check: string, entryPoint: string): string {
  const balanced = (line: string) => {
    let depth = 0;
    for (const char of line) {
      if ("([{".includes(char)) depth += 1;
      if (")]}".includes(char)) depth -= 1;
    }
    return depth === 0;
  };
  const lines = check
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("assert ") && line.includes("candidate(") && balanced(line));
  return lines.at(-1)!.replaceAll(/\bcandidate\b/g, entryPoint);
}

const assertOn = (id: string, code: string): UnitTest => ({
  id,
  problemId: "p",
  kind: "assert",
  code,
});
const request = (id: string, code: string, tests: UnitTest[]): ExecutionRequest => ({
  candidate: { id, problemId: "p", code },
  tests,
  limits: { timeMs: 10_000, memoryMb: 1024, outputBytes: 65536 },
});

async function focalPrograms(version: [number, number]): Promise<Focal[]> {
  const programs: Focal[] = [];
  const count = version[0] === 3 && version[1] < 10 ? humanEvalProblemsOn39 : humanEvalProblems;
  const problems = (await loadProblems("humaneval")).slice(0, count);
  for (const problem of problems) {
    const check = problem.tests![0]!;
    if (check.kind !== "check") throw new Error(`${problem.id}: expected a check test`);
    programs.push({
      name: problem.id,
      code: problem.canonicalSolution!,
      tests: [assertOn("assert", humanEvalAssert(check.code, problem.entryPoint)), check],
    });
  }
  for (const file of focalFiles()) {
    const [major, minor] = file.minimumPython ?? [3, 9];
    if (version[0] < major || (version[0] === major && version[1] < minor)) continue;
    programs.push({
      name: file.name,
      code: file.code,
      tests: file.tests.map((code, index) => assertOn(`t${index}`, code)),
    });
  }
  return programs;
}

describe("line coverage of a hostile candidate", () => {
  it("claims no line beyond its own executable lines, and spoils only its own coverage", async () => {
    // grows the set of lines it ran that it finds (the tracer's), and turns tracing off
    const forger = [
      "import gc, sys",
      "def forge():",
      "    for found in gc.get_objects():",
      "        if type(found) is set and found >= {1, 2, 7, 12} and max(found) < 14:",
      "            found.update(range(-5, 100000))",
      "    return 1",
      "def untrace():",
      "    sys.settrace(None)",
      "    if hasattr(sys, 'monitoring'):",
      "        sys.monitoring.free_tool_id(sys.monitoring.COVERAGE_ID)",
      "    return 2",
      "def plain():",
      "    return 3",
    ].join("\n");
    const executable = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    const executor = createLocalExecutor({ workers: 1 });
    try {
      const verdicts = new Map<string, Verdict>();
      const tests = [
        assertOn("forge", "assert forge() == 1"),
        assertOn("plain", "assert plain() == 3"),
        assertOn("untrace", "assert untrace() == 2"),
      ];
      for await (const verdict of executor.execute([
        { ...request("forger", forger, tests), coverage: true },
        { ...request("after", "def plain():\n    return 3\n", tests.slice(1, 2)), coverage: true },
      ]))
        verdicts.set(`${verdict.candidateId}/${verdict.testId}`, verdict);
      const forged = verdicts.get("forger/forge")!.coverage!;
      expect(forged.executable).toEqual(executable);
      expect(forged.covered.every((line) => executable.includes(line))).toBe(true);
      // the next test of the same process starts from its own lines again
      expect(verdicts.get("forger/plain")?.coverage).toEqual({
        executable,
        covered: [1, 2, 7, 12, 13],
      });
      expect(verdicts.get("forger/untrace")?.status).toBe("pass");
      expect(verdicts.get("after/plain")?.coverage).toEqual({
        executable: [1, 2],
        covered: [1, 2],
      });
    } finally {
      await executor.close();
    }
  });
});

describe("line coverage against coverage.py", async () => {
  const found = await interpreters();
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "coderm-coverage-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("finds the tests' Python and Debian's, with coverage.py", () => {
    expect(found.map(([label]) => label)).toContain("the tests' Python");
    expect(
      existsSync(join(debianPackages, "coverage")),
      "python3-coverage (scripts/setup.sh)",
    ).toBe(true);
  });

  for (const [label, python, version] of found) {
    const tracer = version[0] > 3 || version[1] >= 12 ? "sys.monitoring" : "sys.settrace";
    it(`${label} (${version.join(".")}, ${tracer}): equal executable and covered lines`, {
      timeout: 300_000,
    }, async () => {
      const programs = await focalPrograms(version);
      const jobs: Record<string, unknown>[] = [];
      const requests: ExecutionRequest[] = [];
      for (const [index, program] of programs.entries()) {
        const text = normalizeText(program.code);
        const path = join(dir, `focal_${version.join("_")}_${index}.py`);
        await writeFile(path, text);
        requests.push({
          candidate: { id: `c${index}`, problemId: "p", code: text },
          tests: program.tests,
          limits: { timeMs: 20_000, memoryMb: 1024, outputBytes: 65536 },
          coverage: true,
        });
        for (const test of program.tests)
          jobs.push({
            path,
            kind: test.kind,
            code: "code" in test ? test.code : "",
            entryPoint: "entryPoint" in test ? test.entryPoint : undefined,
          });
      }
      const jobFile = join(dir, `jobs_${version.join("_")}.json`);
      await writeFile(jobFile, JSON.stringify(jobs));
      const driverFile = join(dir, "driver.py");
      await writeFile(driverFile, driver);
      const executor = createLocalExecutor({ python, workers: 2 });
      const verdicts = new Map<string, Verdict>();
      try {
        for await (const verdict of executor.execute(requests))
          verdicts.set(`${verdict.candidateId}/${verdict.testId}`, verdict);
      } finally {
        await executor.close();
      }
      // two drivers, each with every other job (the machine's two cores)
      const shares = await Promise.all(
        [0, 1].map(async (share) => {
          const resultFile = join(dir, `results_${version.join("_")}_${share}.json`);
          await run(python, [driverFile, jobFile, resultFile, String(share), "2"], {
            cwd: dir,
            env: { PATH: process.env.PATH ?? "", PYTHONPATH: debianPackages, PYTHONHASHSEED: "0" },
          });
          return JSON.parse(await readFile(resultFile, "utf8")) as Measured[];
        }),
      );
      const measured = jobs.map((_, index) => shares[index % 2]![Math.floor(index / 2)]!);
      let job = 0;
      let compared = 0;
      for (const [index, program] of programs.entries()) {
        for (const test of program.tests) {
          const reference = measured[job++]!;
          const verdict = verdicts.get(`c${index}/${test.id}`);
          const what = `${program.name} / ${test.id}`;
          expect(verdict?.coverage, what).toEqual({
            executable: reference.executable,
            covered: reference.covered,
          });
          expect(verdict?.status === "pass", `${what}: passes on both sides or neither`).toBe(
            reference.passed,
          );
          compared += 1;
        }
      }
      expect(compared).toBe(jobs.length);
      // the HumanEval canonical solutions pass their tests: the comparison saw real runs
      for (const [index, program] of programs.entries())
        if (program.name.startsWith("HumanEval/"))
          for (const test of program.tests)
            expect(verdicts.get(`c${index}/${test.id}`)?.status, program.name).toBe("pass");
    });
  }
});
