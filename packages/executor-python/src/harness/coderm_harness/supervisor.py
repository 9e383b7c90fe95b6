"""Running one candidate process: its limits, the fork, the watchdog, relaying its results as
they come, and deciding the test it stopped at when it dies or is killed."""

import math
import os
import resource
import select
import signal
import time

from .jobs import runs_program_alone, store_job, write_split_job
from .protocol import (
    CHILD_DONE,
    CPU_BUDGET_SLACK_S,
    ENCODE_BUDGET_S,
    JOB_AREA_BYTES,
    RESULT_TICK_S,
    STARVATION_STEP_S,
    TEST_SERVER_REQUESTS,
    WATCHDOG_FACTOR,
    WATCHDOG_SLACK_S,
    ZYGOTE_LOST,
    ChildPhase,
    RingSlot,
    starvation_allowance,
)
from .support import DEBUG, clip
from .timer import open_run_delay, read_run_delay

STARVED_KILL = "starved"  # killed by the watchdog while the child was still waiting for a CPU

_WRITE_POSITION = int(RingSlot.WRITE_POSITION)
_READ_POSITION = int(RingSlot.READ_POSITION)
_TEST_INDEX = int(RingSlot.TEST_INDEX)
_TEST_START_NS = int(RingSlot.TEST_START_NS)
_PHASE = int(RingSlot.PHASE)
_IMPORTING_MODULES = int(ChildPhase.IMPORTING_MODULES)
_ENCODING_VALUE = int(ChildPhase.ENCODING_VALUE)
NS_PER_S = 1_000_000_000
OUTPUT_TAIL_BYTES = 600
SHARED_FAILURES = ("timeout", "oom", "error")  # a group's uncomputed value shares these


def hard_limits():
    """The hard rlimits of this process: a child's limits never exceed them."""
    limits = {}
    for limit in (
        resource.RLIMIT_CORE,
        resource.RLIMIT_AS,
        resource.RLIMIT_CPU,
        resource.RLIMIT_FSIZE,
        resource.RLIMIT_NOFILE,
    ):
        try:
            limits[limit] = resource.getrlimit(limit)[1]
        except (ValueError, OSError):
            pass
    return limits


