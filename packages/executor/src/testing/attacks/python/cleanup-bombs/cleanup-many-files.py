import os
import time


def f(x):
    # as many empty files as 0.8 s allows, in a few directories
    deadline = time.monotonic() + 0.8
    n = 0
    while time.monotonic() < deadline:
        directory = "many-%d" % (n // 5000)
        if n % 5000 == 0:
            os.mkdir(directory)
        os.close(os.open("%s/%d" % (directory, n), os.O_CREAT | os.O_WRONLY, 0o600))
        n += 1
    return 0
