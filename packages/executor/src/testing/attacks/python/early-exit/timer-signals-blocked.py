import signal
import time


def f(x):
    signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        try:
            time.sleep(0.05)
        except BaseException:
            pass
    return 2 * x
