"""The candidate process: forked by the zygote for one request, it runs the candidate program
against the request's tests in order and reports on the result ring. Never returns (os._exit)."""

import builtins
import fcntl
import gc
import os
import resource
import signal
import sys
import tempfile
import time

from .candidate_split import serve_split_test
from .codec import DEFAULT_INT_DIGITS, decode_value, encode_value, output_value
from .coverage_tracer import start_tracer
from .jobs import load_job, runs_program_alone
from .oracles import LIVECODEBENCH_PRELUDE
from .protocol import (
    CHILD_DONE,
    SPLIT_KINDS,
    VALUE_STATUS,
    ChildPhase,
    ExitCode,
    PlanKind,
    RingSlot,
    ValueForm,
)
from .records import ResultRecorder
from .ring import RingWriter, ring_header
from .state import ProcessRole
from .streams import stdin_reader
from .support import clip, safe_str
from .timer import Timeout
from .tree_removal import remove_contents

_TEST_INDEX = int(RingSlot.TEST_INDEX)
_TEST_START_NS = int(RingSlot.TEST_START_NS)
_PHASE = int(RingSlot.PHASE)
_EXECUTING_PROGRAM = int(ChildPhase.EXECUTING_PROGRAM)
_RUNNING_TEST = int(ChildPhase.RUNNING_TEST)
_IMPORTING_MODULES = int(ChildPhase.IMPORTING_MODULES)
_ENCODING_VALUE = int(ChildPhase.ENCODING_VALUE)
# Plain values read once, at import: an enum attribute lookup in a candidate process would write
# to (and so copy) pages it shares with the zygote.
_GROUP = int(PlanKind.GROUP)
_STDIO = int(PlanKind.STDIO)
_CALL = int(PlanKind.CALL)
_VALUE_SEQUENCE = int(PlanKind.VALUE_SEQUENCE)
_DIGEST_ONLY = int(ValueForm.DIGEST)
_DIGEST_WHEN_LARGE = int(ValueForm.DIGEST_WHEN_LARGE)
_CANDIDATE = ProcessRole.CANDIDATE
_EXIT_OK = int(ExitCode.OK)
_EXIT_NOTIFY_FAILED = int(ExitCode.NOTIFY_FAILED)
_EXIT_HARNESS_FAILURE = int(ExitCode.HARNESS_FAILURE)
TAMPERED = ("error", "Tampered", "builtins were modified")
# compiled once, in the harness process, before the zygote: every candidate shares it
_LIVECODEBENCH_PRELUDE = compile(LIVECODEBENCH_PRELUDE, "<livecodebench prelude>", "exec")
# the file descriptors of a candidate process; nothing else stays open
NOTIFY_FD = 3  # the result notification pipe
TEST_SOCKET_FD = 4  # the socket to the test server (split tests)
RULESET_FD = 5  # its Landlock layer, until applied
FIRST_FREE_FD = 6
HIGH_FD = 64
# emptying the working directory between two tests (what the candidate left there)
RESET_ENTRIES = 50_000
RESET_SECONDS = 1.0
# an mtime in the past: any later change of the working directory moves it, whatever the
# timestamp granularity of the file system
WORK_DIR_MARK_NS = 1_000_000_000


