from _shared.proc import _node_ancestor, os

import signal


def f(x):
    pid = _node_ancestor()
    if pid:
        try:
            os.kill(pid, signal.SIGUSR2)
        except OSError:
            pass
    return 0
