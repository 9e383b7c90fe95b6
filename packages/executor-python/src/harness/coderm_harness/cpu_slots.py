"""CPU slots: how many requests run at once on the machine, summed over every harness process of
every coderm run that shares the lock file Node opens as fd 5. A request's time limit means
something only while its processes get a CPU; two runs started side by side would otherwise put
twice as many candidates on the cores as there are cores, and programs that need most of their
limit would time out in one run and pass in the other.

Slot i is byte i of the lock file (POSIX record locks: held per process, released by the kernel
when the process dies, so a killed harness process never leaks one). Byte CPU_SLOTS_TURNSTILE is a
turnstile: a process waiting for a slot holds it, so a process that has just released a slot
cannot take it back before the waiter does. Runs that count different slots share the first ones."""

import errno
import fcntl
import os
import time

from .protocol import (
    CPU_SLOT_KEEPALIVE_S,
    CPU_SLOT_POLL_S,
    CPU_SLOTS_FD,
    CPU_SLOTS_TURNSTILE,
    CPU_SLOTS_VARIABLE,
)

_BUSY = (errno.EACCES, errno.EAGAIN)


class CpuSlots:
    """The machine-wide slots; `acquire` before a request runs its children, `release` after."""

    __slots__ = ("fd", "count", "first", "held")

    def __init__(self, fd, count, first):
        self.fd = fd
        self.count = count
        self.first = first % count
        self.held = None

    @classmethod
    def from_environment(cls, environment):
        """The slots Node handed over (fd 5 and CODERM_CPU_SLOTS), or None when it handed none;
        ValueError for a malformed setting."""
        value = environment.get(CPU_SLOTS_VARIABLE)
        if not value:
            return None
        count, _, first = value.partition(":")
        count = int(count)
        first = int(first or 0)
        if not 1 <= count < CPU_SLOTS_TURNSTILE or first < 0:
            raise ValueError("%s=%r: expected <count>:<first>" % (CPU_SLOTS_VARIABLE, value))
        os.fstat(CPU_SLOTS_FD)  # OSError when Node did not open it
        os.set_inheritable(CPU_SLOTS_FD, False)
        return cls(CPU_SLOTS_FD, count, first)

    def _try(self, index):
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, index, os.SEEK_SET)
            return True
        except OSError as e:
            if e.errno in _BUSY:
                return False
            raise

    def _unlock(self, index):
        fcntl.lockf(self.fd, fcntl.LOCK_UN, 1, index, os.SEEK_SET)

    def acquire(self, waiting):
        """Takes a free slot, waiting as long as it takes; calls `waiting()` about once a second
        while it waits (Node's watchdog hears from the process)."""
        turnstile = CPU_SLOTS_TURNSTILE
        in_turnstile = False
        keepalive_at = time.monotonic() + CPU_SLOT_KEEPALIVE_S
        try:
            while True:
                if not in_turnstile:
                    in_turnstile = self._try(turnstile)
                if in_turnstile:
                    for offset in range(self.count):
                        index = (self.first + offset) % self.count
                        if self._try(index):
                            self.held = index
                            return
                now = time.monotonic()
                if now >= keepalive_at:
                    waiting()
                    keepalive_at = now + CPU_SLOT_KEEPALIVE_S
                time.sleep(CPU_SLOT_POLL_S)
        finally:
            if in_turnstile:
                self._unlock(turnstile)

    def release(self):
        if self.held is not None:
            self._unlock(self.held)
            self.held = None