class ChildSupervisor:
    """Runs the candidate processes of a request, one after another (see the module docstring)."""

    def __init__(self, workspace, zygote, relay, responses, timings):
        self.workspace = workspace
        self.zygote = zygote
        self.relay = relay
        self.responses = responses
        self.timings = timings  # CODERM_HARNESS_DEBUG: [(label, perf_counter)]
        self.hard_limits = hard_limits()
        self.oom_kills_seen = machine_oom_kills()
        self.sequence = 0  # candidate processes started
        self.test_server_served = 0

    def child_rlimits(self, job):
        limits = job.limits
        wanted = [
            (resource.RLIMIT_CORE, 0),
            (resource.RLIMIT_CPU, int(math.ceil(job.cpu_budget_s))),
            (resource.RLIMIT_FSIZE, int(limits["maxFileBytes"])),
            (resource.RLIMIT_NOFILE, int(limits["maxOpenFiles"])),
        ]
        if limits["memoryMb"] is not None:
            wanted.append((resource.RLIMIT_AS, int(limits["memoryMb"]) << 20))
        out = []
        for limit, value in wanted:
            hard = self.hard_limits.get(limit, resource.RLIM_INFINITY)
            if hard != resource.RLIM_INFINITY and value > hard:
                value = hard
            out.append((limit, value))
        return out

    def _hand_split_tests(self, job, first):
        """The split tests from `first` on go to the test server; the candidate process's
        sequence number when there are any (else None)."""
        if not job.split_plan:
            return None
        todo = {k: v for k, v in job.split_plan.items() if k >= first and k not in job.decided}
        if todo and write_split_job(
            self.workspace.split_job_area, job.sequence, todo, job.limits, job.coverage_limit
        ):
            self.test_server_served += 1
            if self.test_server_served > TEST_SERVER_REQUESTS:  # a fresh test server now and then
                self.zygote.stop_test_server()
                self.test_server_served = 1
            return job.sequence
        for k in todo:
            job.decided[k] = {
                "status": "error",
                "errorType": "BadTest",
                "message": "test code larger than %d bytes" % JOB_AREA_BYTES,
            }
        return None

    def run_child(self, job):
        """Forks one child for job.first.. and supervises it. Returns the next index to run, or
        None."""
        self.zygote.forget_finished()
        workspace = self.workspace
        # what an earlier candidate process left (it is gone: its process group was killed) is
        # removed here, with a budget, never by the next candidate process
        if workspace.clean_work_dir():
            self.zygote.start()
        relay = self.relay
        timings = self.timings
        first = job.first
        now = time.monotonic_ns()
        header = workspace.ring_header
        header[_WRITE_POSITION] = 0
        header[_READ_POSITION] = 0
        header[_TEST_INDEX] = first
        header[_TEST_START_NS] = now
        header[_PHASE] = int(ChildPhase.RUNNING_TEST)
        remaining = [job.budgets[i] for i in range(first, job.count) if i not in job.decided]
        job.cpu_budget_s = sum(remaining) + CPU_BUDGET_SLACK_S
        if job.warmup is not None:
            job.cpu_budget_s += job.limits["importTimeMs"] / 1000.0
        job.rlimits = self.child_rlimits(job)
        job.work_dir = workspace.work_dir
        self.sequence += 1
        job.sequence = self.sequence
        split = self._hand_split_tests(job, first)
        store_job(workspace.job_area, workspace.job_file, job)
        workspace.drain_pipes()
        job.ring_buffer = b""
        job.verdict_buffer = b""
        job.lost = False
        if DEBUG:
            timings.append(("fork", time.perf_counter()))
        pid = self.zygote.fork(split)
        if DEBUG:
            timings.append(("forked", time.perf_counter()))
        # the watchdog, like the child's timer, does not count the child's waits for a CPU
        delay_fd = open_run_delay("/proc/%d/schedstat" % pid)
        watched = None  # the test whose deadline the waits extend, the delay at its start
        watched_delay = 0.0
        granted_ns = 0
        notify_fd = workspace.notify_read
        event_fd = self.zygote.event_fd
        poller = select.poll()
        poller.register(notify_fd, select.POLLIN)
        poller.register(event_fd, select.POLLIN)
        if job.split_plan:
            poller.register(workspace.verdict_read, select.POLLIN)
        read_position = 0
        expected = first  # next index the child must report
        last_progress = now
        done = exited = killed = False
        protocol_error = None
        status = None
        importing_deadline_s = (
            job.limits["importTimeMs"] / 1000.0 * WATCHDOG_FACTOR + WATCHDOG_SLACK_S
        )
        try:
            while True:
                # watchdog deadline for the test the child is running now
                current_index = header[_TEST_INDEX]
                current_start = header[_TEST_START_NS]
                start_ns = (
                    current_start
                    if current_index == expected
                    else max(current_start, last_progress)
                )
                phase = header[_PHASE]
                if expected is None:
                    deadline = None
                elif phase == _IMPORTING_MODULES:
                    deadline = start_ns + int(importing_deadline_s * 1e9)
                elif phase == _ENCODING_VALUE:
                    # a value as large as the test's time allowed takes as long to encode
                    budget = max(ENCODE_BUDGET_S, job.budgets[expected])
                    deadline = start_ns + int(budget * 1e9)
                else:
                    deadline = start_ns + int(job.budgets[expected] * 1e9)
                if expected != watched:
                    watched = expected
                    watched_delay = read_run_delay(delay_fd)
                    granted_ns = 0
                if deadline is not None:
                    deadline += granted_ns
                wait_ms = RESULT_TICK_S * 1000
                if deadline is not None:
                    wait_ms = min(wait_ms, max(0.0, (deadline - time.monotonic_ns()) / 1e6))
                for fd, _event in poller.poll(wait_ms):
                    if fd == notify_fd:
                        try:
                            data = os.read(notify_fd, 4096)
                        except (BlockingIOError, InterruptedError):
                            data = b""
                        if CHILD_DONE in data:
                            done = True
                            if DEBUG:
                                timings.append(("E", time.perf_counter()))
                    elif fd == event_fd:
                        if self.zygote.next_event() is None:
                            exited = True
                            status = ZYGOTE_LOST  # the zygote died, and the child with it
                            self.zygote.start()
                        elif pid in self.zygote.exits:
                            exited = True
                            status = self.zygote.exits.pop(pid)
                # relay what is in the ring
                read_position, expected, progressed, protocol_error = relay.drain(
                    job, read_position, expected
                )
                if progressed:
                    last_progress = time.monotonic_ns()
                if protocol_error is not None or job.lost:
                    break
                if done or exited:
                    break
                if expected is None:
                    continue  # everything reported; wait briefly for its end
                if deadline is not None and time.monotonic_ns() >= deadline:
                    borne, allowed = starvation_allowance(job.budgets[expected])
                    waited_ns = (
                        int((read_run_delay(delay_fd) - watched_delay - borne) * 1e9) - granted_ns
                    )
                    if waited_ns >= STARVATION_STEP_S * 1e9:
                        if granted_ns + waited_ns <= allowed * 1e9:
                            granted_ns += waited_ns
                            continue
                        killed = STARVED_KILL
                    else:
                        killed = True
                    break
                self.responses.flush()
        finally:
            if delay_fd is not None:
                os.close(delay_fd)
            if DEBUG:
                timings.append(("loopend", time.perf_counter()))
            # the whole process group: processes the candidate forked outlive their parent
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                if not exited:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        if (killed or exited or protocol_error is not None) and expected in job.split_plan:
            self.zygote.stop_test_server()  # it may be stuck in that test, or still writing
        if done and protocol_error is None:
            read_position, expected, _, protocol_error = relay.drain(job, read_position, expected)
            if expected is None and protocol_error is None:
                # finished normally: its exit record is collected whenever it arrives; the
                # working directory is cleaned before the next child starts
                if DEBUG:
                    timings.append(("drained", time.perf_counter()))
                self.zygote.finished_normally(pid)
                return None
        if status is None:
            status = self.zygote.exit_status(pid)
        if DEBUG:
            timings.append(("reaped", time.perf_counter()))
        if protocol_error is None and not job.lost:
            read_position, expected, _, protocol_error = relay.drain(job, read_position, expected)
        if workspace.clean_work_dir():
            self.zygote.start()
        if expected is None:
            return None
        if job.lost and protocol_error is None:
            self.responses.emit_decided_until(job, job.count)
            self.responses.flush()
            return expected  # the test process gave up on a stuck candidate
        return self._decide_stopped(
            job, first, expected, header[_PHASE], protocol_error, killed, status, done
        )

    def _decide_stopped(self, job, first, culprit, phase, protocol_error, killed, status, done):
        """The child stopped before reporting test `culprit`: decides it (and what shares its
        fate), emits what is decided, and returns the next index to run."""
        if protocol_error is not None:
            result = {
                "status": "error",
                "errorType": "HarnessProtocol",
                "message": clip(protocol_error),
            }
        elif killed:
            result = {
                "status": "timeout",
                "errorType": "Starved" if killed is STARVED_KILL else "Timeout",
                "message": "killed by the watchdog after %.0f ms" % (job.budgets[culprit] * 1000),
                "wallMs": job.budgets[culprit] * 1000,
            }
        else:
            result = self.death_result(status, done)
        job.decided[culprit] = result
        plan = job.plan
        if phase == _IMPORTING_MODULES:
            # stopped while importing the program's modules: every test imports them
            if killed:
                result["message"] = (
                    "killed while importing the program's modules (importTimeMs %.0f)"
                    % (job.limits["importTimeMs"])
                )
            for m in range(culprit + 1, job.count):
                if m not in job.decided and plan[m] is not None:
                    job.decided[m] = dict(result)
        elif phase == ChildPhase.EXECUTING_PROGRAM and not runs_program_alone(plan[culprit]):
            # it stopped while executing the program itself: every later test would do the same
            for m in range(culprit + 1, job.count):
                if m not in job.decided and plan[m] is not None and not runs_program_alone(plan[m]):
                    job.decided[m] = dict(result)
        # a group whose value this child never computed shares the verdict of its evaluation
        group = job.group_of[culprit]
        if group is not None and result["status"] in SHARED_FAILURES:
            members = job.group_members[group]
            earlier = [m for m in members if first <= m < culprit and m not in job.decided]
            if not earlier:
                for m in members:
                    if m > culprit and m not in job.decided:
                        job.decided[m] = dict(result)
        self.responses.emit_decided_until(job, job.count)
        self.responses.flush()
        return culprit + 1

    def death_result(self, status, done):
        if status == ZYGOTE_LOST:
            return {
                "status": "error",
                "errorType": "ChildExited",
                "message": "the zygote process died while this test ran",
            }
        tail = self.workspace.output_tail(OUTPUT_TAIL_BYTES)
        if os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = "signal %d" % number
            if number == signal.SIGXCPU:
                return {
                    "status": "timeout",
                    "errorType": "Timeout",
                    "message": "CPU time limit (SIGXCPU)",
                }
            if number == signal.SIGKILL:
                # the watchdog's kills are decided before this; another SIGKILL is the kernel's
                # out-of-memory killer only when the machine counted a kill since the last look
                seen, self.oom_kills_seen = self.oom_kills_seen, machine_oom_kills()
                now = self.oom_kills_seen
                if seen is not None and now is not None and now > seen:
                    return {
                        "status": "oom",
                        "errorType": "ChildKilled",
                        "message": clip("child killed by the kernel for lack of memory %s" % tail),
                    }
                message = "child killed by SIGKILL (not for lack of memory, not by the harness)"
            else:
                message = "child died from %s" % name
        elif os.WIFEXITED(status):
            message = "child exited with code %d before reporting this test" % os.WEXITSTATUS(
                status
            )
        else:
            message = "child stopped unexpectedly"
        if tail:
            message += "; output: " + tail
        return {"status": "error", "errorType": "ChildExited", "message": clip(message)}


def machine_oom_kills():
    """How many processes the kernel has killed for lack of memory (its own or a cgroup's) since
    boot, from /proc/vmstat; None where that cannot be read."""
    try:
        with open("/proc/vmstat", "rb") as stats:
            for line in stats:
                if line.startswith(b"oom_kill "):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None
