"""Self-test checks of the test kinds: unittest, split tests (check, asserts on the test server),
call tests with evalplus's oracles, and stdio."""

import gzip
import json
import os

from selftest_support import DATA, A, expect_eq, req, statuses


def t_unittest(h):
    prog = "def f(x):\n    return x + 1\n"
    ut = """
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
"""
    res, _ = h.run(
        req(
            prog,
            [
                {"kind": "unittest", "code": ut},
                {
                    "kind": "unittest",
                    "code": "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(f(1), 2)\n",
                },
                {"kind": "unittest", "code": "x = 1\n"},
            ],
            timeMs=100,
        )
    )
    m = {x["name"]: x["status"] for x in res[0]["methods"]}
    expect_eq(
        m,
        {
            "TestA.test_bad": "fail",
            "TestA.test_err": "error",
            "TestA.test_ok": "pass",
            "TestA.test_skip": "skip",
            "TestB.test_k": "pass",
            "TestB.test_slow": "timeout",
            "TestB.test_sub": "pass",
        },
    )
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
        "    def __iter__(self):\n        return iter(self.items)\n"
        "def pairs(n):\n    return [(i, Stack()) for i in range(n)]\n"
        "def hang():\n    import re\n    return re.match('(a+)+$', 'a' * 40 + 'b')\n"
        "class Liar:\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n"
        "        return False\n"
        "def liar(x):\n    return Liar()\n"
        "class FakeInt(int):\n    def __eq__(self, other):\n        return True\n    __hash__ = int.__hash__\n"
        "def fake(x):\n    return FakeInt(0)\n"
        "def slow():\n    import time\n    time.sleep(10)\n"
        "def count(xs):\n    return len(list(xs))\n"
        "abs = lambda x: 0\n"
    )
    ut = (
        "import unittest\nclass T(unittest.TestCase):\n"
        "    def test_stack(self):\n        s = Stack().push(1).push(2)\n"
        "        self.assertEqual(len(s), 2)\n        self.assertEqual(s.pop(), 2)\n"
        "        self.assertEqual(s.items, [1])\n"
        "    def test_raises(self):\n        with self.assertRaises(IndexError):\n            Stack().pop()\n"
        "    def test_nested(self):\n        p = pairs(2)\n        self.assertEqual(p[1][0], 1)\n"
        "        self.assertEqual(len(p[1][1]), 0)\n"
    )
    check = lambda code, entry="liar": {"kind": "check", "entryPoint": entry, "code": code}
    tests = [
        {"kind": "unittest", "code": ut},
        check("def check(c):\n    assert c(1) == 5\n"),
        check("def check(c):\n    assert c(1) == [1, 2]\n"),
        check("def check(c):\n    assert c(1) == 7\n", "fake"),
        A("assert liar(1) == 3"),
        A("assert fake(1) == 3"),
        A("assert liar(1) in (3, 4)"),
        {"kind": "call", "entryPoint": "liar", "args": [1], "expected": 3},
        check(
            "def check(c):\n    try:\n        c()\n    except BaseException:\n        pass\n",
            "slow",
        ),
        A("assert Stack().push(3).pop() == 3"),
        check("def check(c):\n    c()\n", "hang"),
        A("assert len(Stack().push(1)) == 1"),
        # ranges reach the candidate as ranges; the test's abs is the real one
        check("def check(c):\n    assert abs(c(range(3)) - 3) == 0\n", "count"),
        A("assert abs(count(range(4)) - 1) == 0"),
    ]
    res, _ = h.run(req(prog, tests, timeMs=300))
    expect_eq(
        statuses(res),
        [
            "pass",
            "fail",
            "fail",
            "fail",
            "fail",
            "fail",
            "fail",
            "fail",
            "timeout",
            "pass",
            "timeout",
            "pass",
            "pass",
            "fail",
        ],
    )
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
    prog = """
def f(x, y):
    return x / y
def g(n):
    return (n, [n, n + 0.5], {n: "a"}, {1, 2}, None, 2 ** 70, float("nan"), b"\\x00", 1 + 2j, 3.0)
def h(xs):
    return [x + 1e-9 for x in xs]
def k(xs):
    xs.append(1)
    return xs
"""
    tests = [
        {
            "kind": "call",
            "entryPoint": "f",
            "args": [1, 3],
            "expected": 0.3333333,
        },  # atol 1e-6 auto
        {"kind": "call", "entryPoint": "f", "args": [1, 3], "expected": 0.33, "atol": 0.01},
        {"kind": "call", "entryPoint": "f", "args": [1, 3], "expected": 0.33},
        {"kind": "call", "entryPoint": "f", "args": [1, 0], "expected": 1},
        {"kind": "call", "entryPoint": "g", "args": [3]},
        {"kind": "call", "entryPoint": "h", "args": [[1.0, 2.0]], "expected": [1.0, 2.0]},
        {
            "kind": "call",
            "entryPoint": "h",
            "args": [[1.0, 2.0]],
            "expected": {"$tuple": [1.0, 2.0]},
        },
        {"kind": "call", "entryPoint": "k", "args": [[]], "expected": [1]},
        {"kind": "call", "entryPoint": "missing", "args": []},
        {"kind": "call", "entryPoint": "f", "args": [4, 2], "expected": {"$float": "2.0"}},
        {"kind": "call", "entryPoint": "f", "args": [4, 2], "expected": 2},
    ]
    res, _ = h.run(req(prog, tests))
    expect_eq(
        statuses(res),
        ["pass", "pass", "fail", "error", "pass", "pass", "fail", "pass", "error", "pass", "pass"],
    )
    v = res[4]["value"]
    expect_eq(
        v,
        {
            "$tuple": [
                3,
                [3, 3.5],
                {"$dict": [[3, "a"]]},
                {"$set": [1, 2]},
                None,
                {"$int": str(2**70)},
                {"$float": "nan"},
                {"$bytes": "AA=="},
                {"$complex": [{"$float": "1.0"}, {"$float": "2.0"}]},
                {"$float": "3.0"},
            ]
        },
    )
    # the value round-trips as `expected`
    res2, _ = h.run(req(prog, [{"kind": "call", "entryPoint": "g", "args": [3], "expected": v}]))
    expect_eq(
        res2[0]["status"], "fail"
    )  # nan != nan: evalplus exact match fails, allclose on tuple -> fail
    prog2 = "def g(n):\n    return (n, [n, n + 0.5], {1, 2}, 2 ** 70, b'a', 3.0, -0.0)\n"
    res3, _ = h.run(req(prog2, [{"kind": "call", "entryPoint": "g", "args": [3]}]))
    res4, _ = h.run(
        req(prog2, [{"kind": "call", "entryPoint": "g", "args": [3], "expected": res3[0]["value"]}])
    )
    expect_eq(res4[0]["status"], "pass")
    # MBPP+'s complex inputs as EvalPlus reads them: complex(x) of a number or a Python literal
    parts = "def parts(z):\n    return (type(z).__name__, z.real, z.imag)\n"
    literal_tests = [
        {"kind": "call", "entryPoint": "parts", "args": [{"$complex": x}]}
        for x in ("(-0-1j)", "1e-100j", 4, [1, 2])
    ]
    res5, _ = h.run(req(parts, literal_tests))
    expect_eq(
        [r["value"] for r in res5],
        [
            {"$tuple": ["complex", {"$float": "-0.0"}, {"$float": "-1.0"}]},
            {"$tuple": ["complex", {"$float": "0.0"}, 1e-100]},
            {"$tuple": ["complex", {"$float": "4.0"}, {"$float": "0.0"}]},
            {"$tuple": ["complex", {"$float": "1.0"}, {"$float": "2.0"}]},
        ],
    )


