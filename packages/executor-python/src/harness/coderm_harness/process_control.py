"""Process control: the guard that disables process creation in candidate code, and the prctl
calls the harness's processes make on themselves."""

import os
import signal

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_PROCESS_FUNCTIONS = (
    "fork",
    "forkpty",
    "system",
    "popen",
    "posix_spawn",
    "posix_spawnp",
    "spawnv",
    "spawnve",
    "spawnvp",
    "spawnvpe",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnlpe",
    "execv",
    "execve",
    "execvp",
    "execvpe",
    "execl",
    "execle",
    "execlp",
    "execlpe",
    "fexecve",
)


def _process_creation_disabled(*args, **kwargs):
    raise PermissionError("process creation is disabled in this sandbox")


class ProcessGuard:
    """Replaces the process-creating functions of os, posix and _posixsubprocess (in the harness
    process once; children inherit it), keeping the real ones: `fork` is the real os.fork, for
    the harness's own forks."""

    def __init__(self):
        self.fork = os.fork
        self._originals = {}

    def install(self):
        import _posixsubprocess
        import posix

        targets = [(os, n) for n in _PROCESS_FUNCTIONS] + [(posix, n) for n in _PROCESS_FUNCTIONS]
        targets.append((_posixsubprocess, "fork_exec"))
        for module, name in targets:
            if hasattr(module, name) and (module, name) not in self._originals:
                try:
                    self._originals[(module, name)] = getattr(module, name)
                    setattr(module, name, _process_creation_disabled)
                except Exception:
                    pass

    def remove(self):
        """Restores the real functions (a candidate process allowed maxProcesses > 0)."""
        for (module, name), function in self._originals.items():
            try:
                setattr(module, name, function)
            except Exception:
                pass


class ProcessControl:
    """prctl(2) on the calling process, where ctypes can reach it (else nothing happens)."""

    __slots__ = ("prctl",)

    def __init__(self):
        try:
            import ctypes

            self.prctl = ctypes.CDLL(None, use_errno=True).prctl
        except Exception:
            self.prctl = None

    def die_with_parent(self):
        """SIGKILL when the parent dies (PR_SET_PDEATHSIG)."""
        if self.prctl is not None:
            try:
                self.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            except Exception:
                pass

    def become_subreaper(self):
        """Orphaned descendants come to this process (PR_SET_CHILD_SUBREAPER)."""
        if self.prctl is not None:
            try:
                self.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
            except Exception:
                pass
