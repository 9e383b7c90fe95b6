"""Captured output: the sys.stdout/sys.stderr replacements of a child, bounded by a shared budget."""

import io
import sys


class OutputBudget:
    """Characters stdout and stderr may keep together; the rest is counted as dropped."""

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


class BoundedText(io.TextIOBase):
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

    def reconfigure(self, *args, **kwargs):
        pass

    def fileno(self):
        raise io.UnsupportedOperation("fileno")

    def getvalue(self):
        return "".join(self._parts)

    def reset(self):
        self._parts.clear()


def stdin_reader(fd=0):
    """A text reader on fd 0 that never closes it."""
    return io.TextIOWrapper(io.BufferedReader(io.FileIO(fd, "r", closefd=False)), encoding="utf-8")


class ChildStreams:
    """The capture buffers and standard streams every child starts from (made once in the
    harness process, so that a fork finds them ready)."""

    __slots__ = ("budget", "stdout", "stderr", "null_stdin")

    def __init__(self, output_limit):
        self.budget = OutputBudget(output_limit)
        self.stdout = BoundedText(self.budget, "<stdout>")
        self.stderr = BoundedText(self.budget, "<stderr>")
        self.null_stdin = stdin_reader()

    def start(self, output_limit):
        """Empty capture with a fresh budget, installed as sys.stdout/stderr/stdin."""
        budget = self.budget
        budget.limit = output_limit
        budget.used = budget.dropped = 0
        self.stdout.reset()
        self.stderr.reset()
        sys.stdout = self.stdout
        sys.stderr = self.stderr
        sys.stdin = self.null_stdin

    def reset(self):
        """Empty capture and the harness's own streams for the next test."""
        budget = self.budget
        if budget.used or budget.dropped:
            budget.used = 0
            budget.dropped = 0
            self.stdout.reset()
            self.stderr.reset()
        if sys.stdout is not self.stdout:
            sys.stdout = self.stdout
        if sys.stderr is not self.stderr:
            sys.stderr = self.stderr
        if sys.stdin is not self.null_stdin:
            sys.stdin = self.null_stdin

    def captured(self):
        return self.budget.used or self.budget.dropped
