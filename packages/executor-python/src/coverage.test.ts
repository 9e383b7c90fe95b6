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

/** A hand-written focal program and the assert tests run against it. */
interface FocalFile {
  name: string;
  /** The program: the text the executor runs and the file coverage.py measures. */
  code: string;
  /** Assert tests: statements run in the program's namespace. */
  tests: string[];
  /** The oldest Python that compiles it (3.9 by default). */
  minimumPython?: [number, number];
}

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

function focalFiles(): FocalFile[] {
  return [
    {
      name: "multi-line statements",
      code: String.raw`"""Module docstring
spanning lines."""
import math
from collections import (
    Counter,
    defaultdict,
)

X = [1,
     2,
     3]
Y = {"a": 1,
     "b": 2}
S = ("abc"
     "def"
     "ghi")
T = 1 + \
    2 + \
    3
U = """a
b""" + 'c'
V = math.floor(
    2.5
); W = Counter("aab")


def long_args(a,
              b=2,
              *args,
              c=None,
              **kwargs):
    """Function docstring."""
    total = (a +
             b)
    if (total > 3 and
            c is None):
        return total
    elif total == \
            0:
        return 0
    return sum([a,
                b])


def calls(n):
    return long_args(
        n,
        b=defaultdict(
            int
        )["x"],
    )
`,
      tests: [
        "assert long_args(1, 5) == 6",
        "assert long_args(0, 0) == 0",
        "assert long_args(1, 1) == 2",
        "assert calls(3) == 3",
        "assert S == 'abcdefghi'",
      ],
    },
    {
      name: "docstrings",
      code: `#!/usr/bin/env python3
# a comment first
"""The module's docstring."""


class Documented:
    """A class docstring."""

    def method(self):
        """A method docstring
        on two lines."""
        return 1

    def only_doc(self):
        """Nothing but a docstring."""


class OnlyDoc:
    '''Only a docstring.'''


def function():
    r"""A raw docstring."""
    x = 1
    "not a docstring, an expression"
    return x


def first_in_block(flag):
    if flag:
        "a string first in a block"
        return 1
    return 2


def bytes_doc():
    b"""bytes as a docstring"""
    return 3
`,
      tests: [
        "assert Documented().method() == 1",
        "assert Documented().only_doc() is None",
        "assert function() == 1",
        "assert first_in_block(True) == 1",
        "assert first_in_block(False) == 2 and bytes_doc() == 3",
        "assert OnlyDoc.__doc__",
      ],
    },
    {
      name: "decorators",
      code: `import functools


def deco(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


def with_args(
    times,
):
    def decorate(fn):
        def run(*args):
            return [fn(*args) for _ in range(times)]
        return run
    return decorate


@deco
def decorated(x):
    return x + 1


@with_args(
    2
)
@deco
def stacked(x):
    return x * 2


@deco  # pragma: no cover
def excluded_decorated(x):
    return x - 1


@functools.lru_cache(maxsize=None)
def cached(n):
    return n if n < 2 else cached(n - 1) + cached(n - 2)


@functools.total_ordering
class Ordered:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return self.v == other.v

    def __lt__(self, other):
        return self.v < other.v

    @property
    def double(self):
        return self.v * 2

    @classmethod
    def make(cls, v):
        return cls(v)

    @staticmethod
    def helper():  # pragma: no cover
        return "never"


def at_most(a, b):
    return Ordered.make(a) <= Ordered(b)
`,
      tests: [
        "assert decorated(1) == 2",
        "assert stacked(3) == [6, 6]",
        "assert cached(10) == 55",
        "assert at_most(1, 2) == True",
        "assert Ordered(3).double == 6",
      ],
    },
    {
      name: "exclusion pragmas",
      code: `import sys


def branches(v):
    if v > 100:  # pragma: no cover
        v = 100
        v += 1
    elif v < 0:
        v = 0
    else:  # pragma: no cover
        v = v
    return v


def tries(v):
    try:
        return 10 // v
    except ZeroDivisionError:  # pragma: no cover
        return None
    finally:
        pass


class Skipped:  # pragma: no cover
    def method(self):
        return 1


def statement_lines(v):
    w = v + 1  # pragma: no cover
    x = (w +  # pragma: no cover
         1)
    y = (x +
         1)  # pragma: no cover
    z = y  #pragma:no cover
    return z  # PRAGMA NO COVER


def spelled(v):  #  pragma   no   cover
    return v


if sys.version_info < (3,):  # pragma: no cover
    raise RuntimeError("Python 2")
while False:  # pragma: no cover
    pass
`,
      tests: [
        "assert branches(5) == 5",
        "assert branches(-5) == 0",
        "assert tries(2) == 5",
        "assert tries(0) is None",
        "assert statement_lines(1) == 5",
        "assert spelled(1) == 1",
      ],
    },
    {
      name: "lambdas and comprehensions",
      code: `square = lambda x: x * x  # noqa: E731
pair = lambda a, b: (  # noqa: E731
    a,
    b,
)


def comprehensions(n):
    evens = [k for k in range(n) if k % 2 == 0]
    grid = [[i * j
             for j in range(3)]
            for i in range(2)]
    seen = {k % 3 for k in range(n)}
    index = {k: v for k, v in enumerate("abc")}
    total = sum(k for k in range(n))
    lazy = (k for k in range(n))
    nested_lambda = list(map(lambda v: v + 1, evens))
    return evens, grid, seen, index, total, lazy, nested_lambda


def never_run():
    return [x for x in range(3)]


KEYS = sorted({"b": 1, "a": 2}, key=lambda k: k)
`,
      tests: [
        "assert square(3) == 9",
        "assert pair(1, 2) == (1, 2)",
        "assert comprehensions(4)[4] == 6",
        "assert comprehensions(0)[0] == []",
        "assert KEYS == ['a', 'b']",
      ],
    },
    {
      name: "exceptions and with",
      code: `import contextlib


class Error(Exception):
    pass


@contextlib.contextmanager
def managed(log):
    log.append("enter")
    try:
        yield log
    finally:
        log.append("exit")


def handle(v):
    out = []
    try:
        if v == 0:
            raise Error("zero")
        out.append(10 // v)
    except Error as e:
        out.append(str(e))
    except (TypeError,
            ValueError):
        out.append("type")
    else:
        out.append("else")
    finally:
        out.append("finally")
    with managed(out) as log, open("/dev/null") as fh:
        log.append(fh.read())
    return out


def reraise(v):
    try:
        return 1 / v
    except ZeroDivisionError:
        raise ValueError("no zero")


def fails():
    assert False, "always"
`,
      tests: [
        "assert handle(2)[0] == 5",
        "assert handle(0)[0] == 'zero'",
        "assert handle('x')[0] == 'type'",
        "assert reraise(0) == 1",
        "assert reraise(2) == 0.5",
        "fails()",
      ],
    },
    {
      name: "loops with else",
      code: `def loops(n):
    out = []
    i = 0
    while i < n:
        i += 1
        if i % 2:
            continue
        out.append(i)
    else:
        out.append(-1)
    for j in range(n):
        if j == 2:
            break
    else:
        out.append(-2)
    while True:
        n -= 1
        if n <= 0:
            break
    for k in []:
        out.append(k)
    return out


def searching(items, target):
    for index, item in enumerate(items):
        if item == target:
            found = index
            break
    else:
        found = None
    return found
`,
      tests: [
        "assert loops(1) == [-1, -2]",
        "assert loops(5) == [2, 4, -1]",
        "assert searching([1, 2], 2) == 1",
        "assert searching([], 2) is None",
      ],
    },
    {
      name: "match statements",
      minimumPython: [3, 10],
      code: `class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


def describe(value):
    match value:
        case 0:
            return "zero"
        case [first, *rest] if first > 0:
            return ("list",
                    len(rest))
        case {"kind": kind}:
            return kind
        case Point(x=0, y=y):
            return y
        case Point():
            return "point"
        case str() | bytes():
            return "text"
        case _:
            return None


def command(text):
    match text.split():
        case ["go", direction]:
            return direction
        case ["stop"]:  # pragma: no cover
            return "stop"
        case _:
            return "?"
`,
      tests: [
        "assert describe(0) == 'zero'",
        "assert describe([1, 2, 3]) == ('list', 2)",
        "assert describe({'kind': 'k'}) == 'k'",
        "assert describe(Point(0, 5)) == 5",
        "assert describe(Point(1, 5)) == 'point'",
        "assert describe(b'x') == 'text' and describe(3.5) is None",
        "assert command('go north') == 'north'",
        "assert command('jump') == '?'",
      ],
    },
    {
      name: "nested functions and classes",
      code: `def outer(a):
    def inner(b):
        class Local:
            size = b

            def get(self):
                def deepest():
                    return self.size + a
                return deepest()
        return Local().get()
    return inner(a) + 1


class Outer:
    class Inner:
        value = 2

        def double(self):
            return self.value * 2

    def make(self):
        return self.Inner()


def counter():
    count = 0

    def increment():
        nonlocal count
        count += 1
        return count
    return increment


def unused_nested():
    def never():
        return 0
    return never
`,
      tests: [
        "assert outer(2) == 5",
        "assert Outer().make().double() == 4",
        "c = counter()\nc()\nassert c() == 2",
        "assert Outer.Inner.value == 2",
      ],
    },
    {
      name: "main blocks and global code",
      code: String.raw`import sys

TOTAL = 0
for _i in range(3):
    TOTAL += _i
if TOTAL > 2:
    BIG = True
else:
    BIG = False
NAMES = [
    name.upper()
    for name in ("a", "b")
]
x = 1; y = 2; z = x + \
    y


def main(argv):
    return len(argv)


if __name__ == "__main__":
    main(sys.argv)
    print("run as a script")
`,
      tests: ["assert TOTAL == 3 and BIG", "assert main([1, 2]) == 2", "assert z == 3"],
    },
    {
      name: "generators and odd statements",
      code: `def gen(n):
    yield 0
    yield from range(1, n)
    return "done"


def odd(v):
    global LAST
    LAST = v
    assert v is not None
    del v
    pass
    if 0:
        return "dead"
    if False:
        return "dead too"
    while 0:
        break
    ...
    return LAST


def unreachable():
    return 1
    print("never")


def walrus(items):
    if (n := len(items)) > 2:
        return n
    return -1


def formatted(v):
    return (f"{v}"
            f"{v!r:>4}"
            "plain")


async def coroutine():
    return 1


LAST = None
`,
      tests: [
        "assert list(gen(3)) == [0, 1, 2]",
        "assert odd(4) == 4",
        "assert unreachable() == 1",
        "assert walrus([1, 2, 3]) == 3 and walrus([]) == -1",
        'assert formatted(1) == "1   1plain"',
        "c = coroutine()\nc.close()",
      ],
    },
    {
      name: "failing at load",
      code: `import math

VALUE = math.sqrt(4)


def f():
    return VALUE


if VALUE > 1:
    raise RuntimeError("load fails here")
AFTER = 1
`,
      tests: ["assert f() == 2.0", "assert AFTER == 1"],
    },
    {
      name: "only comments and a pass",
      code: `# nothing but comments
# and a statement
pass
`,
      tests: ["assert True"],
    },
  ];
}
