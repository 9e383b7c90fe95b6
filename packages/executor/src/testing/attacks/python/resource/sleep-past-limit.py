import time


def f(x):
    time.sleep(2)
    return 2 * x
