import time

SCRATCH = __SCRATCH_FILE__


def f(x):
    with open(SCRATCH, "w") as handle:
        handle.write(str(x))
    time.sleep(0.5)
    with open(SCRATCH) as handle:
        return 2 * int(handle.read())
