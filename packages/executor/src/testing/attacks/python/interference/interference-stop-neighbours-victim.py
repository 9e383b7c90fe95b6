import time


def f(x):
    time.sleep(0.5)
    return 2 * x
