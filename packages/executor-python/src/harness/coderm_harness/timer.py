"""The per-test timer: SIGALRM on the wall clock, re-raised if the candidate swallows it, and not
counting the time the test's processes waited for a CPU (so machine load cannot cause timeouts)."""

import _signal
import os
import signal

from .protocol import STARVATION_STEP_S, TIMER_REARM_S, starvation_allowance
from .support import clip, exception_type_name, safe_str

TIMEOUT = ("timeout", "Timeout", "time limit exceeded")
# a timeout while the machine kept the test from a CPU past the allowance: says nothing about the
# program (the executor re-runs it and never caches it)
STARVED = ("timeout", "Starved", "time limit exceeded while the machine was overloaded")
_ALARM = int(signal.SIGALRM)
_REAL = signal.ITIMER_REAL


def open_run_delay(path):
    """A descriptor on a schedstat file (`/proc/<task>/schedstat`), or None where the kernel has
    none or it cannot be opened (then no waiting is allowed for: timeouts stand as measured)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def read_run_delay(fd):
    """Seconds the task waited on a run queue since it started (the second field of schedstat);
    0 where it cannot be read."""
    if fd is None:
        return 0.0
    try:
        return int(os.pread(fd, 64, 0).split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class Timeout(BaseException):
    """Raised by the per-test timer. A BaseException so that `except Exception` cannot swallow it."""


class TestTimer:
    """The timer of one process. `armed`: inside a timed region; `fired`: the timer fired in this
    region (a timeout, even if the candidate swallowed the exception); `starved`: it fired with
    the allowance for waiting on a CPU used up while the test was still waiting.

    When the wall-clock period ends, the time this process's main thread (and, in the test
    server, the candidate process it serves: `watch_peer`) spent runnable but waiting for a CPU
    since `start`, beyond the share a test bears itself, is given back as a new period, up to an
    allowance (`starvation_allowance` in protocol.py).
    The delays come from the kernel (schedstat), read through descriptors opened at the process's
    start: a candidate can at most tamper with its own, which gains it no more than the allowance.

    The test server trusts the outcome a candidate process reported for an exception it re-raises
    (`trust_remote_outcomes`); every other process classifies exceptions itself."""

    __slots__ = (
        "armed",
        "fired",
        "starved",
        "trust_remote_outcomes",
        "handler",
        "own_delay",
        "peer_delay",
        "delay_start",
        "given",
        "borne",
        "allowance",
    )

    def __init__(self):
        self.armed = False
        self.fired = False
        self.starved = False
        self.trust_remote_outcomes = False
        self.handler = self.on_alarm  # one bound method: the handler signal.signal holds
        self.own_delay = None
        self.peer_delay = None
        self.delay_start = 0.0
        self.given = 0.0
        self.borne = 0.0
        self.allowance = 0.0

    def watch_own_delay(self):
        """Opens this process's schedstat (once, at a forked process's start: before confinement,
        and after the fork, so that it is this process's own)."""
        self.own_delay = open_run_delay("/proc/thread-self/schedstat")

    def watch_peer(self, pid):
        """Counts process `pid`'s waiting too (the candidate process the test server serves)."""
        self.unwatch_peer()
        self.peer_delay = open_run_delay("/proc/%d/schedstat" % pid)

    def unwatch_peer(self):
        if self.peer_delay is not None:
            os.close(self.peer_delay)
            self.peer_delay = None

    def run_delay(self):
        return read_run_delay(self.own_delay) + read_run_delay(self.peer_delay)

    def on_alarm(self, signum, frame):
        if not self.armed:
            return
        if not self.fired:
            waited = self.run_delay() - self.delay_start - self.borne - self.given
            if waited >= STARVATION_STEP_S:
                if self.given + waited <= self.allowance:
                    self.given += waited
                    signal.setitimer(_REAL, waited)
                    return
                self.starved = True
        self.fired = True
        signal.setitimer(_REAL, TIMER_REARM_S)
        raise Timeout("time limit exceeded")

    def install(self):
        signal.signal(signal.SIGALRM, self.handler)

    def ensure_installed(self):
        """Re-installs the handler if the candidate replaced it (cheap when it did not)."""
        if _signal.getsignal(_ALARM) is not self.handler:
            signal.signal(_ALARM, self.handler)

    def start(self, seconds):
        """Arms the timer for a region of `seconds` (not counting waits for a CPU)."""
        self.fired = False
        self.starved = False
        self.given = 0.0
        self.borne, self.allowance = starvation_allowance(seconds)
        self.delay_start = self.run_delay()
        self.armed = True
        signal.setitimer(_REAL, seconds)

    def stop(self):
        signal.setitimer(_REAL, 0.0)
        self.armed = False

    def timeout(self):
        """The outcome of a region the timer ended."""
        return STARVED if self.starved else TIMEOUT

    def run(self, fn, seconds):
        """fn() under the timer: (result, (status, error type, message) | None). A timer that
        fired, even if the candidate swallowed it, makes the outcome a timeout."""
        self.start(seconds)
        out = None
        try:
            try:
                out = fn()
            finally:
                signal.setitimer(_REAL, 0.0)
                self.armed = False
            outcome = None
        except BaseException as e:
            outcome = self.classify(e)
        if outcome is None and self.fired:
            outcome = self.timeout()
        return out, outcome

    def classify(self, error):
        """Exception -> (status, error type, message)."""
        if self.trust_remote_outcomes:
            remote = getattr(error, "_coderm_remote", None)
            if remote is not None and not self.fired:
                return remote
        # the real class (isinstance could ask the candidate's __class__), and a message that
        # safe_str formats under a timer of its own: this runs after the test's timer stopped
        kind = type(error)
        if self.fired or issubclass(kind, Timeout):
            return self.timeout()
        if issubclass(kind, MemoryError):
            return ("oom", "MemoryError", clip(safe_str(error)))
        if issubclass(kind, AssertionError):
            return ("fail", "AssertionError", clip(safe_str(error)))
        return ("error", clip(exception_type_name(error), 200), clip(safe_str(error)))
