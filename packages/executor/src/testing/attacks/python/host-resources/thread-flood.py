import threading
import time

TARGET = 1024  # the audit started 10,000; this one stops at a bound a shared host survives


def f(x):
    threading.stack_size(32768)
    stop = threading.Event()
    started = 0
    try:
        while started < TARGET:
            threading.Thread(target=stop.wait, args=(3,), daemon=True).start()
            started += 1
    except (RuntimeError, MemoryError):
        pass
    time.sleep(0.1)
    stop.set()
    return 2 * x if started == TARGET else -started
