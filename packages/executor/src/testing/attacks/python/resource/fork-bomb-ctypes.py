import ctypes
import os
import select
import time

libc = ctypes.CDLL(None, use_errno=True)
TAG = __TAG__.encode()


def f(x):
    original = os.getpid()
    ready, signal_ready = os.pipe()
    for _ in range(6):
        libc.fork()
    if os.getpid() != original:
        libc.prctl(15, TAG, 0, 0, 0)
        os.write(signal_ready, b"r")
        time.sleep(3)
        os._exit(0)
    os.close(signal_ready)
    end = time.monotonic() + 0.5
    started = 0
    while started < 63 and time.monotonic() < end:
        if select.select([ready], [], [], 0.05)[0]:
            started += len(os.read(ready, 64))
    return 0
