from _shared.detach import _detach
from _shared.neighbour_dirs import _neighbour_dirs, os

import time

TAG = __TAG__.encode()
ANSWER = __ANSWER_FILE__


def _plant():
    end = time.monotonic() + 2.5
    while time.monotonic() < end:
        for directory in _neighbour_dirs() + [os.getcwd()]:
            try:
                with open(os.path.join(directory, ANSWER), "w") as handle:
                    handle.write("42")
            except OSError:
                pass
        time.sleep(0.01)


def f(x):
    _detach(TAG, _plant)
    return 0
