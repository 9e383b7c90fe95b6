"""Per-method outcomes of unittest tests, each method under its own timer."""

import signal
import unittest

from .support import clip, safe_str
from .timer import Timeout

METHOD_NAME_LIMIT = 300
METHOD_MESSAGE_LIMIT = 300


class MethodResults(unittest.TestResult):
    """Per-method outcomes, with the per-test timer armed in startTest and disarmed in stopTest."""

    def __init__(self, seconds, timer):
        super().__init__()
        self._seconds = seconds
        self._timer = timer
        self._records = []
        self._current = None

    def _name(self, test):
        method = getattr(test, "_testMethodName", None)
        if method is None:
            return clip(str(getattr(test, "description", test)), METHOD_NAME_LIMIT)
        return clip("%s.%s" % (type(test).__name__, method), METHOD_NAME_LIMIT)

    def _set(self, test, status, error_type=None, message=None):
        record = self._current if (self._current is not None and self._current[0] is test) else None
        if record is None:
            record = [test, {"n": self._name(test), "s": "pass"}]
            self._records.append(record)
        outcome = record[1]
        if outcome["s"] in ("pass", "skip") or status == "timeout":
            outcome["s"] = status
            if error_type:
                outcome["e"] = error_type
            if message:
                outcome["m"] = clip(message, METHOD_MESSAGE_LIMIT)

    def startTest(self, test):
        super().startTest(test)
        self._current = [test, {"n": self._name(test), "s": "pass"}]
        self._records.append(self._current)
        self._timer.start(self._seconds)

    def stopTest(self, test):
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        timer = self._timer
        timer.armed = False
        if timer.fired:
            self._set(test, *timer.timeout())
            timer.fired = False
        self._current = None
        super().stopTest(test)

    def _error(self, test, error):
        error_class, value = error[0], error[1]
        if self._timer.fired or (error_class is not None and issubclass(error_class, Timeout)):
            self._set(test, *self._timer.timeout())
        elif error_class is not None and issubclass(error_class, MemoryError):
            self._set(test, "oom", "MemoryError", safe_str(value))
        elif error_class is not None and issubclass(error_class, AssertionError):
            self._set(test, "fail", "AssertionError", safe_str(value))
        else:
            self._set(test, "error", getattr(error_class, "__name__", "Error"), safe_str(value))

    def addError(self, test, err):
        self._error(test, err)

    def addFailure(self, test, err):
        if self._timer.fired:
            self._set(test, *self._timer.timeout())
        else:
            self._set(test, "fail", "AssertionError", safe_str(err[1]))

    def addSubTest(self, test, subtest, err):
        if err is not None:
            if issubclass(err[0], test.failureException) and not self._timer.fired:
                self.addFailure(test, err)
            else:
                self._error(test, err)

    def addSuccess(self, test):
        pass

    def addSkip(self, test, reason):
        method = getattr(test, "_testMethodName", None)
        function = getattr(type(test), method, None) if method else None
        declared = bool(
            getattr(function, "__unittest_skip__", False)
            or getattr(type(test), "__unittest_skip__", False)
        )
        if declared:
            self._set(test, "skip", None, str(reason))
        else:
            self._set(test, "error", "SkipTest", "skipped at run time: %s" % reason)

    def addExpectedFailure(self, test, err):
        pass

    def addUnexpectedSuccess(self, test):
        self._set(test, "fail", "UnexpectedSuccess", "unexpected success")

    def abort(self, outcome):
        if self._current is not None:
            self._set(self._current[0], outcome[0], outcome[1], outcome[2])
        else:
            self._records.append(
                [
                    None,
                    {
                        "n": "<run>",
                        "s": outcome[0],
                        "e": outcome[1],
                        "m": clip(outcome[2], METHOD_MESSAGE_LIMIT),
                    },
                ]
            )

    def methods(self):
        return [record[1] for record in self._records]
