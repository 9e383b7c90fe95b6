"""The zygote: a copy of the harness process made after the imports, which only forks, so that
forking stays cheap (the harness process's own heap is never write-protected by a fork). It forks
a candidate process per request, and the test server when split tests first need it, and reports
their starts and exits to the harness process."""

import gc
import os
import select
import signal
import socket
import sys
import time

from . import analysis
from .candidate import candidate_main
from .protocol import (
    FORK_SPLIT_COMMAND,
    SEQUENCE,
    SPLIT_MESSAGE,
    ZYGOTE_EVENT,
    ExitCode,
    ZygoteEvent,
)
from .state import ProcessRole
from .test_server import test_server_main

COMMAND_BYTES = 1 + SEQUENCE.size
POLL_BUSY_MS = 20  # while children run: how often exits are reaped
POLL_IDLE_MS = 1000
FORK_RETRY_S = 2.0  # how long a fork is retried while the process limit is reached
FORK_RETRY_WAIT_S = 0.01


def _close_inherited_fds(keep):
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def zygote_main(state, handoff):
    """Entry of the zygote (forked by the harness process). Never returns normally."""
    state.become(ProcessRole.ZYGOTE)
    state.process_control.die_with_parent()  # dies with the harness process ...
    if os.getppid() != handoff.harness_pid:  # ... including if it is already gone
        os._exit(ExitCode.OK)
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    state.process_control.become_subreaper()  # orphaned grandchildren come here
    if hasattr(sys, "set_int_max_str_digits"):
        # the test server (and a candidate process until its setup) work as they always did:
        # without the int-digit limit the harness process keeps on for itself
        sys.set_int_max_str_digits(0)
    command_fd = handoff.command_fd
    event_fd = handoff.event_fd
    # what earlier requests left in the harness process's caches stays out of every child
    analysis.clear_caches()
    _close_inherited_fds(
        {
            0,
            1,
            2,
            command_fd,
            event_fd,
            handoff.notify_fd,
            handoff.verdict_fd,
            handoff.candidate_ruleset,
            handoff.zygote_ruleset,
        }
    )
    # confined once here, inherited by the test server and every candidate process (which adds
    # a Landlock layer of its own); a failure here fails every request instead of running weaker
    if state.confinement is not None:
        state.confinement.apply(handoff.zygote_ruleset)
    if handoff.zygote_ruleset >= 0:
        os.close(handoff.zygote_ruleset)
    gc.freeze()
    fork = state.process_guard.fork
    poller = select.poll()
    poller.register(command_fd, select.POLLIN)
    live = {}  # pid -> pidfd (or None)
    server = None  # (pid, socket to it)

    def track(pid):
        pidfd = None
        if hasattr(os, "pidfd_open"):
            try:
                pidfd = os.pidfd_open(pid)
                poller.register(pidfd, select.POLLIN)
            except OSError:
                pidfd = None
        live[pid] = pidfd

    def reap():
        """Reaps exited children and strays of their groups; reports each child's exit."""
        nonlocal server
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
            pidfd = live.pop(pid, -1)
            if pidfd == -1:
                continue  # a stray
            if pidfd is not None:
                poller.unregister(pidfd)
                os.close(pidfd)
            if server is not None and pid == server[0]:
                server[1].close()
                server = None
            try:
                os.killpg(pid, signal.SIGKILL)  # a test server's group: what its tests started
            except OSError:
                pass
            os.write(event_fd, ZYGOTE_EVENT.pack(ZygoteEvent.CHILD_EXITED, pid, status))

    def fork_child():
        """fork(), retried while the process limit (a cgroup's pids.max, RLIMIT_NPROC) is reached
        by processes that are killed but not yet reaped, such as what a fork bomb left."""
        deadline = time.monotonic() + FORK_RETRY_S
        while True:
            try:
                return fork()
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise
                reap()
                time.sleep(FORK_RETRY_WAIT_S)

    while True:
        try:
            events = poller.poll(POLL_BUSY_MS if live else POLL_IDLE_MS)
        except InterruptedError:
            continue
        for fd, _event in events:
            if fd != command_fd:
                continue
            try:
                command = os.read(command_fd, COMMAND_BYTES)
            except InterruptedError:
                continue
            if not command:
                os._exit(ExitCode.OK)
            candidate_socket = None
            theirs = None
            if command[:1] == FORK_SPLIT_COMMAND and len(command) == COMMAND_BYTES:
                mine, theirs = socket.socketpair()
                candidate_socket = mine.detach()
            pid = fork_child()
            if pid == 0:
                try:
                    os.close(command_fd)
                    os.close(event_fd)
                    os.close(handoff.verdict_fd)
                    if server is not None:
                        server[1].close()
                    if theirs is not None:
                        theirs.close()
                    for pidfd in live.values():
                        if pidfd is not None:
                            os.close(pidfd)
                    candidate_main(state, handoff, candidate_socket)
                finally:
                    os._exit(ExitCode.FORK_FAILURE)
            if candidate_socket is not None:
                os.close(candidate_socket)
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass
            track(pid)
            os.write(event_fd, ZYGOTE_EVENT.pack(ZygoteEvent.CHILD_STARTED, pid, 0))
            if theirs is not None:
                # the test server gets its end of the candidate's socket with the candidate's pid
                # (whose waiting for a CPU its timer allows for), from here, where it is known
                message = SPLIT_MESSAGE.pack(SEQUENCE.unpack(command[1:])[0], pid)
                for _attempt in (0, 1):
                    if server is None:
                        server_end, listener = socket.socketpair(
                            socket.AF_UNIX, socket.SOCK_SEQPACKET
                        )
                        server_pid = fork_child()
                        if server_pid == 0:
                            try:
                                server_end.close()
                                test_server_main(state, handoff, listener.detach())
                            finally:
                                os._exit(ExitCode.FORK_FAILURE)
                        listener.close()
                        server = (server_pid, server_end)
                        track(server_pid)
                        os.write(
                            event_fd,
                            ZYGOTE_EVENT.pack(ZygoteEvent.TEST_SERVER_STARTED, server_pid, 0),
                        )
                    try:
                        socket.send_fds(server[1], [message], [theirs.fileno()])
                        break
                    except OSError:  # the server died: its exit is reported when reaped
                        try:
                            os.killpg(server[0], signal.SIGKILL)
                        except OSError:
                            pass
                        server[1].close()
                        server = None
                theirs.close()
        if live:
            reap()
