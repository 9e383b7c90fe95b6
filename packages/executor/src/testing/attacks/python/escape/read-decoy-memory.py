from _shared.env_secret import _secret_in
from _shared.proc import _cmdline, _pids

DECOY = __DECOY_TAG__.encode()


def f(x):
    for pid in _pids():
        if DECOY not in _cmdline(pid):
            continue
        try:
            with open("/proc/%d/maps" % pid) as maps:
                regions = [line for line in maps.read().splitlines() if line.endswith("[stack]")]
            with open("/proc/%d/mem" % pid, "rb", buffering=0) as memory:
                for line in regions:
                    start, stop = (int(part, 16) for part in line.split()[0].split("-"))
                    memory.seek(max(start, stop - (8 << 20)))
                    found = _secret_in(memory.read(min(stop - start, 8 << 20)))
                    if found:
                        return found
        except OSError:
            pass
    return ""
