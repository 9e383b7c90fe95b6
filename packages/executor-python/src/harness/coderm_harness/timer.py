"""The per-test timer: SIGALRM on the wall clock, re-raised if the candidate swallows it."""

import _signal
import signal

from .protocol import TIMER_REARM_S
from .support import clip, exception_type_name, safe_str

TIMEOUT = ("timeout", "Timeout", "time limit exceeded")
_ALARM = int(signal.SIGALRM)


class Timeout(BaseException):
    """Raised by the per-test timer. A BaseException so that `except Exception` cannot swallow it."""


class TestTimer:
    """The timer of one process. `armed`: inside a timed region; `fired`: the timer fired in this
    region (a timeout, even if the candidate swallowed the exception).

    The test server trusts the outcome a candidate process reported for an exception it re-raises
    (`trust_remote_outcomes`); every other process classifies exceptions itself."""

    __slots__ = ("armed", "fired", "trust_remote_outcomes", "handler")

    def __init__(self):
        self.armed = False
        self.fired = False
        self.trust_remote_outcomes = False
        self.handler = self.on_alarm  # one bound method: the handler signal.signal holds

    def on_alarm(self, signum, frame):
        if self.armed:
            self.fired = True
            signal.setitimer(signal.ITIMER_REAL, TIMER_REARM_S)
            raise Timeout("time limit exceeded")

    def install(self):
        signal.signal(signal.SIGALRM, self.handler)

    def ensure_installed(self):
        """Re-installs the handler if the candidate replaced it (cheap when it did not)."""
        if _signal.getsignal(_ALARM) is not self.handler:
            signal.signal(_ALARM, self.handler)

    def start(self, seconds):
        self.fired = False
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def stop(self):
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        self.armed = False

    def run(self, fn, seconds):
        """fn() under the timer: (result, (status, error type, message) | None). A timer that
        fired, even if the candidate swallowed it, makes the outcome a timeout."""
        self.fired = False
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        out = None
        try:
            try:
                out = fn()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                self.armed = False
            outcome = None
        except BaseException as e:
            outcome = self.classify(e)
        if outcome is None and self.fired:
            outcome = TIMEOUT
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
            return TIMEOUT
        if issubclass(kind, MemoryError):
            return ("oom", "MemoryError", clip(safe_str(error)))
        if issubclass(kind, AssertionError):
            return ("fail", "AssertionError", clip(safe_str(error)))
        return ("error", clip(exception_type_name(error), 200), clip(safe_str(error)))
