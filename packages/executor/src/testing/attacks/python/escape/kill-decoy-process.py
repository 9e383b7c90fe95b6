from _shared.proc import _cmdline, _pids, os

import signal

DECOY = __DECOY_TAG__.encode()


def f(x):
    for pid in _pids():
        if DECOY in _cmdline(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    return 0
