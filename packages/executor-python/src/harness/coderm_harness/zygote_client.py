"""The harness process's end of its zygote: starting and replacing it, asking it for children,
and following their exits."""

import gc
import os
import signal

from .protocol import (
    FORK_COMMAND,
    FORK_SPLIT_COMMAND,
    SEQUENCE,
    ZYGOTE_EVENT,
    ZYGOTE_LOST,
    ExitCode,
    ZygoteEvent,
)
from .support import log
from .zygote import zygote_main

PENDING_LIMIT = 64


def wait_for(pid):
    """Reaps `pid` (a child of this process); its wait status."""
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue


class ZygoteClient:
    """Starts the zygote (and again whenever it dies), asks it for candidate processes, and keeps
    the exit records it sends: exits[pid] = wait status."""

    def __init__(self, state, workspace):
        self.state = state
        self.workspace = workspace
        self.pid = None
        self.command_fd = -1
        self.event_fd = -1
        self.test_server_pid = None  # forked by the zygote when split tests first need it
        self.exits = {}
        self.pending = set()  # children that finished normally, exit not yet seen

    def start(self):
        """Forks the zygote: a clean copy of this process that forks the per-request children."""
        self.stop()
        command_read, command_write = os.pipe()  # harness process -> zygote: fork commands
        event_read, event_write = os.pipe()  # zygote -> harness process: events
        handoff = self.workspace.handoff(command_read, event_write)
        gc.collect()
        gc.freeze()
        pid = self.state.process_guard.fork()
        if pid == 0:
            try:
                zygote_main(self.state, handoff)
            finally:
                os._exit(ExitCode.OK)
        os.close(command_read)
        os.close(event_write)
        self.test_server_pid = None
        self.pid = pid
        self.command_fd = command_write
        self.event_fd = event_read
        self.exits = {}

    def stop(self):
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        wait_for(self.pid)
        for fd in (self.command_fd, self.event_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.pid = None

    def next_event(self):
        """Reads one event; exits go to self.exits. Returns the event, None if the zygote died."""
        event = self._read_event()
        if event is not None:
            if event[0] == ZygoteEvent.CHILD_EXITED:
                if event[1] == self.test_server_pid:
                    self.test_server_pid = None
                else:
                    self.exits[event[1]] = event[2]
            elif event[0] == ZygoteEvent.TEST_SERVER_STARTED:
                self.test_server_pid = event[1]
        return event

    def _read_event(self):
        """Next (event, pid, status) from the zygote; None if it died."""
        buffer = b""
        while len(buffer) < ZYGOTE_EVENT.size:
            try:
                chunk = os.read(self.event_fd, ZYGOTE_EVENT.size - len(buffer))
            except InterruptedError:
                continue
            except OSError:
                return None
            if not chunk:
                return None
            buffer += chunk
        return ZYGOTE_EVENT.unpack(buffer)

    def stop_test_server(self):
        """Kills the test server and waits until the zygote has reaped it."""
        if self.test_server_pid is None:
            return
        try:
            os.killpg(self.test_server_pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(self.test_server_pid, signal.SIGKILL)
            except OSError:
                pass
        while self.test_server_pid is not None:
            if self.next_event() is None:
                self.start()

    def fork(self, sequence=None):
        """Asks the zygote for a child (connected to the test server for candidate process
        `sequence` when given); returns its pid (the zygote is restarted if it died)."""
        command = FORK_COMMAND if sequence is None else FORK_SPLIT_COMMAND + SEQUENCE.pack(sequence)
        for _attempt in (0, 1):
            try:
                os.write(self.command_fd, command)
                event = self.next_event()
                while event is not None and event[0] != ZygoteEvent.CHILD_STARTED:
                    event = self.next_event()
            except OSError:
                event = None
            if event is not None:
                return event[1]
            log("zygote lost; restarting")
            self.start()
        raise RuntimeError("cannot start a child process")

    def exit_status(self, pid):
        """The wait status of child `pid` (ZYGOTE_LOST if the zygote died first)."""
        while pid not in self.exits:
            if self.next_event() is None:
                self.start()
                return ZYGOTE_LOST
        return self.exits.pop(pid)

    def finished_normally(self, pid):
        """Child `pid` reported everything: its exit record is dropped whenever it arrives."""
        if self.exits.pop(pid, None) is None:
            self.pending.add(pid)

    def forget_finished(self):
        """Drops exit records of children that finished normally (kept bounded)."""
        if self.exits and self.pending:
            for pid in list(self.exits):
                if pid in self.pending:
                    self.pending.discard(pid)
                    del self.exits[pid]
        if len(self.pending) > PENDING_LIMIT:
            self.pending.clear()

    def close(self):
        self.stop()
