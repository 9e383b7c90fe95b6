import os

TARGET = 40000  # empty files: beyond the work directory's inode quota


def f(x):
    made = 0
    try:
        os.mkdir("many")
        while made < TARGET:
            os.close(os.open("many/%d" % made, os.O_WRONLY | os.O_CREAT, 0o600))
            made += 1
    except OSError:
        pass
    return 2 * x if made == TARGET else -made
