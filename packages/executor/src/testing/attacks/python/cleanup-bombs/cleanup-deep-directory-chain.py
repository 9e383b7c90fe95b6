import os


def f(x):
    # 3,000 nested directories: a recursive removal overflows Python's stack
    start = os.getcwd()
    try:
        for _ in range(3000):
            os.mkdir("d")
            os.chdir("d")
        with open("bottom", "w") as out:
            out.write("x")
    except OSError:
        pass
    os.chdir(start)
    return 0
