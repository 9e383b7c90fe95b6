import os
import time

ANSWER = __ANSWER_FILE__


def f(x):
    time.sleep(__DELAY__)
    for directory in (os.getcwd(), os.environ.get("TMPDIR", ""), os.path.expanduser("~")):
        try:
            with open(os.path.join(directory, ANSWER)) as handle:
                return int(handle.read())
        except (OSError, ValueError):
            pass
    return 0


VICTIM = __VICTIM_ID__
