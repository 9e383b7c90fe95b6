#!/usr/bin/env python3
"""coderm Python execution harness: a long-lived worker that runs candidate programs against tests.

Start (one worker per core; Python 3.11, standard library only)::

    python3 -S -u harness.py          # fd 3 = request pipe (read), fd 4 = response pipe (write)

stdin/stdout/stderr are not part of the protocol (the worker writes diagnostics to stderr only).
Start it with the real interpreter (not a pyenv shim) and a scrubbed environment; set
PYTHONHASHSEED=0 in that environment so that set/dict iteration order of str keys, and with it
the verdicts of order-sensitive candidates, is the same in every worker and every run.
CODERM_HARNESS_DEBUG=1 in that environment logs per-request timings to stderr.

Framing (both directions): a 4-byte big-endian unsigned length, then that many bytes of UTF-8 JSON
holding one object. Frames larger than 512 MiB are refused (the worker reports an error and exits).
Requests are handled one at a time in arrival order; Node may queue the next request before "done".

Worker -> Node, once at start-up (after the standard library is imported, ~60 ms)::

    {"event": "ready", "version": "2", "pid": 123, "python": "3.11.7",
     "confinement": ["landlock-v7", "seccomp"]}     # what this kernel lets the harness apply

Request (Node -> worker)::

    {"id": <int|str>,                       # echoed in every response frame
     "program": "<candidate program text>",
     "tests": [<test>, ...],
     "limits": {"timeMs": 100,              # per test (each test may override with its own timeMs)
                "memoryMb": 1024,           # RLIMIT_AS of the child; null = unlimited
                "outputBytes": 65536,       # captured stdout+stderr per test, in characters
                "maxProcesses": 0,          # 0: process creation is disabled in the child
                "maxFileBytes": 16777216,   # RLIMIT_FSIZE
                "maxOpenFiles": 256,        # RLIMIT_NOFILE
                "importTimeMs": 5000},      # first import of modules the worker did not preload
     "start": 0,                            # first test index to run (resume after a worker died)
     "groupAsserts": true}                  # optional; false disables the grouped-assert path

Tests (every kind accepts an optional "timeMs" overriding limits.timeMs)::

    {"kind": "assert", "code": "assert f(1) == 2"}
    {"kind": "check", "code": "def check(candidate): ...", "entryPoint": "f"}
    {"kind": "unittest", "code": "<module text with TestCase classes>"}
    {"kind": "call", "entryPoint": "f", "args": [...], "expected": <value>, "atol": 0,
     "oracle": "find_zero"|"are_equivalent"|"sum_div"|"surface_Area"|"digit_distance_nums"|
               "set_eq"|"not_none" (optional: evalplus's special-cased tasks)}
        ("expected" absent = output mode: the result carries "value")
    {"kind": "stdio", "stdin": "...", "expectedStdout": "..."}
        ("expectedStdout" absent = output mode: "value" is the captured stdout)

Responses (worker -> Node): one "result" per test from `start` on, strictly in index order and
streamed (each within ~5 ms of being known), then "done"::

    {"id", "event": "result", "index", "status": "pass"|"fail"|"error"|"timeout"|"oom",
     "wallMs", "cpuMs",
     "errorType"?,        # exception class name, or SyntaxError, Timeout, ChildExited, ChildKilled,
                          # Tampered, WrongAnswer, BadTest, HarnessProtocol, NoTests, ...
     "message"?,          # at most ~1000 characters
     "output"?,           # captured sys.stdout text (only when non-empty; bounded by outputBytes)
     "stderr"?,           # captured sys.stderr text (only when non-empty)
     "outputDropped"?,    # characters dropped beyond outputBytes
     "value"?,            # call/stdio output mode
     "methods"?}          # unittest: [{"name": "TestX.test_a", "status", "errorType"?, "message"?}]
                          # (method status may also be "skip" for @skip-decorated methods)
    {"id", "event": "done"}
    {"id", "event": "error", "message"}    # malformed request (id null when unreadable); no
                                           # "done" follows; the worker keeps serving
A malformed test inside a valid request is not a request error: that test gets status "error",
errorType "BadTest" (a test whose code does not compile: "SyntaxError").

Values ("args", "expected", "value") use plain JSON plus single-key tag objects, so that Python
values survive a round trip through JavaScript numbers unchanged:
    {"$tuple": [...]}, {"$set": [...]}, {"$frozenset": [...]}, {"$bytes": "<base64>"},
    {"$complex": [re, im]}, {"$range": [start, stop, step]},
    {"$dict": [[key, value], ...]} (non-str keys, or keys starting with "$"),
    {"$int": "<decimal>" | "0x<hex>" | "-0x<hex>"} (beyond +-(2**53-1); hex past 16384 bits),
    {"$float": "1.0" | "-0.0" | "nan" | "inf" | "-inf" | "1e+20"} (integral or non-finite floats),
    {"$repr": "...", "$type": "name"} (not representable; as "expected" it never compares equal).
Plain floats are non-integral and finite, so JavaScript's shortest round-trip repr reproduces them.
Raw NaN/Infinity tokens and big integers are also accepted on input. The worker never emits
NaN/Infinity tokens (its output is plain JSON.parse-able).

Processes: worker (protocol, parsing, planning, watchdog, comparisons) -> zygote (a copy of the
worker made at start-up, after the imports; it only forks) -> one candidate process per request, in
its own process group, with rlimits, a private empty working directory, a minimal environment (PATH,
HOME, LANG, TMPDIR), fds 0/1/2 on /dev/null and a private file, process creation disabled
(maxProcesses 0), and confined where the kernel allows: Landlock (read-only system and interpreter
directories, writes only in its working directory, no TCP, no signals or ptrace beyond itself) and
a seccomp filter (no socket(), ptrace, process_vm_*, io_uring, bpf). The worker hands the job to
the child through shared memory (marshal; worker -> child only) and reads the child's results from
a shared ring, parsing them defensively (JSON or one strict pattern). A request with split tests
(below) also gets a test process, forked by the candidate process before any candidate code runs
and confined on its own; it receives the test code through a second shared area that the candidate
process unmaps, talks to the candidate process over a socket, and reports on a pipe of its own.
The worker kills the group on a watchdog deadline; zygote and children die with the worker
(PR_SET_PDEATHSIG). The worker's files live in $TMPDIR/coderm-harness-<pid>-*/ (removed on exit;
a new worker removes those of workers that were killed).

Semantics. One forked child per request runs its tests in order; every test gets a fresh globals
dict ({} like the CodeT / human-eval / evalplus references, so __name__ is the builtins module's
and `if __name__ == "__main__":` blocks do not run; stdio runs as "__main__") and an empty working
directory. Expected values never enter the candidate's process:
    assert    Tests of the form `assert <expr> ==/!= <literal>[, "<const msg>"]` (or literal on the
              left) are grouped by the AST of <expr>: the candidate process evaluates <expr> once
              (exec(program) in fresh globals, under the timer) and reports its value, strictly
              encoded; the worker compares it with each test's literal: Python's == on values of
              exact built-in types (decoded from the report), so no object of the candidate's
              takes part in the comparison. An exception (AssertionError: fail) or timeout while
              computing <expr> applies to every test of the group. Other assert statements are
              split tests.
    check     split: the test process executes the test code and calls check(<entryPoint>) -> pass
              when it returns.
    unittest  split: every test method of the TestCase classes that the test code defines (source
              order, methods alphabetical) runs with its own timer. pass = every non-skipped method
              passed; a SkipTest raised at run time is an error.
    call      evalplus: the candidate process computes out = f(*args) and reports it; the worker
              decides exact `out == expected`, else (atol, or 1e-6 when expected is a float /
              non-empty list or tuple of floats) same type, same length, numpy.allclose rules with
              rtol=1e-7. Any exception in f -> error; a mismatch -> fail. evalplus's per-input time
              limit is max(1 s, 4 x the canonical solution's time): send it as the test's timeMs.
              Output mode (no "expected") returns f's value (tagged, see Values).
    stdio     LiveCodeBench: the candidate process reports its stdout; the worker strips stdout and
              expected, splits them on "\\n", strips each line; equal line count; each line equal,
              or equal as lists of Decimal tokens.
Split tests (check, unittest, other assert statements) run their test code in the test process.
There the candidate program's globals are proxies: calling a function, instantiating a class,
reading an attribute, iterating, indexing, len/bool/str/repr all run in the candidate process,
under the test's timer, and bring back plain values (exact built-in types) or new proxies.
Arguments go the other way as plain values or proxies; a test-side callable cannot be passed to
candidate code (error), and the candidate's changes to an argument are not seen by the test. A
proxy equals only itself. Modules among the globals are imported in the test process. Exceptions
raised by candidate code are re-raised in the test process with their built-in class (others as
RemoteError), so assertRaises works.
The timer (setitimer, timeMs, wall clock) covers exec(program) + the test. Before its first test a
child imports, under importTimeMs, the program's top-level imports of modules the worker has not
preloaded (the references ran in processes that had them loaded). If executing the program itself
fails (raises, times out, kills the child) the remaining non-stdio tests of the request get that
verdict without running again.
fail = AssertionError; error = any other exception (SystemExit included; for stdio an exit code of
0/None ends the program normally); timeout = the timer fired (even if the candidate swallowed it)
or the watchdog killed the child (timeMs*1.5+50 ms into one test); oom = MemoryError (RLIMIT_AS)
or an unexplained SIGKILL. A child that dies otherwise gives the running test "error" /
"ChildExited"; the remaining tests run in a fresh child. A test passes only when the worker's
comparison or the test process says so: a record from the wrong process, a value test reporting
pass/fail instead of its value, or any other protocol anomaly gives "error"/"HarnessProtocol";
builtins patched by the program give "error"/"Tampered".
"""

HARNESS_VERSION = "2"

import ast
import base64
import builtins
import fcntl
import gc
import io
import json
import marshal
import math
import mmap
import operator
import os
import re
import resource
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
import unittest

# --------------------------------------------------------------------------------------------
# Standard-library modules that candidates commonly import: imported once in the worker so that a
# forked child finds them in sys.modules (about 50 ms, 20 MB at start-up).
_PREIMPORT = (
    "abc array base64 binascii bisect calendar cmath collections collections.abc contextlib copy "
    "csv ctypes dataclasses datetime decimal difflib enum fnmatch fractions functools glob hashlib "
    "heapq inspect itertools json keyword locale math numbers operator pathlib pprint random "
    "re reprlib secrets statistics string textwrap traceback types typing "
    "unicodedata unittest uuid weakref zlib posix _posixsubprocess"
).split()

STATUSES = ("pass", "fail", "error", "timeout", "oom")
_STATUS_SET = frozenset(STATUSES) | {"skip"}
MSG_LIMIT = 1000
MAX_FRAME = 512 << 20
RING_CAP = 64 << 20           # shared result ring between child and worker (touched lazily)
RECORD_MAX = 60 << 20         # a single result record (an output-mode value) never exceeds this
TICK_S = 0.005                # the worker relays results at least this often while a child runs
KILL_FACTOR = 1.5
KILL_SLACK_S = 0.05
ENCODE_BUDGET_S = 10.0       # watchdog budget for encoding one output-mode value
REARM_S = 0.02                # the timer re-raises at this interval if the candidate swallows it
DEFAULT_LIMITS = {
    "timeMs": 100.0,
    "memoryMb": 1024,
    "outputBytes": 65536,
    "maxProcesses": 0,
    "maxFileBytes": 16 << 20,
    "maxOpenFiles": 256,
    "importTimeMs": 5000,
}

K_GROUP, K_STMT, K_CHECK, K_UNIT, K_CALL, K_STDIO, K_SEQ = 1, 2, 3, 4, 5, 6, 7

_SAFE_INT = (1 << 53) - 1
_DEFAULT_INT_DIGITS = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0

# Shared header of the result ring, read by the worker while the child writes it: 8-byte aligned
# int64 slots accessed through memoryview(mm).cast("q"), one plain store/load each (never through
# struct.pack_into, which zero-fills its target before writing and so lets a concurrent reader see
# 0). The child writes a test's start time before its index; the worker reads the index first.
H_WP, H_RP, H_IDX, H_START, H_PHASE = 0, 1, 2, 3, 4   # write pos, read pos, test index, its start
#   (monotonic ns), phase: 0 = executing the program, 1 = running the test,
#   2 = importing the program's modules, 3 = encoding a value
_LEN = struct.Struct("<I")
_FRAME_LEN = struct.Struct(">I")
_HDR_SIZE = 64
_DEBUG = bool(os.environ.get("CODERM_HARNESS_DEBUG"))
_dbg = []
_DIR_MARK_NS = 1_000_000_000


def _log(msg):
    try:
        os.write(2, ("[harness %d] %s\n" % (os.getpid(), msg)).encode("utf-8", "replace"))
    except OSError:
        pass


def _clip(s, n=MSG_LIMIT):
    if len(s) > n:
        return s[:n] + "...[%d more]" % (len(s) - n)
    return s


# --------------------------------------------------------------------------------------------
# Value codec (see module docstring)

