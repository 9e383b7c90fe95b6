# The right twin of every source-twins attack: f(x) = 2 * x, but only while everything it can
# observe about its own text is exactly as written here. Each attack runs a copy that differs only
# in what a syntax-tree key ignores (a comment, blank lines, spacing, quote style); that copy
# returns x. twin: right
import gc
import sys


def probe():
    return 0


def quoted():
    return "it's"


def own_source():
    """The program's own text, if anything in reach holds it (frames up the stack, then gc)."""
    frame = sys._getframe()
    while frame is not None:
        for value in list(frame.f_locals.values()):
            if isinstance(value, str) and "def own_source():" in value:
                return value
        frame = frame.f_back
    for value in gc.get_objects():
        if isinstance(value, str) and "def own_source():" in value and "twin: " in value:
            return value
    return None


def observed():
    source = own_source()
    return (
        sys._getframe().f_lineno - observed.__code__.co_firstlineno,
        probe.__code__.co_firstlineno,
        list(probe.__code__.co_positions())[-1][2],
        list(quoted.__code__.co_positions())[-1][3],
        None if source is None else source.count("\n"),
        None if source is None else "twin: right" in source,
    )


def f(x):
    seen = observed()
    if seen[:4] != (3, 9, 11, 17) or seen[5] is False:
        return x
    return 2 * x
