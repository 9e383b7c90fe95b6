import os


def _read(path, limit=1 << 16):
    try:
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError:
        return b""


def _parent_of(pid):
    for line in _read("/proc/%d/status" % pid).decode("ascii", "replace").splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return 0


def _ancestors():
    chain, pid = [], os.getpid()
    while len(chain) < 32:
        pid = _parent_of(pid)
        if pid <= 0:
            break
        chain.append(pid)
    return chain


def _exe(pid):
    try:
        return os.path.basename(os.readlink("/proc/%d/exe" % pid))
    except OSError:
        return ""


def _python_ancestors():
    """The zygote and the worker: the Python processes right above this one."""
    out = []
    for pid in _ancestors():
        if not _exe(pid).startswith("python"):
            break
        out.append(pid)
    return out


def _node_ancestor():
    for pid in _ancestors():
        if _exe(pid).startswith("node"):
            return pid
    return 0


def _pids():
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _cmdline(pid):
    return _read("/proc/%d/cmdline" % pid).replace(b"\0", b" ")


def _relatives():
    """Its children and siblings: where a harness keeps a separate test process."""
    me, parent = os.getpid(), os.getppid()
    return [pid for pid in _pids() if pid != me and _parent_of(pid) in (me, parent)]
