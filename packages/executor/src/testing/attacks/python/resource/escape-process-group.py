from _shared.detach import _detach

import time

TAG = __TAG__.encode()


def f(x):
    _detach(TAG, lambda: time.sleep(3))
    return 0
