import ctypes
import time

libc = ctypes.CDLL(None, use_errno=True)
SYS_CLONE = 56  # x86-64
SIGCHLD = 17
TARGET = 600


def f(x):
    made = 0
    while made < TARGET:
        pid = libc.syscall(SYS_CLONE, SIGCHLD, 0, 0, 0, 0)
        if pid == 0:
            time.sleep(3)
            libc.syscall(60, 0)
        if pid < 0:
            break
        made += 1
    return 2 * x if made == TARGET else -made
