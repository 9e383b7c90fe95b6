/**
 * Hand-written focal programs for the line-coverage tests: each covers a corner of what
 * coverage.py counts as an executable or covered line (multi-line statements, decorators,
 * lambdas and comprehensions, exclusion pragmas, match, exceptions, generators, a program that
 * fails at load), with assert tests to run against it.
 */

/** A hand-written focal program and the assert tests run against it. */
export interface FocalFile {
  name: string;
  /** The program: the text the executor runs and the file coverage.py measures. */
  code: string;
  /** Assert tests: statements run in the program's namespace. */
  tests: string[];
  /** The oldest Python that compiles it (3.9 by default). */
  minimumPython?: [number, number];
}

/** The focal programs, each with its tests and the oldest Python that compiles it. */
export function focalFiles(): FocalFile[] {
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
