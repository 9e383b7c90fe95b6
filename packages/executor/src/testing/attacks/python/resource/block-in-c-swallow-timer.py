import ctypes
import time

libc = ctypes.CDLL(None)


def f(x):
    end = time.monotonic() + 2
    while time.monotonic() < end:
        try:
            libc.sleep(1)
        except BaseException:
            pass
    return 2 * x
