import os
import socket


def f(x):
    long_name = "n" * 255
    for _ in range(40):  # a path far past PATH_MAX
        try:
            os.mkdir(long_name)
            os.chdir(long_name)
        except OSError:
            break
    os.symlink("loop-a", "loop-b")
    os.symlink("loop-b", "loop-a")
    os.symlink("/", "root")
    os.symlink("..", "up")
    os.mkfifo("fifo")
    try:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind("socket")
    except OSError:
        pass
    return 0