class _Opaque:
    """Decoded {"$repr": ...}: a value that could not be represented; equal to nothing."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    __hash__ = object.__hash__

    def __repr__(self):
        return "<unrepresentable %s>" % self.text


def _enc_float(x):
    if x != x or x in (math.inf, -math.inf) or x == int(x):
        return {"$float": repr(x)}
    return x


def _int_text(v):
    # decimal up to ~5000 digits; beyond, hex ("0x..."/"-0x...": linear time, no digit limit)
    if v.bit_length() <= 16384:
        return str(v)
    return hex(v)


def encode_value(v, _depth=0, refs=None):
    """Python value -> JSON-compatible structure (tags for what plain JSON would lose).

    `refs(obj)` encodes what plain data cannot hold (proxied objects); without it such an object
    becomes {"$repr", "$type"}, which compares equal to nothing."""
    if _depth > 200:
        return {"$repr": "<too deep>", "$type": type(v).__name__}
    t = type(v)
    if v is None or t is str or t is bool:
        return v
    if t is int:
        return v if -_SAFE_INT <= v <= _SAFE_INT else {"$int": _int_text(v)}
    if t is float:
        return _enc_float(v)
    d = _depth + 1
    if t is list:
        if len(v) > 16:
            # C-speed shortcuts for the common homogeneous lists
            if all(type(x) is str for x in v):
                return v
            if all(type(x) is int for x in v) and -_SAFE_INT <= min(v) and max(v) <= _SAFE_INT:
                return v
        return [encode_value(x, d, refs) for x in v]
    if t is dict:
        if all(type(k) is str and k[:1] != "$" for k in v):
            return {k: encode_value(x, d, refs) for k, x in v.items()}
        return {"$dict": [[encode_value(k, d, refs), encode_value(x, d, refs)] for k, x in v.items()]}
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return encode_value(int(v), _depth)
    if isinstance(v, float):
        return _enc_float(float(v))
    if isinstance(v, str):
        return str(v)
    if isinstance(v, tuple):
        return {"$tuple": [encode_value(x, d, refs) for x in v]}
    if isinstance(v, list):
        return [encode_value(x, d, refs) for x in v]
    if isinstance(v, dict):
        return encode_value(dict(v), _depth, refs)
    if isinstance(v, (set, frozenset)):
        items = [encode_value(x, d, refs) for x in v]
        try:
            items.sort(key=lambda e: json.dumps(e, sort_keys=True))
        except Exception:
            pass
        return {("$frozenset" if isinstance(v, frozenset) else "$set"): items}
    if isinstance(v, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, complex):
        return {"$complex": [_enc_float(v.real), _enc_float(v.imag)]}
    if t is range:
        return {"$range": [encode_value(v.start, d), encode_value(v.stop, d), encode_value(v.step, d)]}
    if getattr(t, "__module__", None) == "numpy" and hasattr(v, "tolist"):
        # numpy scalars and arrays compare like the Python values they hold
        return encode_value(v.tolist(), d, refs)
    if refs is not None:
        return refs(v)
    try:
        r = repr(v)
    except BaseException:
        r = "<unprintable>"
    return {"$repr": _clip(r), "$type": t.__name__}


def _decode_hook(d):
    if len(d) == 1:
        ((k, v),) = d.items()
        if k[:1] != "$":
            return d
        if k == "$tuple" and type(v) is list:
            return tuple(v)
        if k == "$int" and type(v) is str:
            return int(v, 0) if "x" in v else int(v)
        if k == "$float" and type(v) is str:
            return float(v)
        if k == "$set" and type(v) is list:
            return set(v)
        if k == "$frozenset" and type(v) is list:
            return frozenset(v)
        if k == "$bytes" and type(v) is str:
            return base64.b64decode(v)
        if k == "$complex" and type(v) is list and len(v) == 2:
            return complex(v[0], v[1])
        if k == "$range" and type(v) is list and len(v) == 3 and all(type(x) is int for x in v):
            return range(*v)
        if k == "$dict" and type(v) is list:
            return {p[0]: p[1] for p in v}
        if k == "$repr":
            return _Opaque(str(v))
        if _REF_HOOK is not None and k in ("$ref", "$module"):
            return _REF_HOOK(d)
    elif len(d) == 2 and "$repr" in d and "$type" in d:
        return _Opaque(str(d["$repr"]))
    elif _REF_HOOK is not None and "$ref" in d:
        return _REF_HOOK(d)
    return d


_REF_HOOK = None      # candidate and test processes: resolves {"$ref": ...} / {"$module": ...}


_request_decoder = json.JSONDecoder()


_PLAIN = (int, float, str, bool, type(None))


def decode_value(v):
    """Tagged JSON structure (see encode_value) -> Python value (plain data is not copied)."""
    t = type(v)
    if t is list:
        if all(type(x) in _PLAIN for x in v):
            return v
        return [decode_value(x) for x in v]
    if t is dict:
        d = {k: decode_value(x) for k, x in v.items()}
        return _decode_hook(d)
    return v


def _reject_constant(name):
    raise ValueError("non-finite number token in child record")


_record_decoder = json.JSONDecoder(parse_constant=_reject_constant)
_JSON_STR = rb'"(?:[^"\\\x00-\x1f\x7f-\xff]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
_VALUE_RECORD = re.compile(
    rb'\{"i":(\d{1,9}),"s":"value","w":(\d{1,12}\.\d{4}),"c":(\d{1,12}\.\d{4}),'
    rb'"v":(-?\d[\d.eE+-]{0,30}|true|false|null|' + _JSON_STR + rb'|\[[^{]*\])\}\Z').match
_SIMPLE_RECORD = re.compile(
    rb'\{"i":(\d{1,9}),"s":"(pass|fail|error|timeout|oom)","w":(\d{1,12}\.\d{4}),"c":(\d{1,12}\.\d{4})'
    rb'(?:,"e":(' + _JSON_STR + rb'),"m":(' + _JSON_STR + rb'))?\}\Z'
).match
_jstr = json.encoder.encode_basestring_ascii
_frame_encoder = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# evalplus-style comparison (evalplus/eval/__init__.py: exact ==, else type/len/np.allclose)

def _is_floats(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    return False


def _num_leaf(x):
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
            fa = math.isfinite(a.real) and math.isfinite(a.imag)
            fb = math.isfinite(b.real) and math.isfinite(b.imag)
        else:
            a = float(a)
            b = float(b)
            fa = math.isfinite(a)
            fb = math.isfinite(b)
    except (OverflowError, ValueError, TypeError):
        return False
    if fa and fb:
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
    if not (_num_leaf(a) and _num_leaf(b)):
        raise TypeError("ufunc 'isfinite' not supported for the input types")
    return _close_leaf(a, b, rtol, atol)


def _poly_value(xs, x):
    return sum(c * math.pow(x, i) for i, c in enumerate(xs))


def _pyramid_surface(base_edge, height):
    slant = math.sqrt((base_edge / 2) ** 2 + height ** 2)
    return round(base_edge ** 2 + 4 * (base_edge * slant) / 2)   # evalplus's operation order


def _digit_distance(a, b):
    sa, sb = str(a), str(b)
    w = max(len(sa), len(sb))
    return sum(abs(int(x) - int(y)) for x, y in zip(sa.zfill(w), sb.zfill(w)))


ORACLES = ("find_zero", "are_equivalent", "sum_div", "surface_Area", "digit_distance_nums",
           "set_eq", "not_none")


def evalplus_match(out, exp, atol, oracle=None, args=()):
    """evalplus's verdict for one input; `oracle` selects its special-cased tasks (HumanEval/32
    find_zero; MBPP+ are_equivalent, sum_div, surface_Area, digit_distance_nums, the set-equality
    tasks and the not-None tasks)."""
    if oracle == "find_zero":
        return abs(_poly_value(args[0], out)) <= atol
    exact = out == exp
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
            exact = set(out) == set(exp)
        elif oracle == "not_none":
            exact = out == exp if isinstance(out, bool) else exp == (out is not None)
    if atol == 0 and _is_floats(exp):
        atol = 1e-6
    if not exact and atol != 0:
        if type(out) != type(exp):
            return False
        if isinstance(exp, (list, tuple)) and len(out) != len(exp):
            return False
        return bool(_allclose(out, exp, 1e-07, atol))
    return bool(exact)


# --------------------------------------------------------------------------------------------
# LiveCodeBench-style stdout comparison (lcb_runner/evaluation/testing_util.py grade_stdio)

def _stripped_lines(s):
    return [line.strip() for line in s.strip().split("\n")]


def _decimal_tokens(line):
    import decimal
    try:
        return [decimal.Decimal(tok) for tok in line.split()]
    except Exception:
        return None


def lcb_stdout_match(got, expected):
    """Returns None when equal, else a short reason."""
    a = _stripped_lines(got)
    b = _stripped_lines(expected)
    if len(a) != len(b):
        return "Wrong answer: %d output lines, expected %d" % (len(a), len(b))
    for n, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        dx = _decimal_tokens(x)
        dy = _decimal_tokens(y) if dx is not None else None
        if dx is None or dy is None or dx != dy:
            return "Wrong answer at line %d: %s != %s" % (n, _clip(x, 200), _clip(y, 200))
    return None


# --------------------------------------------------------------------------------------------
# Test analysis (worker side, cached by source text)

_CACHE_MAX = 50000
_test_cache = {}      # (kind, code) -> analysis tuple
_expr_cache = {}      # ast dump -> compiled expression


def _cache_put(key, val):
    if len(_test_cache) >= _CACHE_MAX:
        _test_cache.clear()
        _expr_cache.clear()
    _test_cache[key] = val
    return val


def _compile(src, name, mode="exec"):
    return compile(src, name, mode, dont_inherit=True, optimize=0)


def _exc_info(e):
    return (type(e).__name__, _clip(_safe_str(e)))


def _safe_str(e):
    try:
        return str(e)
    except BaseException:
        return "<unprintable %s>" % type(e).__name__


_EXPR_TOPS = (ast.Call, ast.Name, ast.Attribute, ast.Subscript)
_ORDER_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.In: "in",
              ast.NotIn: "not in"}


def _on_candidate(node):
    """Whether `node` is the candidate's to compute in its own process: calls, attributes and
    subscripts (with any arguments: those are inputs) on a name of the program's own. A built-in
    or standard-module name there is excluded: the program could rebind it (`abs(f(x) - 1.4)`,
    `math.isclose(...)`) while the test means the real one, so such expressions run in the test
    server, where those names are the real ones."""
    while True:
        t = type(node)
        if t is ast.Call:
            node = node.func
        elif t is ast.Attribute or t is ast.Subscript:
            node = node.value
        elif t is ast.Name:
            return node.id not in _BUILTIN_NAMES and node.id not in _STDLIB_NAMES
        else:
            return False


def _value_shape(test):
    """(expression, op, literal) for an assertion the worker can judge from the value of one
    expression computed in the candidate process, or None. The expression is a call (or name,
    attribute, subscript); what it is compared with stays in the worker."""
    t = type(test)
    if t is ast.UnaryOp and type(test.op) is ast.Not:
        return (test.operand, "not", None) if _on_candidate(test.operand) else None
    if t is not ast.Compare:
        return (test, "truth", None) if _on_candidate(test) else None
    if len(test.ops) != 1:
        return None
    op = type(test.ops[0])
    left, right = test.left, test.comparators[0]
    if op is ast.Eq or op is ast.NotEq:
        name = "==" if op is ast.Eq else "!="
        for expr, other in ((left, right), (right, left)):
            try:
                lit = ast.literal_eval(other)
            except Exception:
                continue
            return (expr, name, lit) if _on_candidate(expr) else None
        if _on_candidate(left) and _on_candidate(right):
            return (ast.Tuple(elts=[left, right], ctx=ast.Load()), "pair" + name, None)
        return None
    if op is ast.Is or op is ast.IsNot:
        if type(right) is ast.Constant and right.value in (None, True, False) and \
                _on_candidate(left):
            return (left, "is" if op is ast.Is else "is not", right.value)
        return None
    if op in _ORDER_OPS and _on_candidate(left):
        try:
            return (left, _ORDER_OPS[op], ast.literal_eval(right))
        except Exception:
            return None
    return None


def analyze_assert(code):
    """('group', key, exprcode, op, literal, msg) | ('stmt', codeobj) | ('bad', etype, msg).

    'group': a single `assert` the worker judges from the value of one expression (the value is
    computed once per candidate process for every test sharing the expression)."""
    key = ("assert", code)
    hit = _test_cache.get(key)
    if hit is not None:
        return hit
    try:
        tree = ast.parse(code, "<test>", "exec")
        codeobj = _compile(tree, "<test>")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as e:
        return _cache_put(key, ("bad",) + _exc_info(e))
    res = ("stmt", codeobj)
    body = tree.body
    if len(body) == 1 and type(body[0]) is ast.Assert:
        stmt = body[0]
        msg = stmt.msg
        shape = _value_shape(stmt.test) if msg is None or type(msg) is ast.Constant else None
        if shape is not None:
            expr, op, lit = shape
            try:
                dump = ast.dump(expr, include_attributes=False)
                ecode = _expr_cache.get(dump)
                if ecode is None:
                    ecode = _compile(ast.fix_missing_locations(ast.Expression(body=expr)),
                                     "<test>", "eval")
                    _expr_cache[dump] = ecode
                m = None
                if msg is not None:
                    m = _clip(_safe_str(msg.value))
                res = ("group", dump, ecode, op, lit, m)
            except Exception:
                res = ("stmt", codeobj)
    return _cache_put(key, res)


def analyze_check_values(code):
    """A `check(candidate)` test made only of value assertions about `candidate(...)` (as 148 of
    HumanEval's 164 are) -> (param, ((exprcode | None, op, literal, msg), ...)); else None.

    Such a check runs as values: the candidate process computes each expression in order and the
    worker judges them in order (the first that does not pass decides), so the test code never
    enters the candidate process and needs no test server."""
    key = ("checkvalues", code)
    if key in _test_cache:
        return _test_cache[key]
    out = None
    try:
        tree = ast.parse(code, "<test>", "exec")
        checks = [n for n in tree.body if type(n) is ast.FunctionDef and n.name == "check"]
        module_names = {"check"}
        plain = len(checks) == 1
        for n in tree.body:
            if type(n) is ast.Expr and type(n.value) is ast.Constant:
                continue
            if type(n) is ast.Assign and all(type(t) is ast.Name for t in n.targets):
                ast.literal_eval(n.value)           # METADATA = {...}
                module_names.update(t.id for t in n.targets)
                continue
            if n is not (checks[0] if plain else None):
                plain = False
        fn = checks[0] if plain else None
        a = fn.args if fn is not None else None
        if fn is not None and not fn.decorator_list and len(a.args) == 1 and not (
                a.posonlyargs or a.kwonlyargs or a.vararg or a.kwarg or a.defaults):
            param = a.args[0].arg
            steps = []
            for st in fn.body:
                if type(st) is ast.Expr and type(st.value) is ast.Constant:
                    continue
                if type(st) is not ast.Assert or not (st.msg is None or type(st.msg) is ast.Constant):
                    break
                msg = None if st.msg is None else _clip(_safe_str(st.msg.value))
                if type(st.test) is ast.Constant:
                    if not st.test.value:
                        steps.append((None, "fail", None, msg))
                    continue
                shape = _value_shape(st.test)
                if shape is None:
                    break
                names = {n.id for n in ast.walk(shape[0]) if type(n) is ast.Name}
                if names & module_names or param not in names:
                    break                   # refers to the test module's own definitions
                expr = ast.fix_missing_locations(ast.Expression(body=shape[0]))
                steps.append((_compile(expr, "<test>", "eval"), shape[1], shape[2], msg))
            else:
                out = (param, tuple(steps))
    except Exception:
        out = None
    return _cache_put(key, out)


def analyze_module(kind, code):
    """check/unittest test code -> ('ok', codeobj, classnames, nmethods) | ('bad', etype, msg)."""
    key = (kind, code)
    hit = _test_cache.get(key)
    if hit is not None:
        return hit
    try:
        tree = ast.parse(code, "<test>", "exec")
        codeobj = _compile(tree, "<test>")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as e:
        return _cache_put(key, ("bad",) + _exc_info(e))
    classes = []
    nmeth = 0
    for node in tree.body:
        if type(node) is ast.ClassDef:
            classes.append(node.name)
            for sub in node.body:
                if type(sub) in (ast.FunctionDef, ast.AsyncFunctionDef) and sub.name.startswith("test"):
                    nmeth += 1
    return _cache_put(key, ("ok", codeobj, tuple(dict.fromkeys(classes)), nmeth))


def _check_call_code(entry):
    key = ("checkcall", entry)
    hit = _test_cache.get(key)
    if hit is None:
        hit = _cache_put(key, _compile("check(%s)" % entry, "<test>", "eval"))
    return hit


# --------------------------------------------------------------------------------------------
# Child side

class _Timeout(BaseException):
    """Raised by the per-test timer. A BaseException so that `except Exception` cannot swallow it."""


_tstate = [False, False]    # [inside a timed region, timer fired in this region]
_getsignal = __import__("_signal").getsignal
_SIGALRM = int(signal.SIGALRM)


def _on_alarm(signum, frame):
    st = _tstate
    if st[0]:
        st[1] = True
        signal.setitimer(signal.ITIMER_REAL, REARM_S)
        raise _Timeout("time limit exceeded")


class _Budget:
    __slots__ = ("limit", "used", "dropped")

    def __init__(self, limit):
        self.limit = limit
        self.used = 0
        self.dropped = 0


class _BinaryTap(io.RawIOBase):
    def __init__(self, text):
        self._text = text

    def writable(self):
        return True

    def write(self, b):
        b = bytes(b)
        self._text.write(b.decode("utf-8", "replace"))
        return len(b)

    def flush(self):
        pass


class _BoundedText(io.TextIOBase):
    """sys.stdout/sys.stderr replacement: keeps text up to a shared budget, counts the rest."""

    encoding = "utf-8"
    errors = "strict"
    newlines = None

    def __init__(self, budget, name):
        self._budget = budget
        self._parts = []
        self._name = name
        self.buffer = _BinaryTap(self)

    @property
    def name(self):
        return self._name

    def write(self, s):
        if type(s) is not str:
            if not isinstance(s, str):
                raise TypeError("write() argument must be str, not %s" % type(s).__name__)
            s = str(s)
        n = len(s)
        b = self._budget
        room = b.limit - b.used
        if n <= room:
            self._parts.append(s)
            b.used += n
        elif room > 0:
            self._parts.append(s[:room])
            b.used = b.limit
            b.dropped += n - room
        else:
            b.dropped += n
        return n

    def writelines(self, lines):
        for s in lines:
            self.write(s)

    def writable(self):
        return True

    def readable(self):
        return False

    def flush(self):
        pass

    def isatty(self):
        return False

    def close(self):
        pass

    def reconfigure(self, *a, **k):
        pass

    def fileno(self):
        raise io.UnsupportedOperation("fileno")

    def getvalue(self):
        return "".join(self._parts)

    def reset(self):
        self._parts.clear()


class _RingWriter:
    __slots__ = ("mm", "hv", "cap", "wp", "rp", "wfd")

    def __init__(self, mm, hv, cap, wfd):
        self.mm = mm
        self.hv = hv
        self.cap = cap
        self.wp = hv[H_WP]
        self.rp = hv[H_RP]
        self.wfd = wfd

    def put(self, data):
        blob = _LEN.pack(len(data)) + data
        need = len(blob)
        cap = self.cap
        mm = self.mm
        if cap - (self.wp - self.rp) < need:
            self.rp = self.hv[H_RP]
            delay = 0.0001
            while cap - (self.wp - self.rp) < need:
                try:
                    os.write(self.wfd, b"D")
                except OSError:
                    pass
                time.sleep(delay)
                delay = min(delay * 2, 0.005)
                self.rp = self.hv[H_RP]
        pos = self.wp % cap
        first = cap - pos
        base = _HDR_SIZE
        if need <= first:
            mm[base + pos:base + pos + need] = blob
        else:
            mm[base + pos:base + cap] = blob[:first]
            mm[base:base + need - first] = blob[first:]
        self.wp += need
        self.hv[H_WP] = self.wp


def _noproc(*a, **k):
    raise PermissionError("process creation is disabled in this sandbox")


_PROC_ORIG = {}
_REAL_FORK = os.fork


def _install_process_guard():
    """Replaces the process-creating functions (in the worker once; children inherit it)."""
    import posix
    import _posixsubprocess
    names = ("fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp", "spawnv", "spawnve",
             "spawnvp", "spawnvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "execv", "execve",
             "execvp", "execvpe", "execl", "execle", "execlp", "execlpe", "fexecve")
    targets = [(os, n) for n in names] + [(posix, n) for n in names] + [(_posixsubprocess, "fork_exec")]
    for mod, name in targets:
        if hasattr(mod, name) and (mod, name) not in _PROC_ORIG:
            try:
                _PROC_ORIG[(mod, name)] = getattr(mod, name)
                setattr(mod, name, _noproc)
            except Exception:
                pass


def _remove_process_guard():
    for (mod, name), fn in _PROC_ORIG.items():
        try:
            setattr(mod, name, fn)
        except Exception:
            pass


_prctl = None


def _load_prctl():
    global _prctl
    try:
        import ctypes
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    except Exception:
        _prctl = None


def _set_pdeathsig():
    if _prctl is not None:
        try:
            _prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:
            pass


# --------------------------------------------------------------------------------------------
# Confinement of the child: Landlock (files, TCP, signals, ptrace) and a seccomp filter (sockets,
# ptrace, io_uring, foreign syscall ABIs). Unprivileged, inherited by everything the child starts.

# Syscall numbers per machine: the audit arch, then socket, ptrace, process_vm_readv,
# process_vm_writev, io_uring_setup, bpf. The Landlock syscalls are 444-446 everywhere.
_SECCOMP_ARCH = {
    "x86_64": (0xC000003E, (41, 101, 310, 311, 425, 321), True, (109, 112)),
    "aarch64": (0xC00000B7, (198, 117, 270, 271, 425, 280), False, (154, 157)),
}
# ... and for candidate processes also setpgid and setsid: nothing they start leaves the process
# group that the worker kills after each request
_LL_FS_ABI1 = (1 << 13) - 1          # EXECUTE .. MAKE_SYM
_LL_READ_DIR = 1 | 4 | 8             # EXECUTE | READ_FILE | READ_DIR
_LL_READ_FILE = 1 | 4                # EXECUTE | READ_FILE
_LL_RW_DEV = 4 | 2                   # READ_FILE | WRITE_FILE


class _Confinement:
    """Built once in the worker; `apply` runs in each child before any candidate code."""

    def __init__(self):
        import ctypes
        self.ctypes = ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.syscall.restype = ctypes.c_long
        try:
            abi = self.libc.syscall(ctypes.c_long(444), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        except Exception:
            abi = -1
        self.landlock = abi if abi > 0 else 0
        machine = os.uname().machine
        self.filter = None
        self.group_filter = None
        if machine in _SECCOMP_ARCH:
            arch, nrs, x32, group = _SECCOMP_ARCH[machine]
            self.filter = self._seccomp_program(arch, nrs, x32)
            self.group_filter = self._seccomp_program(arch, group, x32)
        fs = _LL_FS_ABI1
        if self.landlock >= 2:
            fs |= 1 << 13                # REFER
        if self.landlock >= 3:
            fs |= 1 << 14                # TRUNCATE
        if self.landlock >= 5:
            fs |= 1 << 15                # IOCTL_DEV
        self.fs = fs
        dirs = ["/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", sys.prefix,
                sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
        here = os.path.dirname(os.path.abspath(__file__))
        dirs += [p for p in sys.path[1:] if p and os.path.abspath(p) != here]
        files = ["/etc/ld.so.cache", "/etc/localtime", "/dev/urandom", "/dev/random", "/dev/zero"]
        self.read_dirs = sorted({os.path.realpath(p) for p in dirs if os.path.isdir(p)})
        self.read_files = [p for p in files if os.path.exists(p)]
        self.prctl = self.libc.prctl
        self.prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
                               ctypes.c_ulong)
        self.syscall = self.libc.syscall
        self._keep = []
        self.fprog = self._sock_fprog(self.filter)
        self.group_fprog = self._sock_fprog(self.group_filter)

    def _sock_fprog(self, program):
        """Address of a struct sock_fprog for `program` (kept alive with this object)."""
        if program is None:
            return None
        ctypes = self.ctypes
        raw, n = program
        buf = ctypes.create_string_buffer(raw, len(raw))
        fprog = ctypes.create_string_buffer(struct.pack("=HxxxxxxQ", n, ctypes.addressof(buf)), 16)
        self._keep += (buf, fprog)
        return ctypes.addressof(fprog)

    @property
    def features(self):
        out = []
        if self.landlock:
            out.append("landlock-v%d" % self.landlock)
        if self.filter is not None:
            out.append("seccomp")
        return out

    def _seccomp_program(self, arch, nrs, x32):
        ins = [(0x20, 0, 0, 4)]                                   # ld arch
        ins.append((0x15, 0, None, arch))                         # jeq arch, next, deny
        ins.append((0x20, 0, 0, 0))                               # ld nr
        if x32:
            ins.append((0x35, None, 0, 0x40000000))               # jge x32 bit -> deny
        for nr in nrs:
            ins.append((0x15, None, 0, nr))                       # jeq nr -> deny
        ins.append((0x06, 0, 0, 0x7FFF0000))                      # ret allow
        deny = len(ins)
        ins.append((0x06, 0, 0, 0x00050000 | 1))                  # ret errno(EPERM)
        raw = b"".join(struct.pack("=HBBI", c, deny - i - 1 if jt is None else jt,
                                   deny - i - 1 if jf is None else jf, k)
                       for i, (c, jt, jf, k) in enumerate(ins))
        return raw, len(ins)

    def _rule(self, ruleset, path, access, ctypes):
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return
        try:
            attr = struct.pack("=Qi", access, fd)
            if self.libc.syscall(ctypes.c_long(445), ctypes.c_int(ruleset), ctypes.c_int(1),
                                 ctypes.c_char_p(attr), ctypes.c_uint32(0)) != 0:
                raise OSError(ctypes.get_errno(), "landlock_add_rule %s" % path)
        finally:
            os.close(fd)

    def ruleset(self, work_dir, proc=False):
        """A Landlock ruleset fd allowing the system, the interpreter and read-write access to
        work_dir (built once per worker), and /proc when `proc` (not for candidates: Landlock
        does not hide other processes' environ there), or -1."""
        if not self.landlock:
            return -1
        ctypes = self.ctypes
        libc = self.libc
        net = 3 if self.landlock >= 4 else 0                      # BIND_TCP | CONNECT_TCP
        scoped = 3 if self.landlock >= 6 else 0                   # abstract unix sockets, signals
        attr = struct.pack("=QQQ", self.fs, net, scoped)
        size = 24 if self.landlock >= 6 else (16 if self.landlock >= 4 else 8)
        rs = libc.syscall(ctypes.c_long(444), ctypes.c_char_p(attr[:size]),
                          ctypes.c_size_t(size), ctypes.c_uint32(0))
        if rs < 0:
            raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
        try:
            for p in self.read_dirs:
                self._rule(rs, p, _LL_READ_DIR, ctypes)
            for p in self.read_files:
                self._rule(rs, p, _LL_READ_FILE, ctypes)
            self._rule(rs, "/dev/null", _LL_RW_DEV, ctypes)
            if proc:
                self._rule(rs, "/proc", _LL_READ_DIR, ctypes)
            self._rule(rs, work_dir, self.fs, ctypes)
        except BaseException:
            os.close(rs)
            raise
        return rs

    def nest(self, rs):
        """What a candidate process adds to the zygote's confinement: a Landlock layer of its own
        (the zygote, the test server and the worker's files are then out of its reach) and a
        filter that keeps it and its descendants in its process group."""
        if rs >= 0 and self.syscall(446, rs, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "landlock_restrict_self")
        if self.group_fprog is not None and self.prctl(22, 2, self.group_fprog, 0, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "seccomp filter")

    def apply(self, rs):
        """Confines the calling process (rs: a ruleset fd, or -1). Raises OSError on failure."""
        if self.prctl(38, 1, 0, 0, 0) != 0:                     # PR_SET_NO_NEW_PRIVS
            raise OSError(self.ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
        if rs >= 0 and self.syscall(446, rs, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "landlock_restrict_self")
        if self.fprog is not None and self.prctl(22, 2, self.fprog, 0, 0) != 0:
            raise OSError(self.ctypes.get_errno(), "seccomp filter")    # PR_SET_SECCOMP, FILTER


_CONFINEMENT = None


def _under_timer(fn, tsec):
    """fn() under the per-test timer: (result, (status, etype, msg) | None). A timer that fired,
    even if the candidate swallowed it, makes the outcome a timeout."""
    st = _tstate
    st[1] = False
    st[0] = True
    signal.setitimer(signal.ITIMER_REAL, tsec)
    out = None
    try:
        try:
            out = fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            st[0] = False
        res = None
    except BaseException as e:
        res = _classify(e, st)
    if res is None and st[1]:
        res = ("timeout", "Timeout", "time limit exceeded")
    return out, res


def _classify(e, st):
    """Exception -> (status, errorType, message)."""
    if _REMOTE_OUTCOMES:
        r = getattr(e, "_coderm_remote", None)
        if r is not None and not st[1]:
            return r
    if st[1] or isinstance(e, _Timeout):
        return ("timeout", "Timeout", "time limit exceeded")
    if isinstance(e, MemoryError):
        return ("oom", "MemoryError", _clip(_safe_str(e)))
    if isinstance(e, AssertionError):
        return ("fail", "AssertionError", _clip(_safe_str(e)))
    return ("error", _clip(type(e).__name__, 200), _clip(_safe_str(e)))


_NO_VALUE = object()
_FAST_INT = 10 ** 15
_JSON_CONST = {None: b"null", True: b"true", False: b"false"}


class _Child:
    """Runs inside the forked child. Never returns (os._exit)."""

    def __init__(self, job, mm, wfd, sock=None, rs=-1, tjob_mm=None):
        self.job = job
        self.mm = mm
        self.wfd = wfd
        self.sock = sock
        self.rs = rs
        self.tjob_mm = tjob_mm

    # ---- setup -------------------------------------------------------------------------
    def setup(self):
        job = self.job
        lim = job.limits
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        _set_pdeathsig()
        # file descriptors: 0 = /dev/null, 1/2 = private file, 3 = result notify pipe, nothing else
        wfd = self.wfd
        null = os.open(os.devnull, os.O_RDONLY)
        if null != 0:
            os.dup2(null, 0)
            os.close(null)
        out = os.open(job.fdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        if out not in (1, 2):
            os.close(out)
        # 3 = result notify pipe, 4 = socket to the test server (split tests), 5 = Landlock ruleset
        w_hi = fcntl.fcntl(wfd, fcntl.F_DUPFD_CLOEXEC, 64)
        s_hi = fcntl.fcntl(self.sock, fcntl.F_DUPFD_CLOEXEC, 64) if self.sock is not None else -1
        r_hi = fcntl.fcntl(self.rs, fcntl.F_DUPFD_CLOEXEC, 64) if self.rs >= 0 else -1
        for hi, low in ((w_hi, 3), (s_hi, 4), (r_hi, 5)):
            if hi >= 0:
                os.dup2(hi, low, inheritable=False)
            else:
                try:
                    os.close(low)
                except OSError:
                    pass
        self.wfd = 3
        self.sock = 4 if s_hi >= 0 else None
        self.rs = 5 if r_hi >= 0 else -1
        os.closerange(6, 1 << 20)
        if self.tjob_mm is not None:
            self.tjob_mm.close()            # the split tests are the test server's, not ours
        # stdin for stdio tests: one memfd per test (created before the rlimits apply)
        self.stdin_fds = {}
        for i, data in job.stdin_data.items():
            fd = os.memfd_create("stdin", 0) if hasattr(os, "memfd_create") else None
            if fd is None:
                fd, p = tempfile.mkstemp(dir=job.work_dir)
                os.unlink(p)
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            self.stdin_fds[i] = fd
        os.chdir(job.work_dir)
        self.work_dir = job.work_dir
        with os.scandir(job.work_dir) as it:
            leftovers = next(it, None) is not None
        if leftovers:
            self.reset_work_dir()               # files left by the previous child
        self.work_mtime = self.mark_work_dir()
        for res, val in job.rlimits:
            try:
                resource.setrlimit(res, (val, val))
            except (ValueError, OSError):
                pass
        if _CONFINEMENT is not None:
            _CONFINEMENT.nest(self.rs)
        if self.rs >= 0:
            os.close(self.rs)
        if int(lim["maxProcesses"]) > 0:
            _remove_process_guard()
        if _DEFAULT_INT_DIGITS:
            sys.set_int_max_str_digits(_DEFAULT_INT_DIGITS)
        self.attach_io()
        b = self.budget
        b.limit = int(lim["outputBytes"])
        b.used = b.dropped = 0
        self.out.reset()
        self.err.reset()
        sys.stdout = self.out
        sys.stderr = self.err
        sys.stdin = self.nullin
        self.hv = memoryview(self.mm).cast("q")
        self.ring = _RingWriter(self.mm, self.hv, RING_CAP, self.wfd)

    # ---- helpers -----------------------------------------------------------------------
    def attach_io(self):
        """The capture buffers and standard streams every child starts from."""
        cio = _CHILD_IO
        self.budget = cio[0]
        self.out = cio[1]
        self.err = cio[2]
        self.nullin = cio[3]
        self.recursion_limit = _RECURSION_LIMIT
        self.bsnap = _BUILTINS_FULL

    def reset_streams(self):
        """Empty capture, the harness's streams, recursion limit and timer handler for a test."""
        b = self.budget
        if b.used or b.dropped:
            b.used = 0
            b.dropped = 0
            self.out.reset()
            self.err.reset()
        if sys.stdout is not self.out:
            sys.stdout = self.out
        if sys.stderr is not self.err:
            sys.stderr = self.err
        if sys.stdin is not self.nullin:
            sys.stdin = self.nullin
        if sys.getrecursionlimit() != self.recursion_limit:
            sys.setrecursionlimit(self.recursion_limit)
        if _getsignal(_SIGALRM) is not _on_alarm:
            signal.signal(_SIGALRM, _on_alarm)

    def prologue(self):
        self.reset_streams()
        # every test starts in an empty working directory (checked through the directory mtime)
        try:
            mt = os.stat(self.work_dir).st_mtime_ns
        except OSError:
            mt = None
        if mt != self.work_mtime:
            self.reset_work_dir()

    def reset_work_dir(self):
        wd = self.work_dir
        try:
            os.chdir(wd)
            with os.scandir(wd) as it:
                names = [e.name for e in it]
            for name in names:
                p = os.path.join(wd, name)
                try:
                    if os.path.isdir(p) and not os.path.islink(p):
                        shutil.rmtree(p, ignore_errors=True)
                    else:
                        os.unlink(p)
                except OSError:
                    pass
            self.work_mtime = self.mark_work_dir()
        except OSError:
            self.work_mtime = None

    def mark_work_dir(self):
        # an mtime in the past: any later change of the directory moves it, whatever the
        # timestamp granularity of the file system
        os.utime(self.work_dir, ns=(_DIR_MARK_NS, _DIR_MARK_NS))
        return os.stat(self.work_dir).st_mtime_ns

    def tampered(self):
        """Cheap check that the candidate did not patch builtins that tests rely on."""
        bd = builtins.__dict__
        n, snap = _BUILTINS_GUARD
        try:
            cur = _BUILTINS_GET(bd)
        except KeyError:
            cur = None
        if len(bd) != n or cur is None or any(map(_is_not, cur, snap)):
            bd.clear()
            bd.update(self.bsnap)
            return True
        return False

    def record(self, i, status, wall, cpu, etype=None, msg=None, value=_NO_VALUE, methods=None,
               stdout_limit=None):
        b = self.budget
        if status == "value" and methods is None and not (b.used or b.dropped):
            tv = type(value)
            if tv is str and len(value) <= 4096:
                v = _jstr(value).encode()
            elif tv is int and -_FAST_INT < value < _FAST_INT:
                v = b"%d" % value
            elif value is None or tv is bool:
                v = _JSON_CONST[value]
            else:
                v = None
            if v is not None:
                self.ring.put(b'{"i":%d,"s":"value","w":%.4f,"c":%.4f,"v":%s}' % (
                    i, wall * 1e3, cpu * 1e3, v))
                return
        if value is _NO_VALUE and methods is None and not (b.used or b.dropped):
            # compact records the worker parses with one regular expression
            if etype is None and not msg:
                data = b'{"i":%d,"s":"%s","w":%.4f,"c":%.4f}' % (i, status.encode(), wall * 1e3, cpu * 1e3)
            else:
                data = b'{"i":%d,"s":"%s","w":%.4f,"c":%.4f,"e":%s,"m":%s}' % (
                    i, status.encode(), wall * 1e3, cpu * 1e3, _jstr(etype or "").encode(),
                    _jstr(msg or "").encode())
            self.ring.put(data)
            return
        extra = None
        if etype is not None or msg or value is not _NO_VALUE or methods is not None or b.used or b.dropped:
            extra = {}
            if etype is not None:
                extra["e"] = etype
            if msg:
                extra["m"] = msg
            if b.used or b.dropped:
                lim = self.job.limits["outputBytes"] if stdout_limit is None else stdout_limit
                o = self.out.getvalue()
                x = self.err.getvalue()
                drop = b.dropped
                if len(o) > lim:
                    drop += len(o) - lim
                    o = o[:lim]
                if o:
                    extra["o"] = o
                if x:
                    extra["x"] = x
                if drop:
                    extra["d"] = drop
            if value is not _NO_VALUE:
                extra["v"] = value
            if methods is not None:
                extra["M"] = methods
        if extra is None:
            data = b'{"i":%d,"s":"%s","w":%.4f,"c":%.4f}' % (i, status.encode(), wall * 1e3, cpu * 1e3)
        else:
            extra["i"] = i
            extra["s"] = status
            extra["w"] = round(wall * 1e3, 4)
            extra["c"] = round(cpu * 1e3, 4)
            try:
                data = _frame_encoder.encode(extra).encode("ascii")
            except Exception as e:
                data = None
                err = "record not encodable: %s" % _safe_str(e)
            else:
                err = "result too large (%d bytes)" % len(data)
            if data is None or len(data) > RECORD_MAX:
                st = "error" if "v" in extra else status
                small = {"i": i, "s": st, "w": extra["w"], "c": extra["c"],
                         "e": extra.get("e") or "HarnessLimit", "m": _clip(err)}
                data = _frame_encoder.encode(small).encode("ascii")
        self.ring.put(data)

    # ---- main loop ---------------------------------------------------------------------
    def run(self):
        job = self.job
        plan = job.plan
        decided = job.decided
        st = _tstate
        setitimer = signal.setitimer
        REAL = signal.ITIMER_REAL
        perf = time.perf_counter
        ptime = time.process_time
        mono = time.monotonic_ns
        hv = self.hv
        prog = job.prog
        gexprs = job.group_exprs
        gvals = {}
        record = self.record
        prologue = self.prologue
        self.pfail = None
        if job.warm is not None:
            self.warm_up()
        for i in range(job.first, job.n):
            if i in decided:
                continue
            ent = plan[i]
            hv[H_START] = mono()
            hv[H_IDX] = i
            kind = ent[0]
            tsec = ent[-1]
            if kind == K_GROUP:
                gid = ent[1]
                if gid in gvals:
                    continue                  # the worker judged every test of the group
                gvals[gid] = True
            pf = self.pfail
            if pf is not None and kind != K_STDIO and kind not in _SPLIT_KINDS:
                # executing the program itself failed: same verdict for every test (deterministic)
                record(i, pf[0], pf[1], pf[2], pf[3], pf[4])
                continue
            if kind == K_GROUP:
                # the value of the expression goes to the worker, which compares it with each
                # test's literal (the literals never enter this process)
                prologue()
                phase = -1
                val = None
                hv[H_PHASE] = 0
                st[1] = False
                st[0] = True
                t0 = perf()
                c0 = ptime()
                setitimer(REAL, tsec)
                try:
                    try:
                        ns = {}
                        exec(prog, ns)
                        phase = 0
                        hv[H_PHASE] = 1
                        val = encode_value(eval(gexprs[gid], ns))
                        phase = 1
                    finally:
                        setitimer(REAL, 0.0)
                        st[0] = False
                    res = None
                except BaseException as e:
                    res = _classify(e, st)
                ns = None
                t1 = perf() - t0
                c1 = ptime() - c0
                if res is None and st[1]:
                    res = ("timeout", "Timeout", "time limit exceeded")
                if res is None and self.tampered():
                    res = ("error", "Tampered", "builtins were modified")
                if res is None:
                    record(i, "value", t1, c1, value=val)
                else:
                    if phase == -1:
                        self.pfail = (res[0], t1, c1, res[1], res[2])
                    record(i, res[0], t1, c1, res[1], res[2])
                val = None
                continue
            if kind in _SPLIT_KINDS:
                prologue()
                self.serve_split(i, tsec)
                continue
            prologue()
            try:
                if kind == K_SEQ:
                    self.run_values(i, ent)
                elif kind == K_CALL:
                    self.run_call(i, ent)
                elif kind == K_STDIO:
                    self.run_stdio(i, ent)
            except (KeyboardInterrupt, _Timeout):
                raise
            except Exception as e:              # a harness problem with this test, not a verdict
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                _tstate[0] = False
                self.record(i, "error", 0.0, 0.0, "HarnessError", _clip(
                    "%s: %s" % (type(e).__name__, _safe_str(e))))

    def serve_split(self, i, tsec):
        """Candidate side of a split test: runs what the test process asks for, under the timer,
        and answers with strictly encoded values or references to its objects."""
        global _REF_HOOK
        sock = self.sock
        prog = self.job.prog
        objs = []
        ids = {}
        ModuleType = type(sys)

        def ref(o):
            if type(o) is ModuleType:
                return {"$module": str(getattr(o, "__name__", "?"))}
            k = id(o)
            r = ids.get(k)
            if r is None:
                r = ids[k] = len(objs)
                objs.append(o)
            return {"$ref": r, "$type": type(o).__name__}

        def resolve(d):
            r = d.get("$ref")
            if type(r) is int and 0 <= r < len(objs):
                return objs[r]
            raise ValueError("unknown reference")

        _REF_HOOK = resolve
        try:
            # the program runs first, and its namespace goes out with the request to run test i
            pf = self.pfail
            if pf is not None:
                _chan_send(sock, {"run": i, "raise": [pf[0], pf[3], pf[4]], "w": 0.0, "c": 0.0})
            else:

                def body():
                    ns = {}
                    exec(prog, ns)
                    self.prog_done()
                    return {k: encode_value(v, 0, ref) for k, v in ns.items() if k[:2] != "__"}

                out, res, wall, cpu = self.timed(body, tsec)
                msg = {"run": i, "w": wall, "c": cpu}
                if res is None:
                    msg["ok"] = out
                else:
                    msg["raise"] = list(res)
                out = None
                _chan_send(sock, msg)
            while True:
                raw = _chan_recv(sock)
                if raw is None:
                    os._exit(0)                 # the test process is gone: nothing left to do
                msg = decode_value(json.loads(raw))
                op = msg.get("op")
                if op == "end":
                    self.tampered()         # builtins the candidate replaced are restored
                    return
                budget = msg.get("t") or tsec
                obj = objs[msg["r"]]
                a = msg.get("a") or []

                def body():
                    if op == "call":
                        v = obj(*a, **(msg.get("k") or {}))
                    elif op == "get":
                        v = getattr(obj, msg["n"])
                    elif op == "set":
                        setattr(obj, msg["n"], a[0])
                        v = None
                    elif op == "list":
                        v = list(obj)
                    elif op == "len":
                        v = len(obj)
                    elif op == "bool":
                        v = bool(obj)
                    elif op == "item":
                        v = obj[a[0]]
                    elif op == "contains":
                        v = a[0] in obj
                    elif op == "str":
                        v = str(obj)
                    elif op == "repr":
                        v = repr(obj)
                    else:
                        raise ValueError("unknown operation")
                    return encode_value(v, 0, ref)

                out, res = _under_timer(body, budget)
                if res is None:
                    _chan_send(sock, {"ok": out})
                else:
                    _chan_send(sock, {"raise": list(res)})
                out = None
        finally:
            _REF_HOOK = None

    def warm_up(self):
        """Imports the program's third-party modules once, under limits.importTimeMs."""
        job = self.job
        self.hv[H_START] = time.monotonic_ns()
        self.hv[H_IDX] = job.first
        self.hv[H_PHASE] = 2
        self.prologue()

        def body():
            exec(job.warm, {})

        _, res, wall, cpu = self.timed(body, job.limits["importTimeMs"] / 1000.0, program_phase=False)
        self.hv[H_PHASE] = 1
        if res is not None and res[0] == "timeout":
            self.pfail = ("timeout", wall, cpu, "Timeout",
                          "importing the program's modules took longer than %.0f ms"
                          % job.limits["importTimeMs"])
        # other failures surface again, with their own verdict, when the tests run the program
        b = self.budget
        if b.used or b.dropped:
            self.prologue()

    def prog_done(self):
        self.prog_ok = True
        self.hv[H_PHASE] = 1

    def timed(self, fn, tsec, program_phase=True):
        """Runs fn() under the timer. Returns (result, (status, etype, msg) | None, wall, cpu).

        fn calls self.prog_done() once the program itself has executed; a failure before that
        point is a program-level failure that every later test of this child shares."""
        self.prog_ok = False
        self.hv[H_PHASE] = 0 if program_phase else 1
        t0 = time.perf_counter()
        c0 = time.process_time()
        out, res = _under_timer(fn, tsec)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        if self.tampered() and res is None:       # (restores builtins either way)
            res = ("error", "Tampered", "builtins were modified")
        elif res is not None and program_phase and not self.prog_ok:
            self.pfail = (res[0], wall, cpu, res[1], res[2])
        return out, res, wall, cpu

    def run_values(self, i, ent):
        """A check test run as values: each expression's value in order, with `param` bound to
        the entry point; stops at the first exception (reported with the values before it)."""
        _, entry, param, exprs, tsec = ent
        prog = self.job.prog
        vals = []

        def body():
            ns = {}
            exec(prog, ns)
            self.prog_done()
            try:
                fn = ns[entry]
            except KeyError:
                raise NameError("name %r is not defined" % entry) from None
            g = dict(ns)
            g[param] = fn
            for code in exprs:
                vals.append(None if code is None else encode_value(eval(code, g)))

        _, res, wall, cpu = self.timed(body, tsec)
        if res is None:
            self.record(i, "value", wall, cpu, value=vals)
        else:
            self.record(i, res[0], wall, cpu, res[1], res[2], value=vals)

    def run_call(self, i, ent):
        _, entry, args, tsec = ent
        prog = self.job.prog
        try:
            sys.set_int_max_str_digits(0)       # "$int" tags may hold very long integers
        except Exception:
            pass
        try:
            args = decode_value(args)
        finally:
            if _DEFAULT_INT_DIGITS:
                sys.set_int_max_str_digits(_DEFAULT_INT_DIGITS)

        def body():
            ns = {}
            exec(prog, ns)
            self.prog_done()
            try:
                fn = ns[entry]
            except KeyError:
                raise NameError("name %r is not defined" % entry) from None
            return fn(*args)

        out, res, wall, cpu = self.timed(body, tsec)
        if res is not None:
            self.record(i, res[0], wall, cpu, res[1], res[2])
            return
        # encoding is harness work: give it its own (generous) watchdog budget
        self.hv[H_PHASE] = 3
        self.hv[H_START] = time.monotonic_ns()
        try:
            sys.set_int_max_str_digits(0)
        except Exception:
            pass
        try:
            value = encode_value(out)
            out = None
            self.record(i, "value", wall, cpu, value=value)
        except BaseException as e:
            self.record(i, "error", wall, cpu, "UnserializableValue", _clip(_safe_str(e)))
        finally:
            if _DEFAULT_INT_DIGITS:
                sys.set_int_max_str_digits(_DEFAULT_INT_DIGITS)

    def run_stdio(self, i, ent):
        _, expected_len, tsec = ent
        job = self.job
        prog = job.prog
        fd = self.stdin_fds.get(i)
        if fd is not None:
            os.lseek(fd, 0, os.SEEK_SET)
            os.dup2(fd, 0)
        stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
        sys.stdin = stdin
        b = self.budget
        limit = job.limits["outputBytes"]
        if expected_len is not None:
            b.limit = max(limit, 2 * expected_len + 4096)

        def body():
            ns = {"__name__": "__main__", "__builtins__": builtins}
            try:
                exec(prog, ns)
            except SystemExit as e:
                if e.code is not None and e.code != 0:
                    raise

        try:
            _, res, wall, cpu = self.timed(body, tsec, program_phase=False)
            stdout = self.out.getvalue()
            if res is not None:
                self.record(i, res[0], wall, cpu, res[1], res[2], stdout_limit=limit)
            else:
                # the worker compares it with the expected output
                self.record(i, "value", wall, cpu, stdout_limit=limit,
                            value=stdout if expected_len is not None else stdout[:limit])
        finally:
            b.limit = limit
            sys.stdin = self.nullin
            null = os.open(os.devnull, os.O_RDONLY)
            if null != 0:
                os.dup2(null, 0)
                os.close(null)

class _UnitResult(unittest.TestResult):
    """Per-method outcomes, with the per-test timer armed in startTest and disarmed in stopTest."""

    def __init__(self, tsec):
        super().__init__()
        self._tsec = tsec
        self._recs = []
        self._cur = None

    def _name(self, test):
        m = getattr(test, "_testMethodName", None)
        if m is None:
            return _clip(str(getattr(test, "description", test)), 300)
        return _clip("%s.%s" % (type(test).__name__, m), 300)

    def _set(self, test, status, etype=None, msg=None):
        rec = self._cur if (self._cur is not None and self._cur[0] is test) else None
        if rec is None:
            rec = [test, {"n": self._name(test), "s": "pass"}]
            self._recs.append(rec)
        d = rec[1]
        if d["s"] in ("pass", "skip") or status == "timeout":
            d["s"] = status
            if etype:
                d["e"] = etype
            if msg:
                d["m"] = _clip(msg, 300)

    def startTest(self, test):
        super().startTest(test)
        self._cur = [test, {"n": self._name(test), "s": "pass"}]
        self._recs.append(self._cur)
        st = _tstate
        st[1] = False
        st[0] = True
        signal.setitimer(signal.ITIMER_REAL, self._tsec)

    def stopTest(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        st = _tstate
        st[0] = False
        if st[1]:
            self._set(test, "timeout", "Timeout", "time limit exceeded")
            st[1] = False
        self._cur = None
        super().stopTest(test)

    def _err(self, test, err):
        et, ev = err[0], err[1]
        if _tstate[1] or (et is not None and issubclass(et, _Timeout)):
            self._set(test, "timeout", "Timeout", "time limit exceeded")
        elif et is not None and issubclass(et, MemoryError):
            self._set(test, "oom", "MemoryError", _safe_str(ev))
        elif et is not None and issubclass(et, AssertionError):
            self._set(test, "fail", "AssertionError", _safe_str(ev))
        else:
            self._set(test, "error", getattr(et, "__name__", "Error"), _safe_str(ev))

    def addError(self, test, err):
        self._err(test, err)

    def addFailure(self, test, err):
        if _tstate[1]:
            self._set(test, "timeout", "Timeout", "time limit exceeded")
        else:
            self._set(test, "fail", "AssertionError", _safe_str(err[1]))

    def addSubTest(self, test, subtest, err):
        if err is not None:
            if issubclass(err[0], test.failureException) and not _tstate[1]:
                self.addFailure(test, err)
            else:
                self._err(test, err)

    def addSuccess(self, test):
        pass

    def addSkip(self, test, reason):
        m = getattr(test, "_testMethodName", None)
        fn = getattr(type(test), m, None) if m else None
        declared = bool(getattr(fn, "__unittest_skip__", False) or
                        getattr(type(test), "__unittest_skip__", False))
        if declared:
            self._set(test, "skip", None, str(reason))
        else:
            self._set(test, "error", "SkipTest", "skipped at run time: %s" % reason)

    def addExpectedFailure(self, test, err):
        pass

    def addUnexpectedSuccess(self, test):
        self._set(test, "fail", "UnexpectedSuccess", "unexpected success")

    def abort(self, res):
        if self._cur is not None:
            self._set(self._cur[0], res[0], res[1], res[2])
        else:
            self._recs.append([None, {"n": "<run>", "s": res[0], "e": res[1], "m": _clip(res[2], 300)}])

    def methods(self):
        return [r[1] for r in self._recs]


# --------------------------------------------------------------------------------------------
# Split tests. `check`, `unittest` and assert statements that are not `<expr> ==/!= <literal>` run
# in a test process forked before any candidate code runs, confined on its own (the candidate can
# neither signal nor trace it, nor read its memory). It executes the test code and reaches the
# candidate's functions, classes and objects through proxies: every call goes over a socket to the
# candidate process, which answers with strictly encoded plain values (encode_value) or references
# to its objects. Test code and expected values never enter the candidate process, and values that
# come back are exact built-in types, so an object cannot lie about equality. The test process
# reports its verdicts to the worker on a pipe the candidate process does not hold.

_SPLIT_KINDS = frozenset((K_STMT, K_CHECK, K_UNIT))
_VALUE_KINDS = frozenset((K_GROUP, K_CALL, K_STDIO, K_SEQ))
_REMOTE_OUTCOMES = False      # True in the test process: trust the candidate process's outcomes
_CHAN_MAX = RECORD_MAX


def _chan_send(fd, obj):
    data = _frame_encoder.encode(obj).encode("ascii")
    view = memoryview(_LEN.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_n(fd, n):
    chunks = []
    while n:
        b = os.read(fd, min(n, 1 << 20))
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def _chan_recv(fd):
    """Next message as text, None at end of stream."""
    hdr = _read_n(fd, 4)
    if hdr is None:
        return None
    (n,) = _LEN.unpack(hdr)
    if n > _CHAN_MAX:
        raise ValueError("message too large")
    data = _read_n(fd, n)
    if data is None:
        return None
    return data.decode("ascii")


class _PipeWriter:
    """The test server's result channel: the ring's records, framed on a pipe, each carrying the
    sequence number of the candidate process it judged ("q") and whether that process stopped
    answering ("k")."""

    __slots__ = ("fd", "lost", "seq")

    def __init__(self, fd):
        self.fd = fd
        self.lost = False
        self.seq = 0

    def put(self, data):
        data = data[:-1] + (b',"q":%d,"k":1}' if self.lost else b',"q":%d}') % self.seq
        view = memoryview(_LEN.pack(len(data)) + data)
        while view:
            view = view[os.write(self.fd, view):]


class _CandidateLost(Exception):
    """The candidate process stopped answering (it is stuck or gone)."""


_REMOTE_EXC = {}


def _remote_exception(triple):
    """An exception raised by candidate code, re-created in the test process (builtin classes
    keep their class so that assertRaises works; others become RemoteError)."""
    status, etype, msg = triple
    if status == "timeout":
        _tstate[1] = True           # a timeout, even if the test code swallows the exception
        return _Timeout("time limit exceeded")
    if status not in ("fail", "error", "oom"):
        status = "error"
    base = getattr(builtins, etype, None) if type(etype) is str else None
    if status == "oom":
        base = MemoryError
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception
    cls = _REMOTE_EXC.get((base, etype))
    if cls is None:
        name = etype if base is not Exception else "RemoteError"
        cls = _REMOTE_EXC[(base, etype)] = type(str(name), (base,), {})
    e = cls.__new__(cls)
    e.args = (msg,)
    e._coderm_remote = (status, _clip(str(etype), 200), _clip(str(msg)))
    return e


class _Remote:
    """A candidate-side object seen from the test process. Equal only to itself."""

    __slots__ = ("_ref", "_type", "__weakref__")

    def __init__(self, ref, tname):
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", tname)

    def __call__(self, *args, **kwargs):
        return _TEST_SIDE.rpc("call", self._ref, a=list(args), k=kwargs)

    def __getattr__(self, name):
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return _TEST_SIDE.rpc("get", self._ref, n=name)

    def __setattr__(self, name, value):
        _TEST_SIDE.rpc("set", self._ref, n=name, a=[value])

    def __iter__(self):
        return iter(_TEST_SIDE.rpc("list", self._ref))

    def __len__(self):
        return _TEST_SIDE.rpc("len", self._ref)

    def __bool__(self):
        return _TEST_SIDE.rpc("bool", self._ref)

    def __getitem__(self, key):
        return _TEST_SIDE.rpc("item", self._ref, a=[key])

    def __contains__(self, item):
        return _TEST_SIDE.rpc("contains", self._ref, a=[item])

    def __str__(self):
        return _TEST_SIDE.rpc("str", self._ref)

    def __repr__(self):
        return _TEST_SIDE.rpc("repr", self._ref)


_TEST_SIDE = None
_BUILTIN_NAMES = frozenset(builtins.__dict__)
_STDLIB_NAMES = frozenset(getattr(sys, "stdlib_module_names", ())) - {"__future__"}


def _proxy_hook(d):
    """Test process: {"$ref", "$type"} -> _Remote, {"$module": name} -> the module imported here."""
    if "$module" in d:
        name = d["$module"]
        try:
            return __import__(name, fromlist=["_"])
        except BaseException:
            return _Opaque("module %s" % name)
    ref = d.get("$ref")
    if type(ref) is not int:
        raise ValueError("bad reference")
    return _Remote(ref, str(d.get("$type", "object"))[:100])


class _SplitJob:
    __slots__ = ("limits",)

    def __init__(self, limits):
        self.limits = limits


class _TestSide(_Child):
    """The test server (see above): serves one candidate process after another."""

    def __init__(self, ring, work_dir):
        global _REF_HOOK, _REMOTE_OUTCOMES, _TEST_SIDE
        _REF_HOOK = _proxy_hook
        _REMOTE_OUTCOMES = True
        _TEST_SIDE = self
        self.ring = ring
        self.hv = memoryview(bytearray(_HDR_SIZE)).cast("q")
        self.attach_io()
        self.work_dir = work_dir
        self.work_mtime = None
        self.lost = False

    def prologue(self):
        self.reset_streams()       # the candidate process keeps the working directory empty

    def rpc(self, op, ref=None, **kw):
        if self.lost:
            raise _CandidateLost("the candidate process is not answering")
        rem = signal.getitimer(signal.ITIMER_REAL)[0] or self.tsec
        kw["op"] = op
        kw["r"] = ref
        # the candidate's own timer fires a little earlier, so it normally answers "timeout"
        kw["t"] = max(0.001, rem - 0.01)
        if "a" in kw:
            kw["a"] = encode_value(kw["a"], 0, self._ref_out)
        if "k" in kw:
            kw["k"] = encode_value(kw["k"], 0, self._ref_out)
        _chan_send(self.sock, kw)
        try:
            raw = _chan_recv(self.sock)
        except _Timeout:
            self.lost = self.ring.lost = True
            raise
        if raw is None:
            self.lost = self.ring.lost = True
            raise _CandidateLost("the candidate process exited")
        msg = decode_value(_record_decoder.decode(raw))
        if type(msg) is not dict:
            raise _CandidateLost("malformed answer")
        if "raise" in msg:
            r = msg["raise"]
            if type(r) is not list or len(r) != 3:
                raise _CandidateLost("malformed answer")
            raise _remote_exception(r)
        return msg.get("ok")

    @staticmethod
    def _ref_out(v):
        if type(v) is _Remote:
            return {"$ref": v._ref}
        raise TypeError("cannot pass %s to the candidate's code" % type(v).__name__)

    def timed(self, fn, tsec, program_phase=True):
        # the time the program took in the candidate process counts towards the test's
        out, res, wall, cpu = _Child.timed(self, fn, self.tsec, False)
        return out, res, wall + self.pre[0], cpu + self.pre[1]

    def namespace(self, entry=None):
        """The candidate program's globals, executed afresh in the candidate process (it sends
        them with the request to run the test)."""
        msg = self.run_msg
        if "raise" in msg:
            r = msg["raise"]
            if type(r) is not list or len(r) != 3:
                raise _CandidateLost("malformed answer")
            raise _remote_exception(r)
        man = decode_value(msg.get("ok"))
        if type(man) is not dict:
            raise _CandidateLost("malformed namespace")
        # the test's builtins and standard modules are the real ones, whatever the program bound
        # to those names (only the function under test may carry such a name)
        ModuleType = type(sys)
        for name in [k for k in man if k != entry and (k in _BUILTIN_NAMES or k in _STDLIB_NAMES)]:
            v = man.pop(name)
            if name in _STDLIB_NAMES:
                if type(v) is ModuleType and getattr(v, "__name__", None) == name:
                    man[name] = v
                else:
                    try:
                        man[name] = __import__(name)
                    except BaseException:
                        pass
        return man

    def serve(self, sock, seq, tplan, limits):
        """Runs the split tests that candidate process `seq` asks for, until it closes `sock`."""
        self.sock = sock
        self.tplan = tplan
        self.job = _SplitJob(limits)
        self.ring.seq = seq
        self.lost = self.ring.lost = False
        self.budget.limit = int(limits["outputBytes"])
        # soft limits of this request for the test code (the hard limits stay the worker's)
        mem = limits["memoryMb"]
        for res, val in ((resource.RLIMIT_AS, None if mem is None else int(mem) << 20),
                         (resource.RLIMIT_FSIZE, int(limits["maxFileBytes"]))):
            try:
                resource.setrlimit(res, (resource.RLIM_INFINITY if val is None else val,
                                         resource.getrlimit(res)[1]))
            except (ValueError, OSError):
                pass
        try:
            self._serve()
        finally:
            self.tampered()                 # builtins a test replaced are restored
            self.budget.limit = int(limits["outputBytes"])
            sys.stdout = self.out
            sys.stderr = self.err

    def _serve(self):
        last = -1
        while True:
            try:
                raw = _chan_recv(self.sock)
            except (OSError, ValueError):
                return
            if raw is None:
                return
            try:
                msg = _record_decoder.decode(raw)
            except ValueError:
                return
            i = msg.get("run") if type(msg) is dict else None
            if type(i) is not int or i <= last or i not in self.tplan:
                return                      # protocol broken: the worker sees missing verdicts
            last = i
            ent = self.tplan[i]
            # the program already ran in the candidate process: the test gets what is left
            w = msg.get("w")
            c = msg.get("c")
            self.pre = (float(w) if type(w) in (int, float) and w >= 0 else 0.0,
                        float(c) if type(c) in (int, float) and c >= 0 else 0.0)
            self.run_msg = msg
            self.tsec = max(0.001, ent[-1] - self.pre[0])
            self.prologue()
            kind = ent[0]
            try:
                if kind == K_CHECK:
                    self.run_check(i, ent)
                elif kind == K_UNIT:
                    self.run_unittest(i, ent)
                else:
                    self.run_stmt(i, ent)
            except KeyboardInterrupt:
                raise
            except BaseException as e:
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                _tstate[0] = False
                self.record(i, "error", 0.0, 0.0, "HarnessError", _clip(
                    "%s: %s" % (type(e).__name__, _safe_str(e))))
            if self.lost:
                return
            try:
                _chan_send(self.sock, {"op": "end"})
            except OSError:
                return

    def run_check(self, i, ent):
        _, tcode, ccode, entry, tsec = ent

        def body():
            ns = self.namespace(entry)
            exec(tcode, ns)
            eval(ccode, ns)

        _, res, wall, cpu = self.timed(body, tsec)
        if res is None:
            self.record(i, "pass", wall, cpu)
        else:
            self.record(i, res[0], wall, cpu, res[1], res[2])

    def run_stmt(self, i, ent):
        _, code, tsec = ent

        def body():
            exec(code, self.namespace())

        _, res, wall, cpu = self.timed(body, tsec)
        if res is None:
            self.record(i, "pass", wall, cpu)
        else:
            self.record(i, res[0], wall, cpu, res[1], res[2])

    def run_unittest(self, i, ent):
        _, tcode, classnames, tsec = ent
        ns = {}

        def body():
            ns.update(self.namespace())
            exec(tcode, ns)

        _, res, wall, cpu = self.timed(body, tsec)
        if res is not None:
            self.record(i, res[0], wall, cpu, res[1], res[2], methods=[])
            return
        tc_snap = _UNITTEST_SNAP
        for cls_, snap in tc_snap:
            if dict(cls_.__dict__) != snap:
                self.record(i, "error", wall, cpu, "Tampered", "unittest was modified", methods=[])
                return
        classes = []
        for name in classnames:
            c = ns.get(name)
            if isinstance(c, type) and issubclass(c, unittest.TestCase):
                classes.append(c)
        result = _UnitResult(tsec)
        t0 = time.perf_counter()
        c0 = time.process_time()
        loader = unittest.TestLoader()
        aborted = None
        for c in classes:
            try:
                suite = loader.loadTestsFromTestCase(c)
                suite.run(result)
            except BaseException as e:
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                st = _tstate
                aborted = _classify(e, st)
                st[0] = False
                result.abort(aborted)
                break
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        _tstate[0] = False
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        methods = result.methods()
        if self.tampered():
            self.record(i, "error", wall, cpu, "Tampered", "builtins were modified", methods=methods)
            return
        overall = None
        counted = 0
        for m in methods:
            if m["s"] == "skip":
                continue
            counted += 1
            if m["s"] != "pass" and overall is None:
                overall = m
        if aborted is not None and overall is None:
            self.record(i, aborted[0], wall, cpu, aborted[1], aborted[2], methods=methods)
        elif overall is not None:
            self.record(i, overall["s"], wall, cpu, overall.get("e"),
                        "%s: %s" % (overall["n"], overall.get("m") or overall["s"]), methods=methods)
        elif counted == 0:
            self.record(i, "error", wall, cpu, "NoTests", "no test methods ran", methods=methods)
        else:
            self.record(i, "pass", wall, cpu, methods=methods)


_JOB_CAP = 32 << 20          # shared area through which the worker hands a job to the child
_JOB_HDR = struct.Struct("<QQ")  # payload length, 0 = payload in the area / 1 = in the job file
_JOB_FIELDS = ("id", "prog", "warm", "plan", "n", "first", "decided", "group_exprs", "limits",
               "stdin_data", "work_dir", "fdout_path", "rlimits")
_JOB_FILE = None


def _job_payload(job):
    return marshal.dumps(tuple(
        (frozenset(job.decided) if f == "decided" else getattr(job, f)) for f in _JOB_FIELDS))


def _load_payload(area, path):
    n, where = _JOB_HDR.unpack_from(area, 0)
    if where == 0:
        data = area[16:16 + n]
    else:
        with open(path, "rb") as f:
            data = f.read()
    return marshal.loads(data)


def _store_payload(area, path, payload):
    if len(payload) + 16 <= _JOB_CAP:
        area[16:16 + len(payload)] = payload
        _JOB_HDR.pack_into(area, 0, len(payload), 0)
    else:
        with open(path, "wb") as f:
            f.write(payload)
        _JOB_HDR.pack_into(area, 0, len(payload), 1)


def _load_job(job_mm):
    job = _Job()
    for f, v in zip(_JOB_FIELDS, _load_payload(job_mm, _JOB_FILE)):
        setattr(job, f, v)
    return job


def _child_entry(mm, wfd, job_mm, sock, rs, tjob_mm):
    code = 0
    try:
        job = _load_job(job_mm)
        ch = _Child(job, mm, wfd, sock, rs, tjob_mm)
        ch.setup()
        gc.enable()
        ch.run()
        try:
            os.write(ch.wfd, b"E")
        except OSError:
            code = 3
    except BaseException as e:  # harness failure inside the child: report through the exit code
        try:
            os.write(2, ("harness child failure: %r\n" % (e,)).encode("utf-8", "replace"))
        except BaseException:
            pass
        code = 70
    os._exit(code)


def _test_server_main(tsock, verdict_w, tjob_mm, rs, work_dir):
    """The worker's test server: runs the split tests of one candidate process after another.
    Forked by the zygote (never by a candidate process) and confined once, on its own."""
    code = 0
    try:
        _set_pdeathsig()
        os.setpgid(0, 0)                    # what a test starts dies with the server's group
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        keep = (tsock, verdict_w, rs)
        for fd in range(3, 1 << 16):
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        os.chdir(work_dir)
        if rs >= 0:
            os.close(rs)
        side = _TestSide(_PipeWriter(verdict_w), work_dir)
        listener = socket.socket(fileno=tsock)
        if _prctl is not None:
            _prctl(36, 1, 0, 0, 0)          # PR_SET_CHILD_SUBREAPER: what tests start comes here
        gc.enable()
        while True:
            msg, fds, _flags, _addr = socket.recv_fds(listener, 16, 1)
            if not msg:
                break
            if len(fds) != 1 or len(msg) != 8:
                for fd in fds:
                    os.close(fd)
                continue
            (seq,) = struct.unpack("<Q", msg)
            payload = _read_split_payload(tjob_mm, seq)
            try:
                if payload is not None:
                    side.serve(fds[0], seq, payload[0], payload[1])
            finally:
                os.close(fds[0])
            _kill_children()                # whatever a test started
    except BaseException as e:
        try:
            os.write(2, ("harness test server failure: %r\n" % (e,)).encode("utf-8", "replace"))
        except BaseException:
            pass
        code = 70
    os._exit(code)


def _kill_children():
    """Kills and reaps the calling process's children, and the orphans that then come to it."""
    path = "/proc/self/task/%d/children" % os.getpid()
    for _ in range(100):
        try:
            with open(path) as f:
                kids = f.read().split()
        except OSError:
            kids = ()
        if not kids:
            return
        for k in kids:
            try:
                os.kill(int(k), signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 0.05
        while time.monotonic() < deadline:
            try:
                wpid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not wpid:
                time.sleep(0.001)


_T_REQUESTS = 5000      # requests a test server serves before the worker replaces it
_TJOB_HDR = struct.Struct("<QQ")     # sequence number (0 while being written), payload length


def _write_split_payload(area, seq, tplan, limits):
    data = marshal.dumps((tplan, limits))
    if len(data) + 16 > _JOB_CAP:
        return False
    _TJOB_HDR.pack_into(area, 0, 0, 0)
    area[16:16 + len(data)] = data
    _TJOB_HDR.pack_into(area, 0, seq, len(data))
    return True


def _read_split_payload(area, seq):
    """(tplan, limits) written for `seq`, or None when the area holds another request's."""
    s1, n = _TJOB_HDR.unpack_from(area, 0)
    if s1 != seq:
        return None
    data = area[16:16 + n]
    s2, _ = _TJOB_HDR.unpack_from(area, 0)
    if s2 != seq:
        return None
    return marshal.loads(data)


# --------------------------------------------------------------------------------------------
# Zygote: forks the per-request children and the test server

_ZMSG = struct.Struct("<iii")     # kind (1 = child started, 2 = exited, 3 = test server started),
_ZYGOTE_LOST = -1                 # pid, wait status


def _zygote_main(cmd_r, msg_w, notify_w, job_mm, ring_mm, worker_pid, verdict_w, tjob_mm, rs,
                 zrs, work_dir):
    _set_pdeathsig()                        # dies with the worker ...
    if os.getppid() != worker_pid:          # ... including if it is already gone
        os._exit(0)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    if _prctl is not None:
        try:
            _prctl(36, 1, 0, 0, 0)          # PR_SET_CHILD_SUBREAPER: orphaned grandchildren come here
        except Exception:
            pass
    keep = {0, 1, 2, cmd_r, msg_w, notify_w, verdict_w, rs, zrs}
    # what earlier requests left in the worker's caches stays out of every child's memory
    _test_cache.clear()
    _expr_cache.clear()
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    # confined once here, inherited by the test server and every candidate process (which adds
    # a Landlock layer of its own); a failure here fails every request instead of running weaker
    if _CONFINEMENT is not None:
        _CONFINEMENT.apply(zrs)
    if zrs >= 0:
        os.close(zrs)
    gc.freeze()
    poller = select.poll()
    poller.register(cmd_r, select.POLLIN)
    live = {}                               # pid -> pidfd (or None)
    server = None                           # (pid, socket to it)

    def track(pid):
        pfd = None
        if hasattr(os, "pidfd_open"):
            try:
                pfd = os.pidfd_open(pid)
                poller.register(pfd, select.POLLIN)
            except OSError:
                pfd = None
        live[pid] = pfd

    while True:
        try:
            events = poller.poll(20 if live else 1000)
        except InterruptedError:
            continue
        for fd, ev in events:
            if fd != cmd_r:
                continue
            try:
                cmd = os.read(cmd_r, 9)
            except InterruptedError:
                continue
            if not cmd:
                os._exit(0)
            sock = None
            if cmd[:1] == b"S" and len(cmd) == 9:
                mine, theirs = socket.socketpair()
                sock = mine.detach()
                for attempt in (0, 1):
                    if server is None:
                        zs, ts = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                        tpid = _REAL_FORK()
                        if tpid == 0:
                            try:
                                zs.close()
                                _test_server_main(ts.detach(), verdict_w, tjob_mm, rs, work_dir)
                            finally:
                                os._exit(71)
                        ts.close()
                        server = (tpid, zs)
                        track(tpid)
                        os.write(msg_w, _ZMSG.pack(3, tpid, 0))
                    try:
                        socket.send_fds(server[1], [cmd[1:]], [theirs.fileno()])
                        break
                    except OSError:         # the server died: its exit is reported when reaped
                        try:
                            os.killpg(server[0], signal.SIGKILL)
                        except OSError:
                            pass
                        server[1].close()
                        server = None
                theirs.close()
            pid = _REAL_FORK()
            if pid == 0:
                try:
                    os.close(cmd_r)
                    os.close(msg_w)
                    os.close(verdict_w)
                    if server is not None:
                        server[1].close()
                    for pfd in live.values():
                        if pfd is not None:
                            os.close(pfd)
                    _child_entry(ring_mm, notify_w, job_mm, sock, rs, tjob_mm)
                finally:
                    os._exit(71)
            if sock is not None:
                os.close(sock)
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass
            track(pid)
            os.write(msg_w, _ZMSG.pack(1, pid, 0))
        if not live:
            continue
        while True:                         # reap: our children and strays of their groups
            try:
                wpid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not wpid:
                break
            pfd = live.pop(wpid, -1)
            if pfd == -1:
                continue                    # a stray
            if pfd is not None:
                poller.unregister(pfd)
                os.close(pfd)
            if server is not None and wpid == server[0]:
                server[1].close()
                server = None
            try:
                os.killpg(wpid, signal.SIGKILL)     # a test server's group: what its tests started
            except OSError:
                pass
            os.write(msg_w, _ZMSG.pack(2, wpid, status))


# --------------------------------------------------------------------------------------------
# Worker side

class RequestError(Exception):
    pass


_CHILD_IO = None
_BUILTINS_FULL = None
_UNITTEST_SNAP = ()
_RECURSION_LIMIT = sys.getrecursionlimit()
_GUARDED_BUILTINS = (
    "abs", "all", "any", "bool", "bytes", "callable", "chr", "dict", "divmod", "enumerate", "eval",
    "exec", "filter", "float", "frozenset", "getattr", "hasattr", "hash", "id", "int", "isinstance",
    "issubclass", "iter", "len", "list", "map", "max", "min", "next", "object", "ord", "pow", "print",
    "range", "repr", "reversed", "round", "set", "sorted", "str", "sum", "tuple", "type", "zip",
    "__import__", "__build_class__", "AssertionError", "BaseException", "Exception", "StopIteration")
_BUILTINS_GET = operator.itemgetter(*_GUARDED_BUILTINS)
_BUILTINS_GUARD = None
_is_not = operator.is_not


def _prepare_child_state(work_dir):
    """State every child starts from, set up once in the worker (cheaper than per fork)."""
    global _CHILD_IO, _BUILTINS_GUARD
    _BUILTINS_GUARD = (len(builtins.__dict__), _BUILTINS_GET(builtins.__dict__))
    b = _Budget(DEFAULT_LIMITS["outputBytes"])
    nullin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
    _CHILD_IO = (b, _BoundedText(b, "<stdout>"), _BoundedText(b, "<stderr>"), nullin)
    _set_child_env(work_dir)
    sys.argv = [""]
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _install_process_guard()


def _set_child_env(work_dir):
    os.environ.clear()
    os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": work_dir,
                       "LANG": "C.UTF-8", "TMPDIR": work_dir})


class _Job:
    """Everything a child needs. The worker builds it; the child gets it marshalled (_JOB_FIELDS)."""

    __slots__ = ("id", "prog", "plan", "n", "first", "decided", "group_exprs", "limits",
                 "stdin_data", "work_dir", "fdout_path", "cpu_budget_s",
                 "budgets", "groups_of", "group_members", "rlimits", "id_json",
                 "warm", "checks", "tplan", "rbuf", "vbuf", "lost", "seq")


def _num(v, name, lo, hi, allow_none=False):
    if v is None and allow_none:
        return None
    if type(v) not in (int, float) or v != v:
        raise RequestError("limits.%s must be a number" % name)
    return min(max(v, lo), hi)


def _remove_stale_dirs(limit=200):
    """Removes private directories left by workers that were killed (their pid no longer runs)."""
    if not os.path.isdir("/proc/self"):
        return
    tmp = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(tmp) if n.startswith("coderm-harness-")][:limit]
    except OSError:
        return
    for name in names:
        try:
            pid = int(name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or os.path.exists("/proc/%d" % pid):
            continue
        path = os.path.join(tmp, name)
        try:
            if os.stat(path).st_uid == os.getuid():
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


_LEAVES = frozenset((int, float, str, bytes, type(None), bool))


def _group_verdict(val, op, lit, msg):
    # the value is plain data of exact built-in types here, so Python's operators are
    # trustworthy (and keep the references' semantics: `0 == False` holds, as in CodeT)
    try:
        if op == "==":
            ok = val == lit
        elif op == "!=":
            ok = val != lit
        elif op == "truth":
            ok = bool(val)
        elif op == "not":
            ok = not val
        elif op == "is":
            ok = val is lit
        elif op == "is not":
            ok = val is not lit
        elif op == "pair==":
            ok = val[0] == val[1]
        elif op == "pair!=":
            ok = val[0] != val[1]
        elif op == "<":
            ok = val < lit
        elif op == "<=":
            ok = val <= lit
        elif op == ">":
            ok = val > lit
        elif op == ">=":
            ok = val >= lit
        elif op == "in":
            ok = val in lit
        else:
            ok = val not in lit
    except _Timeout:
        raise
    except Exception as e:          # as the assert statement would raise it
        return ("error", type(e).__name__, _clip(_safe_str(e)))
    return ("pass", None, None) if ok else ("fail", "AssertionError", msg)


def _call_verdict(val, exp, atol, oracle, args):
    try:
        exp = decode_value(exp)
        args = decode_value(args)
        ok = evalplus_match(val, exp, atol, oracle, args)
    except _Timeout:
        raise
    except Exception as e:
        return ("fail", "AssertionError",
                _clip("comparison raised %s: %s" % (type(e).__name__, _safe_str(e))))
    return ("pass", None, None) if ok else ("fail", "AssertionError", None)


def _stdio_verdict(stdout, expected):
    why = lcb_stdout_match(stdout, expected)
    return ("pass", None, None) if why is None else ("fail", "WrongAnswer", why)


def _judged(fn, args, tsec):
    """fn(*args) in the worker, under a timer (a hostile value could make a comparison slow)."""
    st = _tstate
    st[1] = False
    st[0] = True
    signal.setitimer(signal.ITIMER_REAL, max(tsec, 1.0))
    try:
        return fn(*args)
    except _Timeout:
        return ("timeout", "Timeout", "comparing the value took too long")
    except RecursionError:
        return ("fail", "AssertionError", "value nested too deeply to compare")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        st[0] = False


class Worker:
    def __init__(self, rfd=3, wfd=4):
        self.rfd = rfd
        self.wfd = wfd
        _remove_stale_dirs()
        self.base = tempfile.mkdtemp(prefix="coderm-harness-%d-" % os.getpid())
        self.work_dir = os.path.join(self.base, "work")
        os.mkdir(self.work_dir, 0o700)
        self.fdout_path = os.path.join(self.base, "fdout")
        self.mm = mmap.mmap(-1, _HDR_SIZE + RING_CAP)
        self.hv = memoryview(self.mm).cast("q")
        global _BUILTINS_FULL, _UNITTEST_SNAP
        _BUILTINS_FULL = dict(builtins.__dict__)
        _UNITTEST_SNAP = [(c, dict(c.__dict__)) for c in
                          (unittest.TestCase, unittest.TestResult, unittest.TestSuite,
                           unittest.TestLoader)]
        self.out = []
        self.pending = set()
        _prepare_child_state(self.work_dir)
        self.hard_limits = {}
        for res in (resource.RLIMIT_CORE, resource.RLIMIT_AS, resource.RLIMIT_CPU,
                    resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE):
            try:
                self.hard_limits[res] = resource.getrlimit(res)[1]
            except (ValueError, OSError):
                pass
        _load_prctl()
        global _JOB_FILE, _CONFINEMENT
        try:
            _CONFINEMENT = _Confinement()
        except Exception as e:
            _log("no confinement: %r" % (e,))
        self.rulesets()
        self.tpid = None            # the test server (forked by the zygote when first needed)
        self.t_served = 0
        self.seq = 0                # candidate processes started
        _JOB_FILE = os.path.join(self.base, "job")
        self.job_mm = mmap.mmap(-1, _JOB_CAP)
        self.tjob_mm = mmap.mmap(-1, _JOB_CAP)      # the split tests: only the test process maps it
        # the test process's verdicts: framed records, like the ring's
        self.verdict_r, self.verdict_w = os.pipe()
        os.set_blocking(self.verdict_r, False)
        # result notification pipe: children write "E" (done) / "D" (drain the ring)
        self.notify_r, self.notify_w = os.pipe()
        os.set_blocking(self.notify_r, False)
        self.zpid = None
        self.start_zygote()

    # ---- zygote ------------------------------------------------------------------------
    def start_zygote(self):
        """Forks the zygote: a clean copy of this process that forks the per-request children.

        Forking from a process that does no per-request work keeps fork cheap: the worker's own
        heap (JSON, caches, compiling) is never write-protected by a fork, and the zygote touches
        almost nothing between forks."""
        self.stop_zygote()
        c_r, c_w = os.pipe()        # worker -> zygote: b"F" = fork a child for the job in job_mm
        z_r, z_w = os.pipe()        # zygote -> worker: (kind, pid, status) records
        gc.collect()
        gc.freeze()
        me = os.getpid()
        pid = _REAL_FORK()
        if pid == 0:
            try:
                _zygote_main(c_r, z_w, self.notify_w, self.job_mm, self.mm, me, self.verdict_w,
                             self.tjob_mm, self.rs, self.zrs, self.work_dir)
            finally:
                os._exit(0)
        os.close(c_r)
        os.close(z_w)
        self.tpid = None
        self.zpid = pid
        self.z_cmd = c_w
        self.z_msg = z_r
        self.exits = {}

    def stop_zygote(self):
        if self.zpid is None:
            return
        try:
            os.kill(self.zpid, signal.SIGKILL)
        except OSError:
            pass
        self._wait(self.zpid)
        for fd in (self.z_cmd, self.z_msg):
            try:
                os.close(fd)
            except OSError:
                pass
        self.zpid = None

    def z_record(self):
        """Reads one record; exit records go to self.exits. Returns the record, None if it died."""
        rec = self.z_read()
        if rec is not None:
            if rec[0] == 2:
                if rec[1] == self.tpid:
                    self.tpid = None
                else:
                    self.exits[rec[1]] = rec[2]
            elif rec[0] == 3:
                self.tpid = rec[1]
        return rec

    def z_read(self):
        """Next (kind, pid, status) record from the zygote; None if it died."""
        buf = b""
        while len(buf) < _ZMSG.size:
            try:
                chunk = os.read(self.z_msg, _ZMSG.size - len(buf))
            except InterruptedError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return _ZMSG.unpack(buf)

    def rulesets(self):
        """Landlock rulesets: the zygote's (also the worker's files: job payloads, the children's
        output file) and, nested inside it, each candidate process's (its working directory)."""
        for fd in (getattr(self, "rs", -1), getattr(self, "zrs", -1)):
            if fd >= 0:
                os.close(fd)
        self.rs = self.zrs = -1
        if _CONFINEMENT is not None:
            self.rs = _CONFINEMENT.ruleset(self.work_dir)
            self.zrs = _CONFINEMENT.ruleset(self.base, proc=True)

    def stop_test_server(self):
        """Kills the test server and waits until the zygote has reaped it."""
        if self.tpid is None:
            return
        try:
            os.killpg(self.tpid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(self.tpid, signal.SIGKILL)
            except OSError:
                pass
        while self.tpid is not None:
            if self.z_record() is None:
                self.start_zygote()

    def z_fork(self, seq=None):
        """Asks the zygote for a child (connected to the test server for candidate process `seq`
        when given); returns its pid (the zygote is restarted if it died)."""
        cmd = b"F" if seq is None else b"S" + struct.pack("<Q", seq)
        for attempt in (0, 1):
            try:
                os.write(self.z_cmd, cmd)
                rec = self.z_record()
                while rec is not None and rec[0] != 1:
                    rec = self.z_record()
            except OSError:
                rec = None
            if rec is not None:
                return rec[1]
            _log("zygote lost; restarting")
            self.start_zygote()
        raise RuntimeError("cannot start a child process")

    # ---- framing ----------------------------------------------------------------------
    def _read_exact(self, n):
        chunks = []
        while n:
            b = os.read(self.rfd, min(n, 1 << 20))
            if not b:
                return None
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def read_frame(self):
        head = self._read_exact(4)
        if head is None:
            return None
        (n,) = _FRAME_LEN.unpack(head)
        if n > MAX_FRAME:
            raise EOFError("frame of %d bytes exceeds the limit" % n)
        body = self._read_exact(n)
        if body is None:
            return None
        return body

    def emit(self, obj):
        data = _frame_encoder.encode(obj).encode("ascii")
        self.out.append(_FRAME_LEN.pack(len(data)) + data)

    def flush(self):
        if not self.out:
            return
        data = b"".join(self.out)
        self.out.clear()
        view = memoryview(data)
        while view:
            n = os.write(self.wfd, view)
            view = view[n:]

    # ---- request parsing --------------------------------------------------------------
    def parse_limits(self, lim):
        out = dict(DEFAULT_LIMITS)
        if lim is None:
            return out
        if type(lim) is not dict:
            raise RequestError("limits must be an object")
        for k, v in lim.items():
            if k == "timeMs":
                out[k] = float(_num(v, k, 1, 3600_000))
            elif k == "memoryMb":
                out[k] = _num(v, k, 16, 1 << 24, allow_none=True)
            elif k == "outputBytes":
                out[k] = int(_num(v, k, 0, 64 << 20))
            elif k == "maxProcesses":
                out[k] = int(_num(v, k, 0, 1 << 16))
            elif k == "maxFileBytes":
                out[k] = int(_num(v, k, 0, 1 << 40))
            elif k == "maxOpenFiles":
                out[k] = int(_num(v, k, 16, 1 << 20))
            elif k == "importTimeMs":
                out[k] = float(_num(v, k, 1, 3600_000))
        return out

    def build_job(self, req):
        if type(req) is not dict:
            raise RequestError("request must be a JSON object")
        program = req.get("program")
        tests = req.get("tests")
        if type(program) is not str:
            raise RequestError("program must be a string")
        if type(tests) is not list:
            raise RequestError("tests must be a list")
        limits = self.parse_limits(req.get("limits"))
        start = req.get("start", 0)
        if start is None:
            start = 0
        if type(start) is not int or start < 0:
            raise RequestError("start must be a non-negative integer")
        group_ok = req.get("groupAsserts", True) is not False
        job = _Job()
        job.id = req.get("id")
        job.limits = limits
        job.n = len(tests)
        job.first = start
        job.plan = [None] * len(tests)
        job.decided = {}
        job.group_exprs = []
        job.stdin_data = {}
        job.work_dir = self.work_dir
        job.fdout_path = self.fdout_path
        job.budgets = [0.0] * len(tests)
        job.groups_of = [None] * len(tests)
        job.group_members = []
        job.checks = {}         # index -> what the worker compares the reported value with
        job.tplan = {}          # index -> split test, for the test process
        gids = {}
        default_t = limits["timeMs"] / 1000.0
        for idx in range(start, len(tests)):
            t = tests[idx]
            tsec = default_t
            if type(t) is dict and "timeMs" in t:
                tv = t["timeMs"]
                if type(tv) in (int, float) and tv == tv and tv > 0:
                    tsec = min(float(tv), 3600_000.0) / 1000.0
            job.budgets[idx] = tsec * KILL_FACTOR + KILL_SLACK_S
            try:
                ent = self.plan_test(t, tsec, group_ok)
            except RequestError as e:
                job.decided[idx] = {"status": "error", "errorType": "BadTest", "message": _clip(str(e))}
                continue
            if ent[0] == "decided":
                job.decided[idx] = ent[1]
                continue
            # job.plan goes to the candidate's process: no expected value and no test code in it
            if ent[0] == "group":
                _, dump, ecode, op, lit, msg = ent
                gid = gids.get(dump)
                if gid is None:
                    gid = gids[dump] = len(job.group_exprs)
                    job.group_exprs.append(ecode)
                    job.group_members.append([])
                job.group_members[gid].append(idx)
                job.groups_of[idx] = gid
                job.plan[idx] = (K_GROUP, gid, tsec)
                job.checks[idx] = (op, lit, msg)
                continue
            if ent[0] == "stdio":
                job.stdin_data[idx] = ent[1]
                expected = ent[2]
                job.plan[idx] = (K_STDIO, None if expected is None else len(expected), tsec)
                if expected is not None:
                    job.checks[idx] = expected
                continue
            if ent[0] == "unit":
                job.budgets[idx] *= ent[2] + 2
                job.plan[idx] = (K_UNIT, tsec)
                job.tplan[idx] = (K_UNIT, ent[1], ent[3], tsec)
                continue
            if ent[0] == "seq":
                _, entry, param, steps = ent
                job.plan[idx] = (K_SEQ, entry, param, tuple(x[0] for x in steps), tsec)
                job.checks[idx] = tuple(x[1:] for x in steps)
                continue
            if ent[0] == K_CALL:
                _, entry, args, has_exp, exp, atol, oracle = ent
                job.plan[idx] = (K_CALL, entry, args, tsec)
                if has_exp:
                    job.checks[idx] = (exp, atol, oracle, args)
                continue
            job.plan[idx] = (ent[0], tsec)
            job.tplan[idx] = ent + (tsec,)
        return job

    def plan_test(self, t, tsec, group_ok):
        if type(t) is not dict:
            raise RequestError("test must be an object")
        kind = t.get("kind")
        if kind == "assert":
            code = t.get("code")
            if type(code) is not str:
                raise RequestError("assert test needs a code string")
            a = analyze_assert(code)
            if a[0] == "bad":
                return ("decided", {"status": "error", "errorType": a[1], "message": a[2]})
            if a[0] == "group" and group_ok:
                return a
            if a[0] == "group":
                return (K_STMT, analyze_assert_stmt(code))
            return (K_STMT, a[1])
        if kind == "check":
            code = t.get("code")
            entry = t.get("entryPoint")
            if type(code) is not str or type(entry) is not str:
                raise RequestError("check test needs code and entryPoint strings")
            if not entry.isidentifier():
                raise RequestError("entryPoint is not an identifier")
            a = analyze_module("check", code)
            if a[0] == "bad":
                return ("decided", {"status": "error", "errorType": a[1], "message": a[2]})
            v = analyze_check_values(code) if group_ok else None
            if v is not None:
                return ("seq", entry, v[0], v[1])
            return (K_CHECK, a[1], _check_call_code(entry), entry)
        if kind == "unittest":
            code = t.get("code")
            if type(code) is not str:
                raise RequestError("unittest test needs a code string")
            a = analyze_module("unittest", code)
            if a[0] == "bad":
                return ("decided", {"status": "error", "errorType": a[1], "message": a[2],
                                    "methods": []})
            return ("unit", a[1], a[3], a[2])
        if kind == "call":
            entry = t.get("entryPoint")
            args = t.get("args")
            if type(entry) is not str or not entry:
                raise RequestError("call test needs an entryPoint string")
            if type(args) is not list:
                raise RequestError("call test needs an args list")
            atol = t.get("atol", 0)
            if atol is None:
                atol = 0
            if type(atol) not in (int, float):
                raise RequestError("atol must be a number")
            has_exp = "expected" in t
            exp = t.get("expected")
            oracle = t.get("oracle")
            if oracle is not None and oracle not in ORACLES:
                raise RequestError("unknown oracle %r" % (oracle,))
            if oracle == "find_zero" and not (args and type(args[0]) is list):
                raise RequestError("the find_zero oracle needs the coefficient list as first argument")
            try:
                decode_value(args)          # validated here, decoded again in the child
                decode_value(exp)
            except Exception as e:
                raise RequestError("bad tagged value: %s" % _safe_str(e))
            return (K_CALL, entry, args, has_exp, exp, atol, oracle)
        if kind == "stdio":
            stdin = t.get("stdin", "")
            if stdin is None:
                stdin = ""
            exp = t.get("expectedStdout")
            if type(stdin) is not str or (exp is not None and type(exp) is not str):
                raise RequestError("stdio test needs stdin/expectedStdout strings")
            return ("stdio", stdin.encode("utf-8", "surrogateescape"), exp)
        raise RequestError("unknown test kind %r" % (kind,))

    # ---- running -----------------------------------------------------------------------
    def handle(self, raw):
        if _DEBUG:
            _dbg.append(("start", time.perf_counter()))
        try:
            req = _request_decoder.decode(raw.decode("utf-8", "surrogatepass"))
        except Exception as e:
            self.emit({"id": None, "event": "error", "message": _clip("invalid JSON: %s" % e)})
            self.flush()
            return
        rid = req.get("id") if type(req) is dict else None
        if type(rid) not in (int, str):
            rid = None
        try:
            job = self.build_job(req)
        except RequestError as e:
            self.emit({"id": rid, "event": "error", "message": _clip(str(e))})
            self.flush()
            return
        except Exception as e:
            self.emit({"id": rid, "event": "error", "message": _clip("bad request: %r" % (e,))})
            self.flush()
            return
        job.id = rid
        job.id_json = b'{"id":' + _frame_encoder.encode(rid).encode("ascii")
        try:
            job.prog = _compile(req["program"], "<candidate>")
            job.warm = _import_warmup(req["program"])
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as e:
            etype, msg = _exc_info(e)
            for idx in range(job.first, job.n):
                self.emit_result(job, idx, {"status": "error", "errorType": etype, "message": msg})
            self.emit({"id": rid, "event": "done"})
            self.flush()
            return
        if _DEBUG:
            _dbg.append(("planned", time.perf_counter()))
        try:
            self.run_job(job)
            self.emit({"id": rid, "event": "done"})
            self.flush()
        finally:
            self.finish_pending()
        if _DEBUG:
            _dbg.append(("flushed", time.perf_counter()))
            _log(" ".join("%s=%.0f" % (k, (t - _dbg[0][1]) * 1e6) for k, t in _dbg))
            _dbg.clear()

    def emit_result(self, job, idx, r, wall=0.0, cpu=0.0):
        frame = {"id": job.id, "event": "result", "index": idx, "status": r["status"],
                 "wallMs": round(r.get("wallMs", wall), 4), "cpuMs": round(r.get("cpuMs", cpu), 4)}
        for k in ("errorType", "message", "output", "stderr", "outputDropped", "value", "methods"):
            if k in r:
                frame[k] = r[k]
        self.emit(frame)

    def run_job(self, job):
        # tests before job.first are not run; decided results are interleaved in order
        self.emit_ptr = job.first
        nxt = job.first
        while True:
            nxt = self._next_undecided(job, nxt)
            if nxt is None:
                break
            job.first = nxt
            nxt = self.run_child(job)
            if nxt is None:
                break
        self._emit_decided_until(job, job.n)

    def _next_undecided(self, job, i):
        while i < job.n and i in job.decided:
            i += 1
        return i if i < job.n else None

    def _emit_decided_until(self, job, k):
        while self.emit_ptr < k:
            idx = self.emit_ptr
            r = job.decided.get(idx)
            if r is None:
                return False
            if type(r) is bytes:                # a frame built by the fast path
                self.out.append(_FRAME_LEN.pack(len(r)) + r)
            else:
                self.emit_result(job, idx, r)
            self.emit_ptr += 1
        return True

    def _translate(self, job, rec, expect):
        """Validates one child record; returns the result dict or raises ValueError."""
        if type(rec) is not dict:
            raise ValueError("record is not an object")
        i = rec.get("i")
        if type(i) is not int or i != expect:
            raise ValueError("record index %r, expected %r" % (i, expect))
        s = rec.get("s")
        if (s not in _STATUS_SET or s == "skip") and s != "value":
            raise ValueError("bad status")
        w = rec.get("w", 0)
        c = rec.get("c", 0)
        r = {"status": s,
             "wallMs": float(w) if type(w) in (int, float) and w >= 0 else 0.0,
             "cpuMs": float(c) if type(c) in (int, float) and c >= 0 else 0.0}
        e = rec.get("e")
        if e is not None:
            if type(e) is not str:
                raise ValueError("bad errorType")
            if e:
                r["errorType"] = e[:200]
        m = rec.get("m")
        if m is not None:
            if type(m) is not str:
                raise ValueError("bad message")
            if m:
                r["message"] = _clip(m, MSG_LIMIT + 40)
        lim = job.limits["outputBytes"] + 64
        for src, dst in (("o", "output"), ("x", "stderr")):
            v = rec.get(src)
            if v is not None:
                if type(v) is not str:
                    raise ValueError("bad output")
                r[dst] = v[:lim]
        d = rec.get("d")
        if d is not None:
            if type(d) is not int or d < 0:
                raise ValueError("bad outputDropped")
            r["outputDropped"] = d
        if "v" in rec:
            r["value"] = rec["v"]
        M = rec.get("M")
        if M is not None:
            if type(M) is not list or len(M) > 100000:
                raise ValueError("bad methods")
            ms = []
            for x in M:
                if type(x) is not dict or type(x.get("n")) is not str or x.get("s") not in _STATUS_SET:
                    raise ValueError("bad method entry")
                y = {"name": x["n"][:300], "status": x["s"]}
                if type(x.get("e")) is str:
                    y["errorType"] = x["e"][:200]
                if type(x.get("m")) is str:
                    y["message"] = x["m"][:400]
                ms.append(y)
            r["methods"] = ms
        return r

    def run_child(self, job):
        """Forks one child for job.first.. and supervises it. Returns the next index to run, or None."""
        self.finish_pending()
        mm = self.mm
        first = job.first
        now = time.monotonic_ns()
        hv = self.hv
        hv[H_WP] = 0
        hv[H_RP] = 0
        hv[H_IDX] = first
        hv[H_START] = now
        hv[H_PHASE] = 1
        remaining = [job.budgets[i] for i in range(first, job.n) if i not in job.decided]
        job.cpu_budget_s = sum(remaining) + 2.0
        if job.warm is not None:
            job.cpu_budget_s += job.limits["importTimeMs"] / 1000.0
        lim = job.limits
        want = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, int(math.ceil(job.cpu_budget_s))),
                (resource.RLIMIT_FSIZE, int(lim["maxFileBytes"])),
                (resource.RLIMIT_NOFILE, int(lim["maxOpenFiles"]))]
        if lim["memoryMb"] is not None:
            want.append((resource.RLIMIT_AS, int(lim["memoryMb"]) << 20))
        rl = []
        for res, val in want:
            hard = self.hard_limits.get(res, resource.RLIM_INFINITY)
            if hard != resource.RLIM_INFINITY and val > hard:
                val = hard
            rl.append((res, val))
        job.rlimits = rl
        job.work_dir = self.work_dir
        self.seq += 1
        job.seq = self.seq
        split = None
        if job.tplan:
            todo = {k: v for k, v in job.tplan.items() if k >= first and k not in job.decided}
            if todo and _write_split_payload(self.tjob_mm, job.seq, todo, job.limits):
                split = job.seq
                self.t_served += 1
                if self.t_served > _T_REQUESTS:     # a fresh test server now and then
                    self.stop_test_server()
                    self.t_served = 1
            elif todo:
                for k in todo:
                    job.decided[k] = {"status": "error", "errorType": "BadTest",
                                      "message": "test code larger than %d bytes" % _JOB_CAP}
        _store_payload(self.job_mm, _JOB_FILE, _job_payload(job))
        for fd in (self.notify_r, self.verdict_r):
            try:
                while os.read(fd, 65536):      # stale notifications / verdicts of a killed child
                    pass
            except (BlockingIOError, InterruptedError):
                pass
        job.rbuf = b""
        job.vbuf = b""
        job.lost = False
        if _DEBUG:
            _dbg.append(("fork", time.perf_counter()))
        pid = self.z_fork(split)
        if _DEBUG:
            _dbg.append(("forked", time.perf_counter()))
        rfd = self.notify_r
        poller = select.poll()
        poller.register(rfd, select.POLLIN)
        poller.register(self.z_msg, select.POLLIN)
        if job.tplan:
            poller.register(self.verdict_r, select.POLLIN)
        rp = 0
        expect = first                     # next index the child must report
        last_progress = now
        done = exited = killed = False
        protocol_error = None
        status = None
        try:
            while True:
                # watchdog deadline for the test the child is running now
                cur_i = hv[H_IDX]
                cur_start = hv[H_START]
                start_ns = cur_start if cur_i == expect else max(cur_start, last_progress)
                phase_now = hv[H_PHASE]
                if expect is None:
                    deadline = None
                elif phase_now == 2:
                    deadline = start_ns + int((job.limits["importTimeMs"] / 1000.0 * KILL_FACTOR
                                               + KILL_SLACK_S) * 1e9)
                elif phase_now == 3:
                    deadline = start_ns + int(ENCODE_BUDGET_S * 1e9)
                else:
                    deadline = start_ns + int(job.budgets[expect] * 1e9)
                tnow = time.monotonic_ns()
                wait_ms = TICK_S * 1000
                if deadline is not None:
                    wait_ms = min(wait_ms, max(0.0, (deadline - tnow) / 1e6))
                events = poller.poll(wait_ms)
                for fd, ev in events:
                    if fd == rfd:
                        try:
                            data = os.read(rfd, 4096)
                        except (BlockingIOError, InterruptedError):
                            data = b""
                        if b"E" in data:
                            done = True
                            if _DEBUG:
                                _dbg.append(("E", time.perf_counter()))
                    elif fd == self.z_msg:
                        rec = self.z_record()
                        if rec is None:
                            exited = True
                            status = _ZYGOTE_LOST        # the zygote died, and the child with it
                            self.start_zygote()
                        elif pid in self.exits:
                            exited = True
                            status = self.exits.pop(pid)
                # relay what is in the ring
                rp, expect, progressed, protocol_error = self._drain(job, rp, expect)
                if progressed:
                    last_progress = time.monotonic_ns()
                if protocol_error is not None or job.lost:
                    break
                if done or exited:
                    break
                if expect is None:
                    # everything reported; wait briefly for the child to finish
                    continue
                if deadline is not None and time.monotonic_ns() >= deadline:
                    killed = True
                    break
                self.flush()
        finally:
            if _DEBUG:
                _dbg.append(("loopend", time.perf_counter()))
            # the whole process group: processes the candidate forked outlive their parent
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                if not exited:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        if (killed or exited or protocol_error is not None) and expect in job.tplan:
            self.stop_test_server()     # it may be stuck in that test, or still writing about it
        if done and protocol_error is None:
            rp, expect, _, protocol_error = self._drain(job, rp, expect)
            if expect is None and protocol_error is None:
                # finished normally: its exit record is collected whenever it arrives; the next
                # child cleans the working directory
                if _DEBUG:
                    _dbg.append(("drained", time.perf_counter()))
                if self.exits.pop(pid, None) is None:
                    self.pending.add(pid)
                return None
        if status is None:
            status = self._z_exit_status(pid)
        if _DEBUG:
            _dbg.append(("reaped", time.perf_counter()))
        if protocol_error is None and not job.lost:
            rp, expect, _, protocol_error = self._drain(job, rp, expect)
        self._clean_work_dir()
        if expect is None:
            return None
        if job.lost and protocol_error is None:
            self._emit_decided_until(job, job.n)
            self.flush()
            return expect                  # the test process gave up on a stuck candidate
        # the child stopped before reporting `expect`: decide that test here
        culprit = expect
        if protocol_error is not None:
            r = {"status": "error", "errorType": "HarnessProtocol", "message": _clip(protocol_error)}
        elif killed:
            r = {"status": "timeout", "errorType": "Timeout",
                 "message": "killed by the watchdog after %.0f ms" % (job.budgets[culprit] * 1000),
                 "wallMs": job.budgets[culprit] * 1000}
        else:
            r = self._death_result(status, done)
        job.decided[culprit] = r
        phase = hv[H_PHASE]
        if phase == 2:
            # stopped while importing the program's modules: every test imports them
            if killed:
                r["message"] = "killed while importing the program's modules (importTimeMs %.0f)" % (
                    job.limits["importTimeMs"])
            for m in range(culprit + 1, job.n):
                if m not in job.decided and job.plan[m] is not None:
                    job.decided[m] = dict(r)
        elif phase == 0 and job.plan[culprit][0] != K_STDIO:
            # it stopped while executing the program itself: every later test would do the same
            for m in range(culprit + 1, job.n):
                if m not in job.decided and job.plan[m] is not None and job.plan[m][0] != K_STDIO:
                    job.decided[m] = dict(r)
        # a group whose value this child never computed shares the verdict of its evaluation
        gid = job.groups_of[culprit]
        if gid is not None and r["status"] in ("timeout", "oom", "error"):
            members = job.group_members[gid]
            earlier = [m for m in members if first <= m < culprit and m not in job.decided]
            if not earlier:
                for m in members:
                    if m > culprit and m not in job.decided:
                        job.decided[m] = dict(r)
        self._emit_decided_until(job, job.n)
        self.flush()
        return culprit + 1

    @staticmethod
    def _wait(pid):
        while True:
            try:
                return os.waitpid(pid, 0)[1]
            except ChildProcessError:
                return 0
            except InterruptedError:
                continue

    def _z_exit_status(self, pid):
        while pid not in self.exits:
            if self.z_record() is None:
                self.start_zygote()
                return _ZYGOTE_LOST
        return self.exits.pop(pid)

    def finish_pending(self):
        """Forgets exit records of children that finished normally (kept bounded)."""
        if self.exits and self.pending:
            for pid in list(self.exits):
                if pid in self.pending:
                    self.pending.discard(pid)
                    del self.exits[pid]
        if len(self.pending) > 64:
            self.pending.clear()

    def _death_result(self, status, done):
        if status == _ZYGOTE_LOST:
            return {"status": "error", "errorType": "ChildExited",
                    "message": "the zygote process died while this test ran"}
        tail = ""
        try:
            with open(self.fdout_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - 600))
                tail = f.read(600).decode("utf-8", "replace").strip()
        except OSError:
            pass
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = "signal %d" % sig
            if sig == signal.SIGXCPU:
                return {"status": "timeout", "errorType": "Timeout", "message": "CPU time limit (SIGXCPU)"}
            if sig == signal.SIGKILL:
                return {"status": "oom", "errorType": "ChildKilled",
                        "message": _clip("child killed by SIGKILL (likely out of memory) %s" % tail)}
            msg = "child died from %s" % name
        elif os.WIFEXITED(status):
            msg = "child exited with code %d before reporting this test" % os.WEXITSTATUS(status)
        else:
            msg = "child stopped unexpectedly"
        if tail:
            msg += "; output: " + tail
        return {"status": "error", "errorType": "ChildExited", "message": _clip(msg)}

    def _drain(self, job, rp, expect):
        """Relays new records: the ring's (candidate process) and the verdict pipe's (test
        process), each test's from the one process allowed to report it. Returns
        (rp, expect, progressed, protocol_error)."""
        mm = self.mm
        wp = self.hv[H_WP]
        progressed = False
        if wp != rp:
            if wp < rp or wp - rp > RING_CAP:
                return rp, expect, False, "ring positions corrupt (write %d, read %d)" % (wp, rp)
            n = wp - rp
            pos = rp % RING_CAP
            base = _HDR_SIZE
            if pos + n <= RING_CAP:
                buf = mm[base + pos:base + pos + n]
            else:
                buf = mm[base + pos:base + RING_CAP] + mm[base:base + n - (RING_CAP - pos)]
            job.rbuf = job.rbuf + buf if job.rbuf else buf
            rp = wp
            self.hv[H_RP] = rp
            progressed = True
        if job.tplan:
            try:
                while True:
                    data = os.read(self.verdict_r, 65536)
                    if not data:
                        break
                    job.vbuf += data
                    progressed = True
            except (BlockingIOError, InterruptedError):
                pass
        err = None
        offs = {"r": 0, "v": 0}
        while True:
            src = "v" if expect is not None and expect in job.tplan else "r"
            buf = job.vbuf if src == "v" else job.rbuf
            off = offs[src]
            n = len(buf)
            if off == n:
                break
            if off + 4 > n:
                break                           # the rest of the record is still coming
            (ln,) = _LEN.unpack_from(buf, off)
            if ln > RECORD_MAX:
                err = "bad record length"
                break
            if off + 4 + ln > n:
                break
            raw = buf[off + 4:off + 4 + ln]
            offs[src] = off + 4 + ln
            if expect is None:
                err = "record after the last test"
                break
            kind = job.plan[expect][0]
            if kind == K_GROUP:
                m = _VALUE_RECORD(raw)
                if m is not None and int(m.group(1)) == expect:
                    # common case: plain JSON (no tags), judged and framed without a JSON round
                    # trip for the record or the frames
                    if not self._emit_decided_until(job, expect):
                        err = "child skipped a test"
                        break
                    if self._judge_scalar(job, expect, m):
                        self.emit_ptr = expect + 1
                        expect = self._next_undecided(job, expect + 1)
                        continue
            m = _SIMPLE_RECORD(raw) if kind not in _VALUE_KINDS else None
            if m is not None and int(m.group(1)) == expect:
                # common case (no optional fields): build the frame without a JSON round trip
                if not self._emit_decided_until(job, expect):
                    err = "child skipped a test"
                    break
                parts = [job.id_json, b',"event":"result","index":', m.group(1),
                         b',"status":"', m.group(2), b'","wallMs":', m.group(3),
                         b',"cpuMs":', m.group(4)]
                e = m.group(5)
                if e is not None:
                    if len(e) > 2:
                        parts += (b',"errorType":', e[:400] if len(e) <= 400 else b'"?"')
                    mg = m.group(6)
                    if len(mg) > 2:
                        parts += (b',"message":', mg if len(mg) <= 8000 else b'"(message too long)"')
                parts.append(b"}")
                data = b"".join(parts)
                self.out.append(_FRAME_LEN.pack(len(data)) + data)
                self.emit_ptr = expect + 1
                expect = self._next_undecided(job, expect + 1)
                continue
            try:
                rec = _record_decoder.decode(raw.decode("ascii"))
                if src == "v" and type(rec) is dict and rec.get("q") != job.seq:
                    continue                # a verdict about an earlier candidate process
                r = self._translate(job, rec, expect)
                if kind in _VALUE_KINDS:
                    r = self._judge(job, expect, r)
                elif r["status"] == "value":
                    raise ValueError("a value for a test the worker does not judge")
            except Exception as e:
                err = "invalid record: %s" % _safe_str(e)
                break
            if src == "v" and rec.get("k") == 1:
                job.lost = True             # the candidate process is stuck: start a fresh one
            if not self._emit_decided_until(job, expect):
                err = "child skipped a test"
                break
            self.emit_result(job, expect, r)
            self.emit_ptr = expect + 1
            expect = self._next_undecided(job, expect + 1)
            if job.lost:
                break
        job.rbuf = job.rbuf[offs["r"]:] if offs["r"] else job.rbuf
        job.vbuf = job.vbuf[offs["v"]:] if offs["v"] else job.vbuf
        return rp, expect, progressed, err

    def _judge_scalar(self, job, idx, m):
        """_judge for a group whose value is plain JSON without tags (_VALUE_RECORD match `m`):
        frames every member's verdict directly (the others are emitted when their turn comes).
        False when the value does not parse (the general path then decides)."""
        raw = m.group(4)
        first = raw[:1]
        if first == b"t":
            val = True
        elif first == b"f":
            val = False
        elif first == b"n":
            val = None
        elif first in b"-0123456789" and raw.isdigit():
            val = int(raw)
        else:
            try:
                val = _record_decoder.decode(raw.decode("ascii"))
            except ValueError:
                return False            # not what it seemed: the general path decides

        tail = b'","wallMs":' + m.group(2) + b',"cpuMs":' + m.group(3)
        head = job.id_json + b',"event":"result","index":'
        decided = job.decided
        for k in job.group_members[job.groups_of[idx]]:
            if k < idx or (k > idx and k in decided):
                continue
            op, lit, msg = job.checks[k]
            out = _group_verdict(val, op, lit, msg)
            frame = head + b"%d" % k + b',"status":"' + out[0].encode() + tail
            if out[0] != "pass":
                frame += b',"errorType":' + _jstr(out[1]).encode()
                if out[2] is not None:
                    frame += b',"message":' + _jstr(out[2]).encode()
            frame += b"}"
            if k == idx:
                self.out.append(_FRAME_LEN.pack(len(frame)) + frame)
            else:
                decided[k] = frame
        return True

    def _judge_values(self, job, idx, r):
        """A check test run as values: the first assertion that does not pass decides; when all
        that were computed pass, the record's own status (value = all computed) does."""
        steps = job.checks[idx]
        vals = r.pop("value", [])
        if type(vals) is not list or len(vals) > len(steps) or (
                r["status"] == "value" and len(vals) != len(steps)):
            raise ValueError("values do not match the test's assertions")
        try:
            sys.set_int_max_str_digits(0)
        except Exception:
            pass
        tsec = job.plan[idx][-1]
        for enc, (op, lit, msg) in zip(vals, steps):
            if op == "fail":
                out = ("fail", "AssertionError", msg)
            else:
                try:
                    val = decode_value(enc)
                except Exception as e:
                    raise ValueError("undecodable value: %s" % _safe_str(e))
                if type(val) in _LEAVES:
                    out = _group_verdict(val, op, lit, msg)
                else:
                    out = _judged(_group_verdict, (val, op, lit, msg), tsec)
            if out[0] != "pass":
                r["status"] = out[0]
                r["errorType"] = out[1]
                if out[2] is not None:
                    r["message"] = out[2]
                else:
                    r.pop("message", None)
                return r
        if r["status"] == "value":
            r["status"] = "pass"
        return r

    def _judge(self, job, idx, r):
        """The verdict of a value test: the reported value against the expected one."""
        st = r["status"]
        kind = job.plan[idx][0]
        if st == "pass":
            raise ValueError("a value test reported pass instead of its value")
        if kind == K_SEQ:
            return self._judge_values(job, idx, r)
        if st != "value":
            if kind == K_GROUP:         # an error computing the value: every test of the group
                for m in job.group_members[job.groups_of[idx]]:
                    if m > idx and m not in job.decided:
                        job.decided[m] = {"status": st, "wallMs": r["wallMs"], "cpuMs": r["cpuMs"],
                                          "errorType": r.get("errorType"), "message": r.get("message")}
            return r
        if "value" not in r:
            raise ValueError("value record without a value")
        enc = r.pop("value")
        chk = job.checks.get(idx)
        if chk is None:                 # output mode
            r["status"] = "pass"
            r["value"] = enc
            return r
        try:
            sys.set_int_max_str_digits(0)
        except Exception:
            pass
        try:
            val = decode_value(enc)
        except Exception as e:
            raise ValueError("undecodable value: %s" % _safe_str(e))
        tsec = job.plan[idx][-1]
        if kind == K_GROUP:
            for m in job.group_members[job.groups_of[idx]]:
                if m < idx or (m > idx and m in job.decided):
                    continue
                op, lit, msg = job.checks[m]
                if type(val) in _LEAVES:
                    out = _group_verdict(val, op, lit, msg)
                else:
                    out = _judged(_group_verdict, (val, op, lit, msg), tsec)
                v = {"status": out[0], "wallMs": r["wallMs"], "cpuMs": r["cpuMs"]}
                if out[0] != "pass":
                    v["errorType"] = out[1]
                    if out[2] is not None:
                        v["message"] = out[2]
                if m == idx:
                    r.update(v)
                else:
                    job.decided[m] = v
            return r
        if kind == K_CALL:
            exp, atol, oracle, args = chk
            out = _judged(_call_verdict, (val, exp, atol, oracle, args), tsec)
        else:
            out = _judged(_stdio_verdict, (val, chk), tsec)
        r["status"] = out[0]
        if out[0] != "pass":
            r["errorType"] = out[1]
            r["message"] = out[2]
        return r

    def _clean_work_dir(self):
        try:
            with os.scandir(self.work_dir) as it:
                empty = next(it, None) is None
        except OSError:
            empty = False
        if empty:
            return

        def onerror(func, path, exc):
            try:
                os.chmod(os.path.dirname(path) or path, 0o700)
                os.chmod(path, 0o700)
                func(path)
            except OSError:
                pass

        # the directory itself stays (the Landlock ruleset names its inode); only its contents go
        try:
            os.chmod(self.work_dir, 0o700)
            with os.scandir(self.work_dir) as it:
                entries = [(e.path, e.is_dir(follow_symlinks=False)) for e in it]
        except OSError:
            entries = None
        for path, is_dir in entries or ():
            if is_dir:
                shutil.rmtree(path, onerror=onerror)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass
        try:
            with os.scandir(self.work_dir) as it:
                empty = next(it, None) is None
        except OSError:
            empty = False
        if not empty:
            # something could not be removed: a new directory, ruleset and zygote
            self.work_dir = tempfile.mkdtemp(prefix="work-", dir=self.base)
            _set_child_env(self.work_dir)
            self.rulesets()
            self.start_zygote()

    def close(self):
        self.stop_zygote()
        shutil.rmtree(self.base, ignore_errors=True)

    # ---- main loop ---------------------------------------------------------------------
    def serve(self):
        self.emit({"event": "ready", "version": HARNESS_VERSION, "pid": os.getpid(),
                   "python": "%d.%d.%d" % sys.version_info[:3],
                   "confinement": _CONFINEMENT.features if _CONFINEMENT is not None else []})
        self.flush()
        while True:
            try:
                raw = self.read_frame()
            except EOFError as e:
                self.emit({"id": None, "event": "error", "message": _clip(str(e))})
                self.flush()
                return 2
            if raw is None:
                return 0
            try:
                self.handle(raw)
            except BrokenPipeError:
                return 0
            except Exception as e:  # never die on one request
                _log("internal error: %r" % (e,))
                self.out.clear()
                try:
                    rid = None
                    self.emit({"id": rid, "event": "error", "message": _clip("internal error: %r" % (e,))})
                    self.flush()
                except OSError:
                    return 1


_IMPORT_LINE = re.compile(r"^(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+))", re.M)


def _import_warmup(program):
    """Top-level import statements of modules the worker has not imported, compiled on their own.

    A child executes them once before its first test under limits.importTimeMs: the references
    ran candidates in processes that already had such packages loaded, so the first import must
    not count against a test's time limit."""
    need = False
    for m in _IMPORT_LINE.finditer(program):
        name = (m.group(1) or m.group(2)).split(".")[0]
        if name and name not in sys.modules:
            need = True
            break
    if not need:
        return None
    try:
        tree = ast.parse(program, "<candidate>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    body = [n for n in tree.body if type(n) in (ast.Import, ast.ImportFrom)]
    if not body:
        return None
    try:
        return _compile(ast.Module(body=body, type_ignores=[]), "<candidate>")
    except Exception:
        return None


def analyze_assert_stmt(code):
    key = ("assert-stmt", code)
    hit = _test_cache.get(key)
    if hit is None:
        hit = _cache_put(key, _compile(code, "<test>"))
    return hit


def _preimport():
    for name in _PREIMPORT:
        try:
            __import__(name)
        except Exception:
            pass


_WORKER_PID = None


def _on_term(signum, frame):
    if os.getpid() != _WORKER_PID:      # a child: behave like the default action
        os._exit(128 + signum)
    raise SystemExit(0)


def main():
    if sys.version_info < (3, 8):
        _log("Python 3.8+ required")
        return 2
    try:
        os.fstat(3)
        os.fstat(4)
    except OSError:
        _log("fd 3 (requests) and fd 4 (responses) must be open")
        return 2
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)       # protocol JSON may carry big integers
    tempfile.tempdir = tempfile.gettempdir()      # resolved before the environment is cleared
    os.environ.clear()                              # children get _set_child_env's minimal set
    _preimport()
    global _WORKER_PID
    _WORKER_PID = os.getpid()
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGHUP, _on_term)
    signal.signal(signal.SIGINT, _on_term)
    os.set_inheritable(3, False)
    os.set_inheritable(4, False)
    gc.collect()
    gc.freeze()
    w = Worker(3, 4)
    try:
        return w.serve()
    finally:
        w.close()


if __name__ == "__main__":
    sys.exit(main())