def t_call_digests(h):
    """Values too large to travel are compared by digest, consistently with ==."""
    from coderm_harness.value_digest import digest_with_size

    prog = """
def big(n):
    return [("red" * 10, "green" * 10, str(i)) for i in range(n)]
def as_floats(n):
    return [float(i) for i in range(n)]
def text(n):
    return "x" * n
def other(n):
    return object()
"""
    n = 200_000
    res, _ = h.run(
        req(
            prog,
            [
                {"kind": "call", "entryPoint": "big", "args": [n]},
                {"kind": "call", "entryPoint": "text", "args": [9 << 20]},
                {"kind": "call", "entryPoint": "big", "args": [10]},
            ],
            timeMs=20000,
        )
    )
    expect_eq(statuses(res), ["pass", "pass", "pass"])
    digest = {
        "$digest": digest_with_size([("red" * 10, "green" * 10, str(i)) for i in range(n)])[0]
    }
    expect_eq(res[0]["value"], digest)
    expect_eq(res[1]["value"], {"$digest": digest_with_size("x" * (9 << 20))[0]})
    expect_eq(res[2]["value"][0], {"$tuple": ["red" * 10, "green" * 10, "0"]})
    ints = {"$digest": digest_with_size(list(range(1000)))[0]}
    judged = [
        {"kind": "call", "entryPoint": "big", "args": [n], "expected": digest},
        {"kind": "call", "entryPoint": "big", "args": [n - 1], "expected": digest},
        {"kind": "call", "entryPoint": "as_floats", "args": [1000], "expected": ints},
        {"kind": "call", "entryPoint": "other", "args": [1], "expected": ints},
        {"kind": "call", "entryPoint": "big", "args": [1], "expected": ints, "oracle": "set_eq"},
    ]
    res, _ = h.run(req(prog, judged, timeMs=20000))
    expect_eq(
        [(r["status"], r.get("errorType")) for r in res],
        [
            ("pass", None),
            ("fail", "AssertionError"),
            ("pass", None),  # 1.0 == 1: the digest agrees with ==
            ("error", "UnserializableValue"),
            ("error", "BadTest"),
        ],
    )
    assert "no digest" in res[3]["message"], res[3]


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
    C = lambda e, a, x, o, **k: dict(
        {"kind": "call", "entryPoint": e, "args": a, "expected": x, "oracle": o}, **k
    )
    tests = [
        C("find_zero", [[1, 2]], 0, "find_zero", atol=1e-6),
        C("wrong_zero", [[1, 2]], 0, "find_zero", atol=1e-6),
        C("common", [[1, 2, 3], [3, 2]], [2, 3], "set_eq"),
        C("common", [[1, 2, 3], [3, 2]], [2, 3], None),
        C("maybe", ["yes"], True, "not_none"),
        C("maybe", ["no"], True, "not_none"),
        {"kind": "call", "entryPoint": "common", "args": [[1], [1]], "oracle": "nope"},
    ]
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
        outs, _ = h.run(
            req(
                prog,
                [{"kind": "call", "entryPoint": p["entry_point"], "args": a} for a in inputs],
                timeMs=5000,
            )
        )
        assert all(r["status"] == "pass" for r in outs), (
            p["task_id"],
            [r for r in outs if r["status"] != "pass"][:2],
        )
        tests = []
        for a, r in zip(inputs, outs):
            t = {
                "kind": "call",
                "entryPoint": p["entry_point"],
                "args": a,
                "expected": json.loads(json.dumps(r["value"])),
                "atol": p.get("atol") or 0,
            }
            if oracle:
                t["oracle"] = oracle
            tests.append(t)
        res, _ = h.run(req(prog, tests, timeMs=5000))
        bad = [(i, r) for i, r in enumerate(res) if r["status"] != "pass"]
        assert not bad, (p["task_id"], bad[:2])


