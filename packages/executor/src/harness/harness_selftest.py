#!/usr/bin/env python3
"""Self-test for harness.py: starts real workers (fd 3 = requests, fd 4 = responses) and checks verdicts.

    python3 -S harness_selftest.py [--python /path/to/python3] [-k substring] [-v]

Standard library only. Exits non-zero when a check fails.
"""

import argparse
import fcntl
import gzip
import json
import os
import select
import struct
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "harness.py")
DATA = os.environ.get("CODERM_DATA_DIR") or os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))


def _high_fd(fd):
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


class Harness:
    """A worker process driven the way Node drives it."""

    def __init__(self, python=None, env=None, stderr_path=None):
        python = python or sys.executable
        self.python = python
        r_req, w_req = os.pipe()
        r_res, w_res = os.pipe()
        r_req, w_req, r_res, w_res = (_high_fd(x) for x in (r_req, w_req, r_res, w_res))
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, r_req, 3),
            (os.POSIX_SPAWN_DUP2, w_res, 4),
        ]
        if stderr_path:
            actions.append((os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
        base_env = {"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"}
        if env:
            base_env.update(env)
        self.pid = os.posix_spawn(python, [python, "-S", "-u", HARNESS], base_env, file_actions=actions)
        os.close(r_req)
        os.close(w_res)
        self.w = w_req
        self.r = r_res
        self.buf = b""
        self.ready = self.recv(timeout=30)
        if not self.ready or self.ready.get("event") != "ready":
            raise RuntimeError("worker did not send ready: %r" % (self.ready,))

    def send_raw(self, payload):
        data = struct.pack(">I", len(payload)) + payload
        view = memoryview(data)
        while view:
            n = os.write(self.w, view)
            view = view[n:]

    def send(self, obj):
        self.send_raw(json.dumps(obj).encode("utf-8"))

    def recv(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack(">I", self.buf[:4])
                if len(self.buf) >= 4 + n:
                    body = self.buf[4:4 + n]
                    self.buf = self.buf[4 + n:]
                    return json.loads(body)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no frame from worker")
            rl, _, _ = select.select([self.r], [], [], left)
            if rl:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise EOFError("worker closed fd 4")
                self.buf += chunk

    def run(self, req, timeout=120):
        """Sends one request; returns (results list, final event)."""
        self.send(req)
        results = []
        while True:
            f = self.recv(timeout)
            if f.get("id") != req.get("id") and f.get("event") != "error":
                raise AssertionError("frame for another id: %r" % f)
            if f["event"] == "result":
                results.append(f)
            elif f["event"] in ("done", "error"):
                return results, f

    def alive(self):
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        return pid == 0

    def close(self):
        try:
            os.close(self.w)
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.01)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.r)


# ---------------------------------------------------------------------------------------------
_ids = [0]


def req(program, tests, **kw):
    _ids[0] += 1
    r = {"id": _ids[0], "program": program, "tests": tests, "limits": {"timeMs": kw.pop("timeMs", 100)}}
    r["limits"].update(kw.pop("limits", {}))
    r.update(kw)
    return r


def A(code):
    return {"kind": "assert", "code": code}


def descendants(pid):
    """Live (non-zombie) processes below pid."""
    ps = subprocess.run(["ps", "-eo", "pid,ppid,stat"], capture_output=True, text=True).stdout
    rows = [l.split() for l in ps.split("\n")[1:] if l.split()]
    out, frontier = [], {str(pid)}
    while frontier:
        nxt = {r[0] for r in rows if r[1] in frontier and not r[2].startswith("Z")}
        out += sorted(nxt)
        frontier = nxt
    return out


def statuses(results):
    return [r["status"] for r in results]


def expect_eq(got, want, what=""):
    if got != want:
        if isinstance(got, list) and isinstance(want, list) and len(got) == len(want) and len(got) > 10:
            diff = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
            raise AssertionError("%s: %d differences, first %r" % (what, len(diff), diff[:5]))
        raise AssertionError("%s: got %.2000r, want %.2000r" % (what, got, want))


PROG = '''
def add(a, b):
    return a + b

def div(a, b):
    return a / b

def slow(n):
    while True:
        pass
'''


def t_basic(h):
    tests = [A("assert add(1, 2) == 3"), A("assert add(1, 2) == 4"), A("assert div(1, 0) == 1"),
             A("assert add(1,"), A("assert add('a', 'b') == 'ab', 'msg'"), A("assert nope(1) == 2"),
             A("assert add(2, 2) != 5"), A("assert 4 == add(2, 2)"), A("assert add(1, 2) == 3 and True")]
    res, fin = h.run(req(PROG, tests))
    expect_eq(fin["event"], "done")
    expect_eq([r["index"] for r in res], list(range(len(tests))), "order")
    expect_eq(statuses(res), ["pass", "fail", "error", "error", "pass", "error", "pass", "pass", "pass"])
    expect_eq(res[2]["errorType"], "ZeroDivisionError")
    expect_eq(res[3]["errorType"], "SyntaxError")
    expect_eq(res[5]["errorType"], "NameError")
    for r in res:
        assert isinstance(r["wallMs"], float) and isinstance(r["cpuMs"], float), r


def t_messages(h):
    prog = "def f(x):\n    raise ValueError(x)\n"
    odd = 'a"b\\c\n\t\u00e9\u4e2d\ud800\x7f' + "x" * 3000
    tests = [A("assert f(%r) == 1" % odd), A("assert f('') == 1"), A("assert 1 == 2, 'why \"not\"'"),
             A("print('out')\nassert f('p') == 1")]
    res, _ = h.run(req(prog, tests))
    expect_eq(statuses(res), ["error"] * 3 + ["error"] if False else ["error", "error", "fail", "error"])
    assert res[0]["message"].startswith(odd[:1000]), res[0]["message"][:50]
    expect_eq(res[0]["errorType"], "ValueError")
    assert "message" not in res[1], res[1]
    expect_eq(res[2]["message"], 'why "not"')
    expect_eq(res[3]["output"], "out\n")


def t_import_warmup(h):
    # ~100-400 ms of first imports happen before the tests' timers start ...
    prog = ("import asyncio, email.mime.text, sqlite3, http.server, urllib.request, logging.handlers\n"
            "import concurrent.futures, xml.etree.ElementTree, zipfile, tarfile, smtplib\n"
            "from xml.dom import minidom\ndef f():\n    return 1\n")
    res, _ = h.run(req(prog, [A("assert f() == 1"), A("assert f() == 2")], timeMs=2000))
    expect_eq(statuses(res), ["pass", "fail"])
    assert res[0]["wallMs"] < 60, res[0]
    # ... but bounded by importTimeMs
    res, _ = h.run(req(prog, [A("assert f() == 1"), A("assert f() == 2")], timeMs=50,
                       limits={"importTimeMs": 1}))
    expect_eq(statuses(res), ["timeout", "timeout"])
    assert "import" in res[0]["message"], res[0]
    res, _ = h.run(req("import numpy_not_installed_xyz\ndef f():\n    return 1\n",
                       [A("assert f() == 1"), A("assert f() == 2")]))
    expect_eq([(r["status"], r.get("errorType")) for r in res],
              [("error", "ModuleNotFoundError"), ("error", "ModuleNotFoundError")])


def t_worker_killed(h):
    """Killing a worker (as Node would on shutdown) takes its running child with it."""
    h2 = Harness(h.python)
    h2.send(req("import time\ndef f():\n    time.sleep(60)\n", [A("assert f() == 1")], timeMs=60000))
    time.sleep(0.3)
    kids = descendants(h2.pid)
    assert len(kids) >= 2, "no child running: %r" % kids     # zygote + child
    os.kill(h2.pid, 9)
    os.waitpid(h2.pid, 0)
    time.sleep(0.3)
    alive = [k for k in kids if os.path.exists("/proc/%s" % k) and
             not open("/proc/%s/stat" % k).read().rsplit(")", 1)[1].split()[0] == "Z"]
    assert not alive, alive


def t_large(h):
    prog = "def f(n):\n    return list(range(n))\ndef g(n):\n    return 'x' * n\ndef b(n):\n    return 7 ** n\n"
    tests = [A("assert f(%d) == list(range(%d))" % (i % 7, i % 7)) for i in range(3000)]
    res, _ = h.run(req(prog, tests))
    bad = [r for r in res if r["status"] != "pass"]
    assert not bad, bad[:3]
    res, _ = h.run(req(prog, [{"kind": "call", "entryPoint": "g", "args": [70 << 20]},
                              {"kind": "call", "entryPoint": "f", "args": [3]},
                              {"kind": "call", "entryPoint": "f", "args": [10**6]},
                              {"kind": "call", "entryPoint": "b", "args": [200000]}], timeMs=5000))
    expect_eq([(r["status"], r.get("errorType")) for r in res],
              [("error", "HarnessLimit"), ("pass", None), ("pass", None), ("pass", None)])
    expect_eq(res[1]["value"], [0, 1, 2])
    expect_eq(len(res[2]["value"]), 10**6)
    assert res[3]["value"]["$int"].startswith("0x"), str(res[3]["value"])[:50]
    assert int(res[3]["value"]["$int"], 16) == 7 ** 200000
    res2, _ = h.run(req(prog, [{"kind": "call", "entryPoint": "b", "args": [200000], "expected": res[3]["value"]},
                               {"kind": "call", "entryPoint": "b", "args": [200001], "expected": res[3]["value"]}],
                        timeMs=5000))
    expect_eq(statuses(res2), ["pass", "fail"])


def t_zygote_restart(h):
    """The process that forks the children is replaced if it dies."""
    deadline = time.monotonic() + 2
    kids = descendants(h.pid)
    while len(kids) > 2 and time.monotonic() < deadline:   # the last child may still be exiting
        time.sleep(0.02)
        kids = descendants(h.pid)
    assert 1 <= len(kids) <= 2, kids                         # the zygote (first) and test server
    os.kill(int(kids[0]), 9)
    time.sleep(0.1)
    res, _ = h.run(req(PROG, [A("assert add(1, 2) == 3"), A("assert add(1, 2) == 4"),
                              A("assert add(1, 2) in (3, 4)")]))
    expect_eq(statuses(res), ["pass", "fail", "pass"])
    assert h.alive()


def t_program_syntax_error(h):
    res, fin = h.run(req("def f(:\n  pass", [A("assert f() == 1"), A("assert f() == 2")]))
    expect_eq(statuses(res), ["error", "error"])
    expect_eq({r["errorType"] for r in res}, {"SyntaxError"})
    expect_eq(fin["event"], "done")


def t_start(h):
    tests = [A("assert add(1, 2) == 3"), A("assert add(1, 2) == 4"), A("assert add(1, 1) == 2")]
    res, _ = h.run(req(PROG, tests, start=1))
    expect_eq([(r["index"], r["status"]) for r in res], [(1, "fail"), (2, "pass")])


def t_grouping_equivalence(h):
    prog = '''
import random
calls = []
def f(x):
    calls.append(x)          # fresh namespace per test: never leaks
    if x == 3:
        raise ValueError("three")
    if x == 4:
        while True:
            pass
    if x == 5:
        return [1, 2.0, (3,)]
    if x == 6:
        class W:
            def __eq__(self, o):
                raise TypeError("cmp")
        return W()
    return x * 2 + len(calls) - 1
'''
    tests = []
    for x in range(8):
        for lit in (x * 2, x * 2 + 1, "[1, 2.0, (3,)]", "[1, 2, [3]]", "None"):
            tests.append(A("assert f(%d) == %s" % (x, lit)))
            tests.append(A("assert %s != f(%d), 'm'" % (lit, x)))
        for shape in ("f(%d)", "not f(%d)", "f(%d) is None", "f(%d) is not None, 'm'",
                      "f(%d) in [2, 4, 6]", "f(%d) not in (1, 3)", "f(%d) < 7", "f(%d) >= 'a'",
                      "f(%d) == f(1)", "f(%d) != f(2)", "f(%d)[0] == 1", "__f == f(%d)"):
            tests.append(A("assert " + shape % x))
    tests.append(A("assert f(1) == 2\nassert f(2) == 4"))
    tests.append(A("assert len(calls) == 0 or f(1) == 2"))
    tests.append(A("assert sorted([3, 1, 2]) == f(1)"))
    r1, _ = h.run(req(prog, tests, timeMs=50))
    r2, _ = h.run(req(prog, tests, timeMs=50, groupAsserts=False))
    expect_eq([(r["index"], r["status"], r.get("errorType")) for r in r1],
              [(r["index"], r["status"], r.get("errorType")) for r in r2], "grouped vs statement")
    assert "timeout" in statuses(r1) and "error" in statuses(r1) and "pass" in statuses(r1)


def t_timeouts(h):
    tests = [A("assert slow(1) == 1"), A("assert add(1, 2) == 3"),
             A("assert sum(range(10**12)) == 1"), A("assert add(2, 2) == 4"),
             A("try:\n    slow(1)\nexcept BaseException:\n    pass"),
             A("while True:\n    try:\n        slow(1)\n    except:\n        pass"),
             A("assert add(3, 3) == 6")]
    t0 = time.monotonic()
    res, _ = h.run(req(PROG, tests, timeMs=100))
    took = time.monotonic() - t0
    expect_eq(statuses(res), ["timeout", "pass", "timeout", "pass", "timeout", "timeout", "pass"])
    for i in (0, 2, 4, 5):
        assert res[i]["wallMs"] <= 2 * 100 + 60, res[i]
    assert took < 1.5, took


def t_memory(h):
    tests = [A("assert len([0] * 10**10) == 1"), A("assert add(1, 2) == 3"),
             A("x = []\nwhile True:\n    x.append(' ' * 10**6)"), A("assert add(1, 1) == 2")]
    res, _ = h.run(req(PROG, tests, timeMs=5000, limits={"memoryMb": 512}))
    expect_eq(statuses(res), ["oom", "pass", "oom", "pass"])
    assert h.alive()
    res, _ = h.run(req(PROG, [A("assert add(1, 2) == 3")]))
    expect_eq(statuses(res), ["pass"])


def t_fork_bomb(h):
    bombs = PROG + (
        "def bomb():\n    import os\n    while True:\n        os.fork()\n"
        "def spawn():\n    import subprocess\n    subprocess.run(['true'])\n"
        "def mp():\n    import multiprocessing\n    p = multiprocessing.Process(target=print)\n    p.start()\n"
        "def cfork():\n    import ctypes, time\n    libc = ctypes.CDLL(None)\n    for _ in range(5):\n"
        "        libc.fork()\n    while True:\n        time.sleep(0.01)\n")
    tests = [A("assert bomb() == 1"), A("assert spawn() == 1"), A("assert mp() == 1"),
             A("assert add(1, 2) == 3")]
    res, _ = h.run(req(bombs, tests, timeMs=500))
    expect_eq([r["status"] for r in res], ["error", "error", "error", "pass"])
    # with ctypes the guard is bypassed: the watchdog kills the whole process group
    res, _ = h.run(req(bombs, [A("assert cfork() == 1"), A("assert add(1, 2) == 3")], timeMs=200))
    expect_eq(statuses(res), ["timeout", "pass"])
    # the same from a split test (check): the candidate's processes die with its group too
    check = {"kind": "check", "entryPoint": "cfork", "code": "def check(c):\n    c()\n"}
    res, _ = h.run(req(bombs, [check, A("assert add(1, 2) == 3")], timeMs=200))
    expect_eq(statuses(res), ["timeout", "pass"])
    # test code that forks (a buggy test, not the candidate) is contained as well
    res, _ = h.run(req(PROG, [A("import os\nos.fork()"), A("assert add(1, 2) == 3")]))
    expect_eq(statuses(res), ["error", "pass"])
    deadline = time.monotonic() + 2
    tree = descendants(h.pid)
    while len(tree) > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        tree = descendants(h.pid)
    assert len(tree) <= 2, tree        # only the zygote and the test server are left


def t_big_output(h):
    prog = PROG + "\ndef noisy():\n    for _ in range(100):\n        print('x' * 10**6)\n    return 7\n"
    t0 = time.monotonic()
    res, _ = h.run(req(prog, [A("assert noisy() == 7"), A("assert noisy() == 8"),
                              A("import os\nos.write(1, b'y' * 10**7)\nassert add(1, 2) == 3")],
                       timeMs=5000, limits={"outputBytes": 1000}))
    expect_eq(statuses(res), ["pass", "fail", "pass"])
    assert len(res[0]["output"]) == 1000, len(res[0]["output"])
    assert res[0]["outputDropped"] >= 100 * 10**6 - 1000
    assert time.monotonic() - t0 < 5


def t_exits(h):
    tests = [A("import sys\nsys.exit(0)"), A("raise SystemExit"), A("import os\nos._exit(0)"),
             A("exit()"), A("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"),
             A("assert add(1, 2) == 3"), A("assert close_fds() == 1"), A("assert add(1, 2) == 3")]
    prog = PROG + "def close_fds():\n    import os\n    os.closerange(3, 64)\n    return 1\n"
    res, _ = h.run(req(prog, tests))
    st = statuses(res)
    assert "pass" not in st[:5], st
    expect_eq(st[5], "pass")
    expect_eq(res[2]["errorType"], "ChildExited")
    expect_eq(res[4]["errorType"], "ChildExited")
    expect_eq(st[6:], ["pass", "pass"])
    # program-level exits too
    res, _ = h.run(req("import sys\nsys.exit(0)\n", [A("assert True")]))
    expect_eq(statuses(res), ["error"])
    res, _ = h.run(req("import os\nos._exit(0)\n", [A("assert True"), A("assert 1 == 1")]))
    expect_eq(statuses(res), ["error", "error"])


def t_env_and_fs(h):
    prog = "import os\n"
    tests = [A("assert 'OPENAI_API_KEY' not in os.environ"),
             A("assert os.environ.get('HOME') == os.getcwd()"),
             A("open('f.txt', 'w').write('hi')\nassert open('f.txt').read() == 'hi'"),
             A("assert not os.path.exists('f.txt')"),
             A("assert os.getcwd().startswith('/tmp') or 'coderm' in os.getcwd()"),
             dict(A("assert write_big() == 1"), timeMs=3000)]
    prog += "def write_big():\n    open('big', 'wb').write(b'0' * (64 << 20))\n    return 1\n"
    res, _ = h.run(req(prog, tests, limits={"maxFileBytes": 1 << 20}))
    expect_eq(statuses(res), ["pass", "pass", "pass", "pass", "pass", "error"])


def t_tamper(h):
    prog = "import builtins\nbuiltins.len = lambda x: 3\ndef f():\n    return [1]\n"
    res, _ = h.run(req(prog, [A("assert len(f()) == 3"), A("assert len([1, 2]) == 2")]))
    expect_eq([(r["status"], r.get("errorType")) for r in res],
              [("error", "Tampered"), ("error", "Tampered")])
    prog2 = "import unittest\nunittest.TestCase.assertEqual = lambda *a: None\ndef f():\n    return 1\n"
    ut = "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(f(), 2)\n"
    # the test code runs in the test process: the candidate's patch does not reach it
    res, _ = h.run(req(prog2, [{"kind": "unittest", "code": ut}]))
    expect_eq(res[0]["status"], "fail")
    prog3 = "def f():\n    raise __import__('unittest').SkipTest('no')\n"
    res, _ = h.run(req(prog3, [{"kind": "unittest", "code": ut}]))
    expect_eq(res[0]["status"], "error")


def t_unittest(h):
    prog = "def f(x):\n    return x + 1\n"
    ut = '''
import unittest, time
class TestA(unittest.TestCase):
    def test_ok(self):
        self.assertEqual(f(1), 2)
    def test_bad(self):
        self.assertEqual(f(1), 3)
    def test_err(self):
        f(None)
    @unittest.skip("later")
    def test_skip(self):
        pass
class TestB(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = 5
    def test_k(self):
        self.assertEqual(f(self.k), 6)
    def test_slow(self):
        while True:
            pass
    def test_sub(self):
        for i in range(3):
            with self.subTest(i=i):
                self.assertEqual(f(i), i + 1)
'''
    res, _ = h.run(req(prog, [{"kind": "unittest", "code": ut},
                              {"kind": "unittest", "code": "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(f(1), 2)\n"},
                              {"kind": "unittest", "code": "x = 1\n"}], timeMs=100))
    m = {x["name"]: x["status"] for x in res[0]["methods"]}
    expect_eq(m, {"TestA.test_bad": "fail", "TestA.test_err": "error", "TestA.test_ok": "pass",
                  "TestA.test_skip": "skip", "TestB.test_k": "pass", "TestB.test_slow": "timeout",
                  "TestB.test_sub": "pass"})
    expect_eq(res[0]["status"], "fail")
    expect_eq(res[1]["status"], "pass")
    expect_eq(res[1]["methods"], [{"name": "T.test_a", "status": "pass"}])
    expect_eq(res[2]["status"], "error")


def _load_humaneval():
    with gzip.open(os.path.join(DATA, "humaneval", "HumanEval.jsonl.gz"), "rt") as f:
        return [json.loads(l) for l in f]


def t_split(h):
    """Split tests: test code in the test server, the candidate's objects behind proxies."""
    prog = (
        "class Stack:\n"
        "    def __init__(self):\n        self.items = []\n"
        "    def push(self, x):\n        self.items.append(x)\n        return self\n"
        "    def pop(self):\n        if not self.items:\n            raise IndexError('empty')\n"
        "        return self.items.pop()\n"
        "    def __len__(self):\n        return len(self.items)\n"
        "def pairs(n):\n    return [(i, Stack()) for i in range(n)]\n"
        "def hang():\n    import re\n    return re.match('(a+)+$', 'a' * 40 + 'b')\n"
        "class Liar:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n"
        "        return False\n"
        "def liar(x):\n    return Liar()\n"
        "class FakeInt(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
        "def fake(x):\n    return FakeInt(0)\n"
        "def slow():\n    import time\n    time.sleep(10)\n"
        "def count(xs):\n    return len(list(xs))\n"
        "abs = lambda x: 0\n")
    ut = ("import unittest\nclass T(unittest.TestCase):\n"
          "    def test_stack(self):\n        s = Stack().push(1).push(2)\n"
          "        self.assertEqual(len(s), 2)\n        self.assertEqual(s.pop(), 2)\n"
          "        self.assertEqual(s.items, [1])\n"
          "    def test_raises(self):\n        with self.assertRaises(IndexError):\n            Stack().pop()\n"
          "    def test_nested(self):\n        p = pairs(2)\n        self.assertEqual(p[1][0], 1)\n"
          "        self.assertEqual(len(p[1][1]), 0)\n")
    check = lambda code, entry="liar": {"kind": "check", "entryPoint": entry, "code": code}
    tests = [{"kind": "unittest", "code": ut},
             check("def check(c):\n    assert c(1) == 5\n"),
             check("def check(c):\n    assert c(1) == [1, 2]\n"),
             check("def check(c):\n    assert c(1) == 7\n", "fake"),
             A("assert liar(1) == 3"), A("assert fake(1) == 3"), A("assert liar(1) in (3, 4)"),
             {"kind": "call", "entryPoint": "liar", "args": [1], "expected": 3},
             check("def check(c):\n    try:\n        c()\n    except BaseException:\n        pass\n", "slow"),
             A("assert Stack().push(3).pop() == 3"),
             check("def check(c):\n    c()\n", "hang"),
             A("assert len(Stack().push(1)) == 1"),
             # ranges reach the candidate as ranges; the test's abs is the real one
             check("def check(c):\n    assert abs(c(range(3)) - 3) == 0\n", "count"),
             A("assert abs(count(range(4)) - 1) == 0")]
    res, _ = h.run(req(prog, tests, timeMs=300))
    expect_eq(statuses(res), ["pass", "fail", "fail", "fail", "fail", "fail", "fail", "fail",
                              "timeout", "pass", "timeout", "pass", "pass", "fail"])
    expect_eq([m["status"] for m in res[0]["methods"]], ["pass", "pass", "pass"])


def t_check_humaneval(h):
    probs = _load_humaneval()
    tests = []
    progs = []
    for p in probs[:20]:
        progs.append((p["prompt"] + p["canonical_solution"], p))
    for prog, p in progs:
        t = {"kind": "check", "code": p["test"], "entryPoint": p["entry_point"]}
        res, _ = h.run(req(prog, [t], timeMs=3000))
        expect_eq(res[0]["status"], "pass", p["task_id"])
        bad = p["prompt"] + "    return None\n"
        res, _ = h.run(req(bad, [t], timeMs=3000))
        assert res[0]["status"] in ("fail", "error"), (p["task_id"], res[0])


def t_call(h):
    prog = '''
def f(x, y):
    return x / y
def g(n):
    return (n, [n, n + 0.5], {n: "a"}, {1, 2}, None, 2 ** 70, float("nan"), b"\\x00", 1 + 2j, 3.0)
def h(xs):
    return [x + 1e-9 for x in xs]
def k(xs):
    xs.append(1)
    return xs
'''
    tests = [
        {"kind": "call", "entryPoint": "f", "args": [1, 3], "expected": 0.3333333},      # atol 1e-6 auto
        {"kind": "call", "entryPoint": "f", "args": [1, 3], "expected": 0.33, "atol": 0.01},
        {"kind": "call", "entryPoint": "f", "args": [1, 3], "expected": 0.33},
        {"kind": "call", "entryPoint": "f", "args": [1, 0], "expected": 1},
        {"kind": "call", "entryPoint": "g", "args": [3]},
        {"kind": "call", "entryPoint": "h", "args": [[1.0, 2.0]], "expected": [1.0, 2.0]},
        {"kind": "call", "entryPoint": "h", "args": [[1.0, 2.0]], "expected": {"$tuple": [1.0, 2.0]}},
        {"kind": "call", "entryPoint": "k", "args": [[]], "expected": [1]},
        {"kind": "call", "entryPoint": "missing", "args": []},
        {"kind": "call", "entryPoint": "f", "args": [4, 2], "expected": {"$float": "2.0"}},
        {"kind": "call", "entryPoint": "f", "args": [4, 2], "expected": 2},
    ]
    res, _ = h.run(req(prog, tests))
    expect_eq(statuses(res), ["pass", "pass", "fail", "error", "pass", "pass", "fail", "pass", "error",
                              "pass", "pass"])
    v = res[4]["value"]
    expect_eq(v, {"$tuple": [3, [3, 3.5], {"$dict": [[3, "a"]]}, {"$set": [1, 2]}, None,
                             {"$int": str(2 ** 70)}, {"$float": "nan"}, {"$bytes": "AA=="},
                             {"$complex": [{"$float": "1.0"}, {"$float": "2.0"}]}, {"$float": "3.0"}]})
    # the value round-trips as `expected`
    res2, _ = h.run(req(prog, [{"kind": "call", "entryPoint": "g", "args": [3], "expected": v}]))
    expect_eq(res2[0]["status"], "fail")   # nan != nan: evalplus exact match fails, allclose on tuple -> fail
    prog2 = "def g(n):\n    return (n, [n, n + 0.5], {1, 2}, 2 ** 70, b'a', 3.0, -0.0)\n"
    res3, _ = h.run(req(prog2, [{"kind": "call", "entryPoint": "g", "args": [3]}]))
    res4, _ = h.run(req(prog2, [{"kind": "call", "entryPoint": "g", "args": [3], "expected": res3[0]["value"]}]))
    expect_eq(res4[0]["status"], "pass")


def t_call_oracles(h):
    prog = """
def find_zero(xs):
    lo, hi = -100.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if (sum(c * mid ** i for i, c in enumerate(xs)) > 0) == (sum(c * lo ** i for i, c in enumerate(xs)) > 0):
            lo = mid
        else:
            hi = mid
    return lo
def wrong_zero(xs):
    return 12345.0
def common(a, b):
    return [x for x in b if x in a]
def maybe(s):
    return None if s == 'no' else object()
"""
    C = lambda e, a, x, o, **k: dict({"kind": "call", "entryPoint": e, "args": a, "expected": x, "oracle": o}, **k)
    tests = [C("find_zero", [[1, 2]], 0, "find_zero", atol=1e-6), C("wrong_zero", [[1, 2]], 0, "find_zero", atol=1e-6),
             C("common", [[1, 2, 3], [3, 2]], [2, 3], "set_eq"), C("common", [[1, 2, 3], [3, 2]], [2, 3], None),
             C("maybe", ["yes"], True, "not_none"), C("maybe", ["no"], True, "not_none"),
             {"kind": "call", "entryPoint": "common", "args": [[1], [1]], "oracle": "nope"}]
    res, _ = h.run(req(prog, tests))
    expect_eq(statuses(res), ["pass", "fail", "pass", "fail", "pass", "fail", "error"])
    expect_eq(res[6]["errorType"], "BadTest")


def t_evalplus_roundtrip(h):
    """HumanEval+: expected outputs from the canonical solution (output mode), sent back through
    JSON as `expected`, must pass for the canonical solution itself."""
    path = os.path.join(DATA, "evalplus", "HumanEvalPlus-v0.1.10.jsonl.gz")
    with gzip.open(path, "rt") as f:
        probs = [json.loads(l) for l in f]
    for p in probs[:164:4]:
        prog = p["prompt"] + p["canonical_solution"]
        inputs = (p["base_input"] + p["plus_input"])[:40]
        oracle = "find_zero" if p["entry_point"] == "find_zero" else None
        outs, _ = h.run(req(prog, [{"kind": "call", "entryPoint": p["entry_point"], "args": a} for a in inputs],
                            timeMs=5000))
        assert all(r["status"] == "pass" for r in outs), (p["task_id"], [r for r in outs if r["status"] != "pass"][:2])
        tests = []
        for a, r in zip(inputs, outs):
            t = {"kind": "call", "entryPoint": p["entry_point"], "args": a,
                 "expected": json.loads(json.dumps(r["value"])), "atol": p.get("atol") or 0}
            if oracle:
                t["oracle"] = oracle
            tests.append(t)
        res, _ = h.run(req(prog, tests, timeMs=5000))
        bad = [(i, r) for i, r in enumerate(res) if r["status"] != "pass"]
        assert not bad, (p["task_id"], bad[:2])


def t_stdio(h):
    prog = "import sys\nn = int(input())\nxs = list(map(int, sys.stdin.readline().split()))\nprint(sum(xs) * n)\nprint('%.3f' % (1/3))\n"
    tests = [{"kind": "stdio", "stdin": "2\n1 2 3\n", "expectedStdout": "12\n0.333\n"},
             {"kind": "stdio", "stdin": "2\n1 2 3\n", "expectedStdout": "  12  \n0.3330\n\n"},
             {"kind": "stdio", "stdin": "2\n1 2 3\n", "expectedStdout": "13\n0.333\n"},
             {"kind": "stdio", "stdin": "x\n", "expectedStdout": "1\n"},
             {"kind": "stdio", "stdin": "3\n1 1 1\n"}]
    res, _ = h.run(req(prog, tests))
    expect_eq(statuses(res), ["pass", "pass", "fail", "error", "pass"])
    expect_eq(res[4]["value"], "9\n0.333\n")
    prog2 = "import sys\ndata = open(0).read().split()\nprint(len(data))\nsys.exit(0)\nprint('after')\n"
    res, _ = h.run(req(prog2, [{"kind": "stdio", "stdin": "a b c", "expectedStdout": "3"}]))
    expect_eq(statuses(res), ["pass"])
    prog3 = "if __name__ == '__main__':\n    print(int(input()) + 1)\n"
    res, _ = h.run(req(prog3, [{"kind": "stdio", "stdin": "41", "expectedStdout": "42"}]))
    expect_eq(statuses(res), ["pass"])


def t_malformed(h):
    h.send_raw(b"{not json")
    f = h.recv()
    expect_eq(f["event"], "error")
    h.send({"id": 77, "program": 5, "tests": []})
    f = h.recv()
    expect_eq((f["id"], f["event"]), (77, "error"))
    h.send({"id": 78, "program": "x=1", "tests": [{"kind": "nope"}, A("assert x == 1")]})
    res = [h.recv(), h.recv(), h.recv()]
    expect_eq([(r["event"], r.get("status")) for r in res], [("result", "error"), ("result", "pass"), ("done", None)])
    res, fin = h.run(req(PROG, [A("assert add(1, 2) == 3")]))
    expect_eq(statuses(res), ["pass"])


def t_streaming(h):
    prog = "import time\ndef f(x):\n    time.sleep(x)\n    return x\n"
    tests = [A("assert f(0) == 0"), A("assert f(0.3) == 0.3"), A("assert f(0.3) == 0.31")]
    h.send(req(prog, tests, timeMs=1000))
    t0 = time.monotonic()
    first = h.recv()
    t_first = time.monotonic() - t0
    rest = [h.recv(), h.recv(), h.recv()]
    expect_eq(first["status"], "pass")
    assert t_first < 0.1, t_first
    expect_eq([r.get("status") for r in rest], ["pass", "fail", None])


def t_print_and_state(h):
    prog = "counter = [0]\ndef f():\n    counter[0] += 1\n    print('hello', counter[0])\n    return counter[0]\n"
    res, _ = h.run(req(prog, [A("assert f() == 1"), A("assert f() == 1"), A("assert f() + f() == 3")]))
    expect_eq(statuses(res), ["pass", "pass", "pass"])
    expect_eq(res[0]["output"], "hello 1\n")


def t_hashseed_and_order(h):
    res, _ = h.run(req("def f():\n    return list({'a', 'b', 'c', 'd'})\n", [{"kind": "call", "entryPoint": "f", "args": []}]))
    expect_eq(res[0]["status"], "pass")


def t_program_level_failure(h):
    tests = [A("assert f(%d) == 1" % i) for i in range(30)]
    for prog, want, top in [("def f(x):\n    return 1\nwhile True:\n    pass\n", "timeout", 0.5),
                            ("def f(x):\n    return 1\nsum(range(10**12))\n", "timeout", 0.6),
                            ("import os\ndef f(x):\n    return 1\nos._exit(3)\n", "error", 0.5),
                            ("def f(x):\n    return 1\nraise ValueError('top')\n", "error", 0.5)]:
        t0 = time.monotonic()
        res, _ = h.run(req(prog, tests + [{"kind": "check", "code": "def check(c):\n    pass\n", "entryPoint": "f"}]))
        took = time.monotonic() - t0
        expect_eq(set(statuses(res)), {want}, prog)
        expect_eq(len(res), 31)
        assert took < top, (prog, took)


CHECKS = [t_evalplus_roundtrip, t_call_oracles, t_zygote_restart, t_worker_killed, t_large, t_import_warmup, t_messages, t_program_level_failure, t_basic, t_program_syntax_error, t_start, t_grouping_equivalence, t_timeouts, t_memory,
          t_fork_bomb, t_big_output, t_exits, t_env_and_fs, t_tamper, t_unittest, t_split, t_check_humaneval,
          t_call, t_stdio, t_malformed, t_streaming, t_print_and_state, t_hashseed_and_order]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    h = Harness(args.python, env={"OPENAI_API_KEY": "sk-should-not-leak"})
    print("worker ready: %s" % h.ready)
    failed = 0
    for fn in CHECKS:
        if args.k and args.k not in fn.__name__:
            continue
        t0 = time.monotonic()
        try:
            fn(h)
            print("ok   %-28s %.2fs" % (fn.__name__, time.monotonic() - t0))
        except Exception as e:
            failed += 1
            print("FAIL %-28s %s" % (fn.__name__, e))
            if args.v:
                traceback.print_exc()
            if not h.alive():
                print("worker died; restarting")
                h = Harness(args.python, env={"OPENAI_API_KEY": "sk-should-not-leak"})
    assert h.alive(), "worker died"
    h.close()
    print("%d failed" % failed if failed else "all checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
