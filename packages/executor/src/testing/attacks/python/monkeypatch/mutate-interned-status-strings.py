from _shared.intern import _text_address

import ctypes


def f(x):
    address = _text_address("fail")
    if ctypes.string_at(address, 4) == b"fail":
        ctypes.memmove(address, b"pass", 4)
    raise AssertionError("wrong answer")