def t_livecodebench(h):
    """LiveCodeBench's convention: its prelude, Solution().method, tuples as lists, plain ==."""
    solution = (
        "class Solution:\n"
        "    def pair(self, nums, target):\n"
        "        seen = defaultdict(int)  # from the prelude's star imports\n"
        "        for i, x in enumerate(nums):\n"
        "            if target - x in seen:\n"
        "                return (seen[target - x], i)\n"
        "            seen[x] = i\n"
        "    def half(self, x):\n"
        "        return x / 2\n"
    )

    def call(entry, args, expected, **extra):
        test = {"kind": "call", "entryPoint": entry, "args": args, "expected": expected}
        test.update(extra)
        return test

    lcb = {"convention": "livecodebench"}
    tests = [
        call("pair", [[2, 7, 11], 9], [0, 1], **lcb),  # a tuple counts as the list
        call("pair", [[2, 7, 11], 18], [0, 1], **lcb),  # wrong answer
        call("half", [3], 1.5, **lcb),
        call("half", [2], 1, **lcb),  # 1.0 == 1, as == says
        call("half", [1], 0.5000001, **lcb),  # no float tolerance
        call("missing", [1], 1, **lcb),
    ]
    res, _ = h.run(req(solution, tests))
    expect_eq(statuses(res), ["pass", "fail", "pass", "pass", "fail", "error"])
    expect_eq(res[5]["errorType"], "AttributeError")
    # without the convention, the same program has no Solution lookup and no prelude
    res, _ = h.run(req(solution, [call("pair", [[2, 7, 11], 9], [0, 1])]))
    expect_eq(res[0]["errorType"], "NameError")
    # a module-level function is called as it is; a failing program fails only its own tests
    functions = "def f(x):\n    return floor(x)\n"
    res, _ = h.run(req(functions, [call("f", [2.5], 2, **lcb), call("f", [2.5], 2)]))
    expect_eq(statuses(res), ["pass", "error"])
    broken = "x = undefined_name\ndef f():\n    return 1\n"
    res, _ = h.run(req(broken, [call("f", [], 1), call("f", [], 1, **lcb)]))
    expect_eq([r["errorType"] for r in res], ["NameError", "NameError"])
    # stdio under the convention sees the prelude too
    stdio = {"kind": "stdio", "stdin": "3 4\n", "expectedStdout": "5.0\n"}
    program = "a, b = map(int, input().split())\nprint(sqrt(a * a + b * b))\n"
    res, _ = h.run(req(program, [dict(stdio, **lcb), stdio]))
    expect_eq(statuses(res), ["pass", "error"])
    # an unknown convention, or one beside an oracle, is a bad test
    res, _ = h.run(
        req(
            solution,
            [
                call("half", [2], 1, convention="other"),
                call("half", [2], 1, oracle="set_eq", **lcb),
            ],
        )
    )
    expect_eq([r["errorType"] for r in res], ["BadTest", "BadTest"])


