import sys


def _text_address(text):
    """Address of the characters of the interned string (the same in every forked process)."""
    target = sys.intern(text)
    return id(target) + sys.getsizeof(target) - len(target) - 1
