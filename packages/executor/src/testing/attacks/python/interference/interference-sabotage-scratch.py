from _shared.neighbour_dirs import _neighbour_dirs, os

import time

SCRATCH = __SCRATCH_FILE__


def f(x):
    end = time.monotonic() + 0.8
    while time.monotonic() < end:
        for directory in _neighbour_dirs():
            path = os.path.join(directory, SCRATCH)
            if os.path.exists(path):
                try:
                    with open(path, "w") as handle:
                        handle.write("0")
                except OSError:
                    pass
        time.sleep(0.01)
    return 0
