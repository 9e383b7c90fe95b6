"""Start-up of a harness process: `python -S -u <harness directory or harness.pyz>` (see
PROTOCOL.md and ../__main__.py)."""

import gc
import os
import signal
import tempfile

from .cpu_slots import CpuSlots
from .harness_process import HarnessProcess
from .protocol import REQUEST_FD, RESPONSE_FD, ExitCode
from .support import log

# Standard-library modules that candidates commonly import: imported once in the harness process
# so that a forked child finds them in sys.modules (about 50 ms, 20 MB at start-up).
PREIMPORTED_MODULES = (
    "abc array base64 binascii bisect calendar cmath collections collections.abc contextlib copy "
    "csv ctypes dataclasses datetime decimal difflib enum fnmatch fractions functools glob hashlib "
    "heapq inspect itertools json keyword locale math numbers operator pathlib pprint random "
    "re reprlib secrets statistics string textwrap traceback types typing "
    "unicodedata unittest uuid weakref zlib posix _posixsubprocess"
).split()


def preimport():
    for name in PREIMPORTED_MODULES:
        try:
            __import__(name)
        except Exception:
            pass


def termination_handler(harness_pid):
    """SIGTERM/SIGHUP/SIGINT: the harness process exits (cleaning up); a child that still has
    this handler behaves like the default action."""

    def on_termination(signum, frame):
        if os.getpid() != harness_pid:
            os._exit(128 + signum)
        raise SystemExit(0)

    return on_termination


def main():
    try:
        os.fstat(REQUEST_FD)
        os.fstat(RESPONSE_FD)
    except OSError:
        log("fd %d (requests) and fd %d (responses) must be open" % (REQUEST_FD, RESPONSE_FD))
        return ExitCode.USAGE
    # the int-digit limit stays on: candidate data never converts in quadratic time here (trusted
    # requests lift it while they are read: codec.long_integers)
    tempfile.tempdir = tempfile.gettempdir()  # resolved before the environment is cleared
    try:
        cpu_slots = CpuSlots.from_environment(os.environ)
    except (OSError, ValueError) as e:
        log("CPU slots: %s" % (e,))
        return ExitCode.USAGE
    os.environ.clear()  # children get a minimal environment
    preimport()
    handler = termination_handler(os.getpid())
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(number, handler)
    os.set_inheritable(REQUEST_FD, False)
    os.set_inheritable(RESPONSE_FD, False)
    gc.collect()
    gc.freeze()
    harness = HarnessProcess(REQUEST_FD, RESPONSE_FD, cpu_slots)
    try:
        return harness.serve()
    finally:
        harness.close()
