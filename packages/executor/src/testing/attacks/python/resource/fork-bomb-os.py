import ctypes
import multiprocessing
import os
import subprocess
import sys
import time

TAG = __TAG__
LINGER = [sys.executable or "python3", "-c", "import time; time.sleep(3)", TAG]


def _fork():
    if os.fork() == 0:
        ctypes.CDLL(None).prctl(15, TAG.encode(), 0, 0, 0)
        time.sleep(3)
        os._exit(0)


ATTEMPTS = (
    _fork,
    lambda: os.posix_spawn(LINGER[0], LINGER, {}),
    lambda: subprocess.Popen(LINGER),
    lambda: os.system(" ".join(LINGER[:2]) + " 'import time; time.sleep(3)' " + TAG + " &"),
    lambda: multiprocessing.Process(target=time.sleep, args=(3,)).start(),
)


def f(x):
    for attempt in ATTEMPTS:
        for _ in range(50):
            try:
                attempt()
            except Exception:
                break
    return 0