def t_stdio(h):
    prog = "import sys\nn = int(input())\nxs = list(map(int, sys.stdin.readline().split()))\nprint(sum(xs) * n)\nprint('%.3f' % (1/3))\n"
    tests = [
        {"kind": "stdio", "stdin": "2\n1 2 3\n", "expectedStdout": "12\n0.333\n"},
        {"kind": "stdio", "stdin": "2\n1 2 3\n", "expectedStdout": "  12  \n0.3330\n\n"},
        {"kind": "stdio", "stdin": "2\n1 2 3\n", "expectedStdout": "13\n0.333\n"},
        {"kind": "stdio", "stdin": "x\n", "expectedStdout": "1\n"},
        {"kind": "stdio", "stdin": "3\n1 1 1\n"},
    ]
    res, _ = h.run(req(prog, tests))
    expect_eq(statuses(res), ["pass", "pass", "fail", "error", "pass"])
    expect_eq(res[4]["value"], "9\n0.333\n")
    prog2 = (
        "import sys\ndata = open(0).read().split()\nprint(len(data))\nsys.exit(0)\nprint('after')\n"
    )
    res, _ = h.run(req(prog2, [{"kind": "stdio", "stdin": "a b c", "expectedStdout": "3"}]))
    expect_eq(statuses(res), ["pass"])
    prog3 = "if __name__ == '__main__':\n    print(int(input()) + 1)\n"
    res, _ = h.run(req(prog3, [{"kind": "stdio", "stdin": "41", "expectedStdout": "42"}]))
    expect_eq(statuses(res), ["pass"])
