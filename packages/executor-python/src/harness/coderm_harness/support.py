"""Small helpers every harness module uses: diagnostics, bounded text, compiling."""

import os

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


def safe_str(error):
    try:
        return str(error)
    except BaseException:
        return "<unprintable %s>" % type(error).__name__


def describe_exception(error):
    """(class name, clipped message) of an exception."""
    return (type(error).__name__, clip(safe_str(error)))


def compile_code(source, filename, mode="exec"):
    return compile(source, filename, mode, dont_inherit=True, optimize=0)
