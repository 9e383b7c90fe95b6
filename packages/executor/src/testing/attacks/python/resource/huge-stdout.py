import os


def f(x):
    block = b"z" * (1 << 20)
    for _ in range(64):
        try:
            os.write(1, block)
        except OSError:
            break
    for _ in range(32):
        print("w" * (1 << 20))
    return 0
