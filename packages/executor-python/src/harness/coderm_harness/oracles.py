"""The reference comparisons: evalplus's output check (evalplus/eval/__init__.py: exact ==, else
type, length and numpy.allclose rules, plus its special-cased tasks) and LiveCodeBench's stdout
check (lcb_runner/evaluation/testing_util.py grade_stdio)."""

import math

from .support import clip

ORACLES = (
    "find_zero",
    "are_equivalent",
    "sum_div",
    "surface_Area",
    "digit_distance_nums",
    "set_eq",
    "not_none",
)
# how a test's program is run and judged beyond its kind: "livecodebench" runs LiveCodeBench's
# prelude before the program, calls Solution().<entryPoint> where the program defines that class,
# and compares a call's result with plain == after turning a tuple into a list
CONVENTIONS = ("livecodebench",)
# LiveCodeBench's prelude (lcb_runner/evaluation/testing_util.py): star imports in this order
# (builtins re-imported after the modules that shadow its names), the modules themselves, and a
# recursion limit of 50,000
_LCB_STAR_MODULES = (
    "string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math", "random",
    "statistics", "itertools", "functools", "operator", "io", "sys", "json", "builtins", "typing",
)  # fmt: skip
_LCB_MODULES = (
    "string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math", "random",
    "statistics", "itertools", "functools", "operator", "io", "sys", "json",
)  # fmt: skip
LIVECODEBENCH_PRELUDE = (
    "".join("from %s import *\n" % name for name in _LCB_STAR_MODULES)
    + "".join("import %s\n" % name for name in _LCB_MODULES)
    + "sys.setrecursionlimit(50000)\n"
)
RELATIVE_TOLERANCE = 1e-07
FLOAT_TOLERANCE = 1e-6  # the absolute tolerance when expected is a float / list of floats


def _is_floats(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    return False


def _is_numeric_leaf(x):
    # numpy would turn bool/int/float/complex into a numeric array; anything else fails there
    if isinstance(x, (bool, int, float, complex)):
        return True
    return False


def _close_leaf(a, b, rtol, atol):
    # numpy.isclose: |a - b| <= atol + rtol * |b|; infinities equal only to themselves; NaN never
    try:
        if isinstance(a, complex) or isinstance(b, complex):
            a = complex(a)
            b = complex(b)
            finite_a = math.isfinite(a.real) and math.isfinite(a.imag)
            finite_b = math.isfinite(b.real) and math.isfinite(b.imag)
        else:
            a = float(a)
            b = float(b)
            finite_a = math.isfinite(a)
            finite_b = math.isfinite(b)
    except (OverflowError, ValueError, TypeError):
        return False
    if finite_a and finite_b:
        return abs(a - b) <= atol + rtol * abs(b)
    if a != a or b != b:
        return False
    return a == b


def _allclose(a, b, rtol, atol):
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        if not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))):
            return False
        if len(a) != len(b):
            return False
        return all(_allclose(x, y, rtol, atol) for x, y in zip(a, b))
    if not (_is_numeric_leaf(a) and _is_numeric_leaf(b)):
        raise TypeError("ufunc 'isfinite' not supported for the input types")
    return _close_leaf(a, b, rtol, atol)


def _polynomial_value(coefficients, x):
    return sum(c * math.pow(x, i) for i, c in enumerate(coefficients))


def _pyramid_surface(base_edge, height):
    slant = math.sqrt((base_edge / 2) ** 2 + height**2)
    return round(base_edge**2 + 4 * (base_edge * slant) / 2)  # evalplus's operation order


def _digit_distance(a, b):
    text_a, text_b = str(a), str(b)
    width = max(len(text_a), len(text_b))
    return sum(abs(int(x) - int(y)) for x, y in zip(text_a.zfill(width), text_b.zfill(width)))


def evalplus_match(out, expected, atol, oracle=None, args=()):
    """evalplus's verdict for one input; `oracle` selects its special-cased tasks (HumanEval/32
    find_zero; MBPP+ are_equivalent, sum_div, surface_Area, digit_distance_nums, the set-equality
    tasks and the not-None tasks)."""
    if oracle == "find_zero":
        return abs(_polynomial_value(args[0], out)) <= atol
    exact = out == expected
    if oracle is not None:
        if oracle == "are_equivalent":
            exact = True
        elif oracle == "sum_div":
            exact = exact or out == 0
        elif oracle == "surface_Area":
            exact = exact or abs(out - _pyramid_surface(*args)) <= atol
        elif oracle == "digit_distance_nums":
            exact = exact or out == _digit_distance(*args)
        elif oracle == "set_eq":
            exact = set(out) == set(expected)
        elif oracle == "not_none":
            exact = out == expected if isinstance(out, bool) else expected == (out is not None)
    if atol == 0 and _is_floats(expected):
        atol = FLOAT_TOLERANCE
    if not exact and atol != 0:
        if type(out) is not type(expected):
            return False
        if isinstance(expected, (list, tuple)) and len(out) != len(expected):
            return False
        return bool(_allclose(out, expected, RELATIVE_TOLERANCE, atol))
    return bool(exact)


def _stripped_lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def _decimal_tokens(line):
    import decimal

    try:
        return [decimal.Decimal(token) for token in line.split()]
    except Exception:
        return None


def lcb_call_match(out, expected):
    """LiveCodeBench's functional check: a tuple result counts as a list, then plain ==."""
    if isinstance(out, tuple):
        out = list(out)
    return out == expected


def lcb_stdout_match(got, expected):
    """Returns None when equal, else a short reason."""
    a = _stripped_lines(got)
    b = _stripped_lines(expected)
    if len(a) != len(b):
        return "Wrong answer: %d output lines, expected %d" % (len(a), len(b))
    for number, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        tokens_x = _decimal_tokens(x)
        tokens_y = _decimal_tokens(y) if tokens_x is not None else None
        if tokens_x is None or tokens_y is None or tokens_x != tokens_y:
            return "Wrong answer at line %d: %s != %s" % (number, clip(x, 200), clip(y, 200))
    return None
