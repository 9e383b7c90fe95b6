"""The explicit state of a harness process, handed down by fork to its zygote, candidate
processes and test server.

The harness process builds one ProcessState before it forks anything; each forked process calls
`become(role)` on its own copy at its entry and takes from it what it needs. Nothing here is a module global that a
process rebinds to change what it is."""

import builtins
import enum
import operator
import os
import signal
import sys
import unittest

from .confinement import Confinement
from .process_control import ProcessControl, ProcessGuard
from .protocol import DEFAULT_LIMITS
from .streams import ChildStreams
from .support import log
from .timer import TestTimer

GUARDED_BUILTINS = (
    "abs",
    "all",
    "any",
    "bool",
    "bytes",
    "callable",
    "chr",
    "dict",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "frozenset",
    "getattr",
    "hasattr",
    "hash",
    "id",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "ord",
    "pow",
    "print",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "sorted",
    "str",
    "sum",
    "tuple",
    "type",
    "zip",
    "__import__",
    "__build_class__",
    "AssertionError",
    "BaseException",
    "Exception",
    "StopIteration",
)
_guarded_values = operator.itemgetter(*GUARDED_BUILTINS)
_is_not = operator.is_not
GUARDED_UNITTEST_CLASSES = (
    unittest.TestCase,
    unittest.TestResult,
    unittest.TestSuite,
    unittest.TestLoader,
)
CHILD_PATH = "/usr/local/bin:/usr/bin:/bin"


class ProcessRole(enum.Enum):
    HARNESS = "harness"  # talks to Node, plans, supervises, judges values
    ZYGOTE = "zygote"  # a copy of the harness process that only forks
    CANDIDATE = "candidate"  # runs one request's candidate program
    TEST_SERVER = "test server"  # runs the split tests' test code


_TEST_SERVER = ProcessRole.TEST_SERVER  # read once (see candidate.py)


class BuiltinsGuard:
    """Detects (cheaply) and undoes a program's changes to the builtins that tests rely on."""

    __slots__ = ("snapshot", "count", "values")

    def __init__(self):
        self.snapshot = dict(builtins.__dict__)
        self.count = len(builtins.__dict__)
        self.values = _guarded_values(builtins.__dict__)

    def tampered(self):
        """True (and the builtins restored) when they were modified."""
        names = builtins.__dict__
        try:
            current = _guarded_values(names)
        except KeyError:
            current = None
        if len(names) != self.count or current is None or any(map(_is_not, current, self.values)):
            names.clear()
            names.update(self.snapshot)
            return True
        return False


def unittest_modified(snapshot):
    """Whether the unittest classes that run unittest tests differ from `snapshot`."""
    for cls, attributes in snapshot:
        if dict(cls.__dict__) != attributes:
            return True
    return False


def set_child_environment(work_dir):
    """The minimal environment every child gets (PATH, HOME, LANG, TMPDIR)."""
    os.environ.clear()
    os.environ.update({"PATH": CHILD_PATH, "HOME": work_dir, "LANG": "C.UTF-8", "TMPDIR": work_dir})


class ProcessState:
    """What a harness process and the processes it forks share (see the module docstring)."""

    __slots__ = (
        "role",
        "harness_pid",
        "timer",
        "streams",
        "builtins_guard",
        "unittest_snapshot",
        "recursion_limit",
        "process_guard",
        "process_control",
        "confinement",
    )

    def __init__(self, work_dir):
        """Prepares, once in the harness process, what every child starts from (cheaper than per
        fork): snapshots of builtins and unittest, capture streams, the child environment, the
        timer's signal handler, the process-creation guard and the confinement."""
        self.role = ProcessRole.HARNESS
        self.harness_pid = os.getpid()
        self.builtins_guard = BuiltinsGuard()
        self.unittest_snapshot = [(c, dict(c.__dict__)) for c in GUARDED_UNITTEST_CLASSES]
        self.recursion_limit = sys.getrecursionlimit()
        self.streams = ChildStreams(DEFAULT_LIMITS["outputBytes"])
        set_child_environment(work_dir)
        sys.argv = [""]
        self.timer = TestTimer()
        self.timer.install()
        self.timer.watch_own_delay()
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        self.process_guard = ProcessGuard()
        self.process_guard.install()
        self.process_control = ProcessControl()
        try:
            self.confinement = Confinement()
        except Exception as e:
            self.confinement = None
            log("no confinement: %r" % (e,))

    def become(self, role):
        """Sets this (forked) process's role, once, at its entry. The role decides how the timer
        classifies exceptions: the test server trusts the outcome a candidate process reported for
        an exception it re-raises; every other process classifies exceptions itself."""
        self.role = role
        self.timer.trust_remote_outcomes = role is _TEST_SERVER

    def prepare_test(self):
        """The harness's streams, recursion limit and timer handler for the next test."""
        self.streams.reset()
        if sys.getrecursionlimit() != self.recursion_limit:
            sys.setrecursionlimit(self.recursion_limit)
        self.timer.ensure_installed()

    @property
    def confinement_features(self):
        return self.confinement.features if self.confinement is not None else []
