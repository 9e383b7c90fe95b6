"""Small helpers every harness module uses: diagnostics, bounded text, formatting exceptions
safely, compiling."""

import os
import signal
import threading

from .protocol import MESSAGE_LIMIT

DEBUG = bool(os.environ.get("CODERM_HARNESS_DEBUG"))  # read before the environment is cleared


def log(message):
    """A diagnostic line on stderr (not part of the protocol)."""
    try:
        os.write(2, ("[harness %d] %s\n" % (os.getpid(), message)).encode("utf-8", "replace"))
    except OSError:
        pass


def clip(text, limit=MESSAGE_LIMIT):
    if len(text) > limit:
        return text[:limit] + "...[%d more]" % (len(text) - limit)
    return text


# Formatting an exception may run the candidate's code (__str__, __repr__ of its arguments): it
# runs under a timer of its own, FORMAT_SECONDS at most, re-raised every FORMAT_REARM_S.
FORMAT_SECONDS = 0.25
FORMAT_REARM_S = 0.02
_TYPE_NAME = type.__dict__["__name__"]  # the class's own name, past any metaclass
# built-in exceptions whose str() is str(args[0]) (or "") and reads no other field
_PLAIN_EXCEPTIONS = frozenset(
    (
        ArithmeticError,
        AssertionError,
        AttributeError,
        Exception,
        IndexError,
        KeyError,
        LookupError,
        MemoryError,
        NameError,
        NotImplementedError,
        OverflowError,
        RecursionError,
        RuntimeError,
        TypeError,
        ValueError,
        ZeroDivisionError,
    )
)


class FormattingTimeout(BaseException):
    """Formatting an exception ran out of time."""


def _on_format_alarm(signum, frame):
    raise FormattingTimeout()


def exact_text(text):
    """A str subclass's characters as a plain str, without calling any of its methods."""
    return text if type(text) is str else "".join((text,))


def exception_type_name(error):
    """The name of an exception's class, as the class was created (no candidate code runs)."""
    try:
        return exact_text(_TYPE_NAME.__get__(type(error)))
    except BaseException:
        return "?"


def _format(error):
    text = str(error)
    return clip(exact_text(text)) if isinstance(text, str) else None


def safe_str(error):
    """str(error), clipped; bounded in time when it could run candidate code (an error's own
    __str__, its arguments' __str__ or __repr__): "<unprintable Name>" when it fails or loops."""
    kind = type(error)
    if kind in _PLAIN_EXCEPTIONS:
        args = error.args
        if not args:
            return ""
        if len(args) == 1 and type(args[0]) is str and kind is not KeyError:
            return args[0]
    text = None
    if threading.current_thread() is threading.main_thread():
        text = _bounded(_format, error)
    else:  # no timer outside the main thread (nothing of the harness formats there)
        try:
            text = _format(error)
        except BaseException:
            text = None
    if text is None:
        return "<unprintable %s>" % exception_type_name(error)
    return text


def _bounded(fn, argument):
    """fn(argument) under the formatting timer (the process's own timer, if it was running,
    resumes afterwards); None when it raised or ran out of time."""
    handler = outer = None
    try:
        try:
            handler = signal.signal(signal.SIGALRM, _on_format_alarm)
            outer = signal.setitimer(signal.ITIMER_REAL, FORMAT_SECONDS, FORMAT_REARM_S)
            return fn(argument)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
    except BaseException:
        return None
    finally:
        if handler is not None:
            signal.signal(signal.SIGALRM, handler)
        if outer is not None and outer[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, outer[0], outer[1])


def describe_exception(error):
    """(class name, clipped message) of an exception."""
    return (exception_type_name(error), clip(safe_str(error)))


def compile_code(source, filename, mode="exec"):
    return compile(source, filename, mode, dont_inherit=True, optimize=0)