class CandidateProcess:
    """Runs inside the forked candidate process (see the module docstring)."""

    # slots: one allocation, not an instance dict growing in pages shared with the zygote
    __slots__ = (
        "state",
        "timer",
        "streams",
        "job",
        "ring_area",
        "notify_fd",
        "test_socket",
        "ruleset",
        "split_job_area",
        "program_failure",
        "program_ran",
        "stdin_fds",
        "work_dir",
        "work_mtime",
        "header",
        "recorder",
        "tracer",
    )

    def __init__(
        self, state, job, ring_area, notify_fd, test_socket=None, ruleset=-1, split_job_area=None
    ):
        self.state = state
        self.timer = state.timer
        self.streams = state.streams
        self.job = job
        self.ring_area = ring_area
        self.notify_fd = notify_fd
        self.test_socket = test_socket
        self.ruleset = ruleset
        self.split_job_area = split_job_area
        # (status, wall, cpu, error type, message, covered lines | None) shared by later tests
        self.program_failure = None
        self.program_ran = False
        self.tracer = None  # coverage requests: records the lines the program runs, per test

    # ---- setup -----------------------------------------------------------------------------
    def setup(self):
        job = self.job
        limits = job.limits
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        self.state.process_control.die_with_parent()
        # the kernel's OOM killer (a harness cgroup's memory limit) picks this process first, not
        # the harness process, whatever memory (memfds, shared maps) the candidate hides from RSS
        try:
            with open("/proc/self/oom_score_adj", "w") as f:
                f.write("1000")
        except OSError:
            pass
        # file descriptors: 0 = /dev/null, 1/2 = private file, 3.. below, nothing else
        null = os.open(os.devnull, os.O_RDONLY)
        if null != 0:
            os.dup2(null, 0)
            os.close(null)
        out = os.open(job.output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        if out not in (1, 2):
            os.close(out)
        notify_high = fcntl.fcntl(self.notify_fd, fcntl.F_DUPFD_CLOEXEC, HIGH_FD)
        socket_high = (
            fcntl.fcntl(self.test_socket, fcntl.F_DUPFD_CLOEXEC, HIGH_FD)
            if self.test_socket is not None
            else -1
        )
        ruleset_high = (
            fcntl.fcntl(self.ruleset, fcntl.F_DUPFD_CLOEXEC, HIGH_FD) if self.ruleset >= 0 else -1
        )
        for high, low in (
            (notify_high, NOTIFY_FD),
            (socket_high, TEST_SOCKET_FD),
            (ruleset_high, RULESET_FD),
        ):
            if high >= 0:
                os.dup2(high, low, inheritable=False)
            else:
                try:
                    os.close(low)
                except OSError:
                    pass
        self.notify_fd = NOTIFY_FD
        self.test_socket = TEST_SOCKET_FD if socket_high >= 0 else None
        self.ruleset = RULESET_FD if ruleset_high >= 0 else -1
        os.closerange(FIRST_FREE_FD, 1 << 20)
        self.state.timer.watch_own_delay()  # (before the confinement could deny /proc)
        if self.split_job_area is not None:
            self.split_job_area.close()  # the split tests are the test server's, not ours
        # stdin for stdio tests: one memfd per test (created before the rlimits apply)
        self.stdin_fds = {}
        for index, data in job.stdin_data.items():
            fd = os.memfd_create("stdin", 0) if hasattr(os, "memfd_create") else None
            if fd is None:
                fd, path = tempfile.mkstemp(dir=job.work_dir)
                os.unlink(path)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            self.stdin_fds[index] = fd
        os.chdir(job.work_dir)
        self.work_dir = job.work_dir  # empty: the harness process cleaned it before the fork
        self.work_mtime = self.mark_work_dir()
        for limit, value in job.rlimits:
            try:
                resource.setrlimit(limit, (value, value))
            except (ValueError, OSError):
                pass
        if self.state.confinement is not None:
            self.state.confinement.nest(self.ruleset)
        if self.ruleset >= 0:
            os.close(self.ruleset)
        if int(limits["maxProcesses"]) > 0:
            self.state.process_guard.remove()
        if DEFAULT_INT_DIGITS:
            sys.set_int_max_str_digits(DEFAULT_INT_DIGITS)
        self.streams.start(int(limits["outputBytes"]))
        self.header = ring_header(self.ring_area)
        self.recorder = ResultRecorder(
            RingWriter(self.ring_area, self.header, self.notify_fd),
            self.streams,
            limits["outputBytes"],
        )

    # ---- helpers ---------------------------------------------------------------------------
    def prologue(self):
        self.state.prepare_test()
        if self.tracer is not None:
            self.tracer.reset()  # each test's lines are its own (the program runs again in it)
        # every test starts in an empty working directory (checked through the directory mtime)
        try:
            mtime = os.stat(self.work_dir).st_mtime_ns
        except OSError:
            mtime = None
        if mtime != self.work_mtime:
            self.reset_work_dir()

    def reset_work_dir(self):
        work_dir = self.work_dir
        try:
            os.chdir(work_dir)
            # iterative and bounded: a tree too large stays, and the next test tries again
            remove_contents(work_dir, RESET_ENTRIES, RESET_SECONDS)
            self.work_mtime = self.mark_work_dir()
        except OSError:
            self.work_mtime = None

    def mark_work_dir(self):
        os.utime(self.work_dir, ns=(WORK_DIR_MARK_NS, WORK_DIR_MARK_NS))
        return os.stat(self.work_dir).st_mtime_ns

    def tampered(self):
        return self.state.builtins_guard.tampered()

    def covered(self):
        """The lines the program ran in the current test (None without coverage)."""
        return None if self.tracer is None else self.tracer.snapshot()

    def start_coverage(self):
        """Coverage requests: traces the program from here on; every record carries its lines."""
        limit = self.job.coverage_limit
        if limit:
            self.tracer = start_tracer(self.job.program, limit)
            self.recorder.coverage = self.tracer.snapshot

    # ---- main loop -------------------------------------------------------------------------
    def run(self):
        job = self.job
        plan = job.plan
        decided = job.decided
        timer = self.timer
        setitimer = signal.setitimer
        real_timer = signal.ITIMER_REAL
        perf_counter = time.perf_counter
        process_time = time.process_time
        monotonic_ns = time.monotonic_ns
        header = self.header
        program = job.program
        group_expressions = job.group_expressions
        computed_groups = set()
        record = self.recorder.record
        prologue = self.prologue
        group_kind = _GROUP
        stdio_kind = _STDIO
        self.program_failure = None
        if job.warmup is not None:
            self.warm_up()
        self.start_coverage()
        for index in range(job.first, job.count):
            if index in decided:
                continue
            entry = plan[index]
            header[_TEST_START_NS] = monotonic_ns()
            header[_TEST_INDEX] = index
            kind = entry[0]
            seconds = entry[-1]
            if kind == group_kind:
                group = entry[1]
                if group in computed_groups:
                    continue  # the harness process judged every test of it
                computed_groups.add(group)
            failure = self.program_failure
            if failure is not None and kind not in SPLIT_KINDS and not runs_program_alone(entry):
                # executing the program itself failed: same verdict for every test (deterministic)
                record(
                    index,
                    failure[0],
                    failure[1],
                    failure[2],
                    failure[3],
                    failure[4],
                    covered=failure[5],
                )
                continue
            if kind == group_kind:
                # the value of the expression goes to the harness process, which compares it with
                # each test's literal (the literals never enter this process)
                prologue()
                program_executed = False
                value = None
                header[_PHASE] = _EXECUTING_PROGRAM
                wall_start = perf_counter()
                cpu_start = process_time()
                timer.start(seconds)
                try:
                    try:
                        namespace = {}
                        exec(program, namespace)
                        program_executed = True
                        header[_PHASE] = _RUNNING_TEST
                        value = encode_value(eval(group_expressions[group], namespace))
                    finally:
                        setitimer(real_timer, 0.0)
                        timer.armed = False
                    outcome = None
                except BaseException as e:
                    outcome = timer.classify(e)
                namespace = None
                wall = perf_counter() - wall_start
                cpu = process_time() - cpu_start
                if outcome is None and timer.fired:
                    outcome = timer.timeout()
                if outcome is None and self.tampered():
                    outcome = TAMPERED
                if outcome is None:
                    record(index, VALUE_STATUS, wall, cpu, value=value)
                else:
                    if not program_executed:
                        self.program_failure = (
                            outcome[0],
                            wall,
                            cpu,
                            outcome[1],
                            outcome[2],
                            self.covered(),
                        )
                    record(index, outcome[0], wall, cpu, outcome[1], outcome[2])
                value = None
                continue
            if kind in SPLIT_KINDS:
                prologue()
                serve_split_test(self, index, seconds)
                continue
            prologue()
            try:
                if kind == _VALUE_SEQUENCE:
                    self.run_values(index, entry)
                elif kind == _CALL:
                    self.run_call(index, entry)
                elif kind == stdio_kind:
                    self.run_stdio(index, entry)
            except (KeyboardInterrupt, Timeout):
                raise
            except Exception as e:  # a harness problem with this test, not a verdict
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                timer.armed = False
                record(
                    index,
                    "error",
                    0.0,
                    0.0,
                    "HarnessError",
                    clip("%s: %s" % (type(e).__name__, safe_str(e))),
                )

    def warm_up(self):
        """Imports the program's third-party modules once, under limits.importTimeMs."""
        job = self.job
        header = self.header
        header[_TEST_START_NS] = time.monotonic_ns()
        header[_TEST_INDEX] = job.first
        header[_PHASE] = _IMPORTING_MODULES
        self.prologue()

        def body():
            exec(job.warmup, {})

        _, outcome, wall, cpu = self.timed(
            body, job.limits["importTimeMs"] / 1000.0, program_phase=False
        )
        header[_PHASE] = _RUNNING_TEST
        if outcome is not None and outcome[0] == "timeout":
            self.program_failure = (
                "timeout",
                wall,
                cpu,
                "Timeout",
                "importing the program's modules took longer than %.0f ms"
                % job.limits["importTimeMs"],
                [] if job.coverage_limit else None,  # (the program itself never ran)
            )
        # other failures surface again, with their own verdict, when the tests run the program
        if self.streams.captured():
            self.prologue()

    def program_done(self):
        self.program_ran = True
        self.header[_PHASE] = _RUNNING_TEST

    def timed(self, fn, seconds, program_phase=True):
        """Runs fn() under the timer. Returns (result, (status, error type, message) | None,
        wall, cpu).

        fn calls self.program_done() once the program itself has executed; a failure before that
        point is a program-level failure that every later test of this process shares."""
        self.program_ran = False
        self.header[_PHASE] = _EXECUTING_PROGRAM if program_phase else _RUNNING_TEST
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        out, outcome = self.timer.run(fn, seconds)
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        if self.tampered() and outcome is None:  # (restores builtins either way)
            outcome = TAMPERED
        elif outcome is not None and program_phase and not self.program_ran:
            self.program_failure = (outcome[0], wall, cpu, outcome[1], outcome[2], self.covered())
        return out, outcome, wall, cpu

    # ---- value tests -----------------------------------------------------------------------
    def run_values(self, index, entry):
        """A check test run as values: each expression's value in order, with the parameter bound
        to the entry point; stops at the first exception (reported with the values before it)."""
        _, entry_point, parameter, expressions, seconds = entry
        program = self.job.program
        values = []

        def body():
            namespace = {}
            exec(program, namespace)
            self.program_done()
            try:
                function = namespace[entry_point]
            except KeyError:
                raise NameError("name %r is not defined" % entry_point) from None
            scope = dict(namespace)
            scope[parameter] = function
            for code in expressions:
                values.append(None if code is None else encode_value(eval(code, scope)))

        _, outcome, wall, cpu = self.timed(body, seconds)
        if outcome is None:
            self.recorder.record(index, VALUE_STATUS, wall, cpu, value=values)
        else:
            self.recorder.record(index, outcome[0], wall, cpu, outcome[1], outcome[2], value=values)

    def run_call(self, index, entry):
        _, entry_point, args, convention, on_solution, value_form, seconds = entry
        program = self.job.program
        try:
            sys.set_int_max_str_digits(0)  # "$int" tags may hold very long integers
        except Exception:
            pass
        try:
            args = decode_value(args)
        finally:
            if DEFAULT_INT_DIGITS:
                sys.set_int_max_str_digits(DEFAULT_INT_DIGITS)

        def body():
            namespace = {}
            exec(program, namespace)
            self.program_done()
            try:
                function = namespace[entry_point]
            except KeyError:
                raise NameError("name %r is not defined" % entry_point) from None
            return function(*args)

        def livecodebench_body():
            # as LiveCodeBench calls it: the prelude and the program as one module, then
            # Solution().<entry point> where the program text defines that class
            namespace = {"__name__": "tmp_sol", "__builtins__": builtins}
            exec(_LIVECODEBENCH_PRELUDE, namespace)
            exec(program, namespace)
            if on_solution:
                function = getattr(namespace["Solution"](), entry_point)
            else:
                try:
                    function = namespace[entry_point]
                except KeyError:
                    raise NameError("name %r is not defined" % entry_point) from None
            return function(*args)

        if convention is None:
            out, outcome, wall, cpu = self.timed(body, seconds)
        else:
            # its program failures are its own: not shared with the other tests of the request
            out, outcome, wall, cpu = self.timed(livecodebench_body, seconds, program_phase=False)
        if outcome is not None:
            self.recorder.record(index, outcome[0], wall, cpu, outcome[1], outcome[2])
            return
        # encoding is harness work: give it its own (generous) watchdog budget
        self.header[_PHASE] = _ENCODING_VALUE
        self.header[_TEST_START_NS] = time.monotonic_ns()
        try:
            sys.set_int_max_str_digits(0)
        except Exception:
            pass
        try:
            value = output_value(out, value_form == _DIGEST_ONLY, value_form == _DIGEST_WHEN_LARGE)
            out = None
            self.recorder.record(index, VALUE_STATUS, wall, cpu, value=value)
        except BaseException as e:
            self.recorder.record(
                index, "error", wall, cpu, "UnserializableValue", clip(safe_str(e))
            )
        finally:
            if DEFAULT_INT_DIGITS:
                sys.set_int_max_str_digits(DEFAULT_INT_DIGITS)

    def run_stdio(self, index, entry):
        _, expected_length, convention, seconds = entry
        job = self.job
        program = job.program
        fd = self.stdin_fds.get(index)
        if fd is not None:
            os.lseek(fd, 0, os.SEEK_SET)
            os.dup2(fd, 0)
        sys.stdin = stdin_reader()
        budget = self.streams.budget
        limit = job.limits["outputBytes"]
        if expected_length is not None:
            budget.limit = max(limit, 2 * expected_length + 4096)

        def body():
            namespace = {"__name__": "__main__", "__builtins__": builtins}
            try:
                if convention is not None:  # "livecodebench": its prelude first
                    exec(_LIVECODEBENCH_PRELUDE, namespace)
                exec(program, namespace)
            except SystemExit as e:
                if e.code is not None and e.code != 0:
                    raise

        try:
            _, outcome, wall, cpu = self.timed(body, seconds, program_phase=False)
            stdout = self.streams.stdout.getvalue()
            if outcome is not None:
                self.recorder.record(
                    index, outcome[0], wall, cpu, outcome[1], outcome[2], stdout_limit=limit
                )
            else:
                # the harness process compares it with the expected output
                self.recorder.record(
                    index,
                    VALUE_STATUS,
                    wall,
                    cpu,
                    stdout_limit=limit,
                    value=stdout if expected_length is not None else stdout[:limit],
                )
        finally:
            budget.limit = limit
            sys.stdin = self.streams.null_stdin
            null = os.open(os.devnull, os.O_RDONLY)
            if null != 0:
                os.dup2(null, 0)
                os.close(null)


def candidate_main(state, handoff, test_socket):
    """Entry of a candidate process (in the zygote's fork). Never returns."""
    state.become(_CANDIDATE)
    code = _EXIT_OK
    try:
        job = load_job(handoff.job_area, handoff.job_file)
        candidate = CandidateProcess(
            state,
            job,
            handoff.ring_area,
            handoff.notify_fd,
            test_socket,
            handoff.candidate_ruleset,
            handoff.split_job_area,
        )
        candidate.setup()
        gc.enable()
        candidate.run()
        try:
            os.write(candidate.notify_fd, CHILD_DONE)
        except OSError:
            code = _EXIT_NOTIFY_FAILED
    except BaseException as e:  # harness failure inside the child: report through the exit code
        try:
            os.write(2, ("harness child failure: %r\n" % (e,)).encode("utf-8", "replace"))
        except BaseException:
            pass
        code = _EXIT_HARNESS_FAILURE
    os._exit(code)
