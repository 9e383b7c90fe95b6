"""The test server: a process forked by the zygote (never by a candidate process) and confined
once, on its own, that runs the split tests (see channel.py) of one candidate process after
another and reports their verdicts on its pipe."""

import builtins
import gc
import os
import resource
import signal
import socket
import sys
import time
import unittest

from .analysis import BUILTIN_NAMES, STDLIB_NAMES
from .channel import CandidateLost, VerdictPipe, receive_message, send_message
from .codec import encode_value, record_decoder
from .jobs import read_split_job
from .protocol import COVERAGE_FETCH_S, DEFAULT_LIMITS, SPLIT_MESSAGE, ExitCode, PlanKind
from .records import ResultRecorder
from .remote import ForgedMessage, decode_candidate_value, reference_out, remote_exception
from .state import ProcessRole, unittest_modified
from .support import clip, safe_str
from .timer import Timeout
from .unittest_result import MethodResults

TAMPERED = ("error", "Tampered", "builtins were modified")
PROTOCOL_ERROR = "HarnessProtocol"
SHORTEST_BUDGET_S = 0.001
# the candidate's own timer fires a little earlier than the test's, so it normally answers
# "timeout" itself
CANDIDATE_MARGIN_S = 0.01
REAP_ROUNDS = 100
REAP_WAIT_S = 0.05
_MODULE_TYPE = type(sys)


class TestServer:
    """Serves one candidate process after another: runs the test code of their split tests."""

    def __init__(self, state, verdicts, work_dir):
        if state.role is not ProcessRole.TEST_SERVER:
            raise RuntimeError("a TestServer runs only in the test server process")
        self.state = state
        self.timer = state.timer
        self.streams = state.streams
        self.verdicts = verdicts
        self.recorder = ResultRecorder(verdicts, self.streams, DEFAULT_LIMITS["outputBytes"])
        self.forged = None  # what the candidate process sent that the protocol does not allow
        self.work_dir = work_dir
        self.lost = False
        self.coverage_limit = 0  # coverage requests: the program's line count
        self.seconds = 0.0
        self.program_time = (0.0, 0.0)

    def tampered(self):
        return self.state.builtins_guard.tampered()

    def request(self, operation, reference=None, **fields):
        """Asks the candidate process to do `operation` with its object `reference`; returns the
        answer (plain values or proxies), or raises what candidate code raised."""
        if self.lost:
            raise CandidateLost("the candidate process is not answering")
        remaining = signal.getitimer(signal.ITIMER_REAL)[0] or self.seconds
        fields["op"] = operation
        fields["r"] = reference
        fields["t"] = max(SHORTEST_BUDGET_S, remaining - CANDIDATE_MARGIN_S)
        if "a" in fields:
            fields["a"] = encode_value(fields["a"], 0, reference_out)
        if "k" in fields:
            fields["k"] = encode_value(fields["k"], 0, reference_out)
        send_message(self.socket, fields)
        try:
            raw = receive_message(self.socket)
        except Timeout:
            self.lost = self.verdicts.lost = True
            raise
        if raw is None:
            self.lost = self.verdicts.lost = True
            raise CandidateLost("the candidate process exited")
        message = record_decoder.decode(raw)
        if type(message) is not dict or len(message) != 1:
            raise self.forge("malformed answer")
        if "raise" in message:
            raise self.remote_raise(message["raise"])
        if "ok" not in message:
            raise self.forge("malformed answer")
        return self.decode(message["ok"])

    def candidate_coverage(self):
        """The lines the candidate process ran in the test just judged (a coverage request), as
        it reports them (the harness process keeps only executable lines), or None when it does
        not answer (it is then given up, as a stuck candidate process is)."""
        if self.lost:
            return None

        def ask():
            send_message(self.socket, {"op": "coverage"})
            return receive_message(self.socket)

        raw, outcome = self.timer.run(ask, COVERAGE_FETCH_S)
        if outcome is not None or raw is None:
            self.lost = self.verdicts.lost = True
            return None
        try:
            message = record_decoder.decode(raw)
        except ValueError:
            return None
        lines = message.get("ok") if type(message) is dict else None
        if type(lines) is not list:
            return None
        limit = self.coverage_limit  # (a candidate process reports each line once, sorted)
        return sorted({line for line in lines if type(line) is int and 0 < line <= limit})

    def forge(self, reason):
        """Marks the test being served as broken by a forged message (its verdict becomes an
        error whatever the test code does next) and returns the exception to raise."""
        if self.forged is None:
            self.forged = reason
        return ForgedMessage(reason)

    def decode(self, encoded):
        """A value from the candidate process, through the allow-list of remote.py."""
        try:
            return decode_candidate_value(encoded, self)
        except ForgedMessage as e:
            raise self.forge(safe_str(e)) from None
        except RecursionError:
            raise self.forge("value nested too deeply") from None

    def remote_raise(self, raised):
        """The exception a candidate process reported, re-created (a malformed report is forged)."""
        if (
            type(raised) is not list
            or len(raised) != 3
            or type(raised[0]) is not str
            or type(raised[1]) is not str
            or type(raised[2]) not in (str, type(None))
        ):
            return self.forge("malformed exception report")
        return remote_exception(raised, self.timer)

    def timed(self, fn):
        """fn() under the test's timer; the time the program took in the candidate process
        counts towards the test's. Returns (result, outcome | None, wall, cpu)."""
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        self.forged = None
        out, outcome = self.timer.run(fn, self.seconds)
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        if self.tampered() and outcome is None:  # (restores builtins either way)
            outcome = TAMPERED
        if self.forged is not None:  # whatever the test code made of it
            outcome = ("error", PROTOCOL_ERROR, clip("forged message: %s" % self.forged))
        return out, outcome, wall + self.program_time[0], cpu + self.program_time[1]

    def namespace(self, entry_point=None):
        """The candidate program's globals, executed afresh in the candidate process (it sends
        them with the request to run the test).

        What arrives is hostile data, taken through an allow-list: names that are identifiers and
        not dunder, values of the codec (plain data, proxies, real modules). Anything else is a
        forged message (an error verdict). `__builtins__` is always this process's real builtins
        module."""
        message = self.run_message
        if "raise" in message:
            raise self.remote_raise(message["raise"])
        encoded = message.get("ok")
        if type(encoded) is not dict:
            raise self.forge("malformed namespace")
        for name in encoded:
            if not name.isidentifier() or name[:2] == "__":
                raise self.forge("namespace entry %r" % clip(name, 60))
        names = {k: self.decode(v) for k, v in encoded.items()}
        # the test's builtins and standard modules are the real ones, whatever the program bound
        # to those names (only the function under test may carry such a name)
        for name in [
            k for k in names if k != entry_point and (k in BUILTIN_NAMES or k in STDLIB_NAMES)
        ]:
            value = names.pop(name)
            if name in STDLIB_NAMES:
                if type(value) is _MODULE_TYPE and getattr(value, "__name__", None) == name:
                    names[name] = value
                else:
                    try:
                        names[name] = __import__(name)
                    except BaseException:
                        pass
        names["__builtins__"] = builtins
        return names

    def serve(self, candidate_socket, sequence, split_plan, limits, coverage_limit=0):
        """Runs the split tests that candidate process `sequence` asks for, until it closes
        `candidate_socket` (with a `coverage_limit`, the program's line count, each verdict
        carries the lines the candidate process ran in its test)."""
        self.socket = candidate_socket
        self.split_plan = split_plan
        self.recorder.output_limit = limits["outputBytes"]
        self.coverage_limit = coverage_limit
        self.recorder.coverage = self.candidate_coverage if coverage_limit else None
        self.verdicts.sequence = sequence
        self.lost = self.verdicts.lost = False
        self.streams.budget.limit = int(limits["outputBytes"])
        # soft limits of this request for the test code (the hard limits stay the harness's)
        memory = limits["memoryMb"]
        for limit, value in (
            (resource.RLIMIT_AS, None if memory is None else int(memory) << 20),
            (resource.RLIMIT_FSIZE, int(limits["maxFileBytes"])),
        ):
            try:
                resource.setrlimit(
                    limit,
                    (
                        resource.RLIM_INFINITY if value is None else value,
                        resource.getrlimit(limit)[1],
                    ),
                )
            except (ValueError, OSError):
                pass
        try:
            self._serve()
        finally:
            self.tampered()  # builtins a test replaced are restored
            self.streams.budget.limit = int(limits["outputBytes"])
            sys.stdout = self.streams.stdout
            sys.stderr = self.streams.stderr

    def _serve(self):
        last = -1
        while True:
            try:
                raw = receive_message(self.socket)
            except (OSError, ValueError):
                return
            if raw is None:
                return
            try:
                message = record_decoder.decode(raw)
            except ValueError:
                return
            index = message.get("run") if type(message) is dict else None
            if type(index) is not int or index <= last or index not in self.split_plan:
                return  # protocol broken: the harness process sees missing verdicts
            last = index
            entry = self.split_plan[index]
            # the program already ran in the candidate process: the test gets what is left
            wall = message.get("w")
            cpu = message.get("c")
            self.program_time = (
                float(wall) if type(wall) in (int, float) and wall >= 0 else 0.0,
                float(cpu) if type(cpu) in (int, float) and cpu >= 0 else 0.0,
            )
            self.run_message = message
            self.seconds = max(SHORTEST_BUDGET_S, entry[-1] - self.program_time[0])
            self.state.prepare_test()  # the candidate process keeps the working directory empty
            kind = entry[0]
            try:
                if kind == PlanKind.CHECK:
                    self.run_check(index, entry)
                elif kind == PlanKind.UNITTEST:
                    self.run_unittest(index, entry)
                else:
                    self.run_statement(index, entry)
            except KeyboardInterrupt:
                raise
            except BaseException as e:
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                self.timer.armed = False
                self.recorder.record(
                    index,
                    "error",
                    0.0,
                    0.0,
                    "HarnessError",
                    clip("%s: %s" % (type(e).__name__, safe_str(e))),
                )
            if self.lost:
                return
            try:
                send_message(self.socket, {"op": "end"})
            except OSError:
                return

    def _report(self, index, outcome, wall, cpu):
        if outcome is None:
            self.recorder.record(index, "pass", wall, cpu)
        else:
            self.recorder.record(index, outcome[0], wall, cpu, outcome[1], outcome[2])

    def run_check(self, index, entry):
        _, test_code, call_code, entry_point, _seconds = entry

        def body():
            names = self.namespace(entry_point)
            exec(test_code, names)
            eval(call_code, names)

        _, outcome, wall, cpu = self.timed(body)
        self._report(index, outcome, wall, cpu)

    def run_statement(self, index, entry):
        _, code, _seconds = entry

        def body():
            exec(code, self.namespace())

        _, outcome, wall, cpu = self.timed(body)
        self._report(index, outcome, wall, cpu)

    def run_unittest(self, index, entry):
        _, test_code, class_names, seconds = entry
        names = {}
        record = self.recorder.record

        def body():
            names.update(self.namespace())
            exec(test_code, names)

        _, outcome, wall, cpu = self.timed(body)
        if outcome is not None:
            record(index, outcome[0], wall, cpu, outcome[1], outcome[2], methods=[])
            return
        if unittest_modified(self.state.unittest_snapshot):
            record(index, "error", wall, cpu, "Tampered", "unittest was modified", methods=[])
            return
        classes = []
        for name in class_names:
            cls = names.get(name)
            if isinstance(cls, type) and issubclass(cls, unittest.TestCase):
                classes.append(cls)
        timer = self.timer
        result = MethodResults(seconds, timer)
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        loader = unittest.TestLoader()
        aborted = None
        for cls in classes:
            try:
                suite = loader.loadTestsFromTestCase(cls)
                suite.run(result)
            except BaseException as e:
                signal.setitimer(signal.ITIMER_REAL, 0.0)
                aborted = timer.classify(e)
                timer.armed = False
                result.abort(aborted)
                break
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        timer.armed = False
        wall += time.perf_counter() - wall_start
        cpu += time.process_time() - cpu_start
        methods = result.methods()
        if self.forged is not None:
            reason = clip("forged message: %s" % self.forged)
            record(index, "error", wall, cpu, PROTOCOL_ERROR, reason, methods=methods)
            return
        if self.tampered():
            record(index, "error", wall, cpu, "Tampered", "builtins were modified", methods=methods)
            return
        first_failure = None
        counted = 0
        for method in methods:
            if method["s"] == "skip":
                continue
            counted += 1
            if method["s"] != "pass" and first_failure is None:
                first_failure = method
        if aborted is not None and first_failure is None:
            record(index, aborted[0], wall, cpu, aborted[1], aborted[2], methods=methods)
        elif first_failure is not None:
            record(
                index,
                first_failure["s"],
                wall,
                cpu,
                first_failure.get("e"),
                "%s: %s" % (first_failure["n"], first_failure.get("m") or first_failure["s"]),
                methods=methods,
            )
        elif counted == 0:
            record(index, "error", wall, cpu, "NoTests", "no test methods ran", methods=methods)
        else:
            record(index, "pass", wall, cpu, methods=methods)


def close_fds_except(keep, low=3, high=1 << 16):
    """Closes every fd in [low, high) but those in `keep`: a few closerange calls (closing one fd
    at a time in Python took hundreds of milliseconds on slow machines, enough to run the first
    split test after a test server start into the watchdog)."""
    start = low
    for fd in sorted(k for k in set(keep) if low <= k < high):
        os.closerange(start, fd)
        start = fd + 1
    os.closerange(start, high)


def kill_children():
    """Kills and reaps the calling process's children, and the orphans that then come to it."""
    path = "/proc/self/task/%d/children" % os.getpid()
    for _ in range(REAP_ROUNDS):
        try:
            with open(path) as f:
                children = f.read().split()
        except OSError:
            children = ()
        if not children:
            return
        for child in children:
            try:
                os.kill(int(child), signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + REAP_WAIT_S
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                time.sleep(0.001)


def test_server_main(state, handoff, listener_fd):
    """Entry of the test server (in the zygote's fork). Never returns."""
    state.become(ProcessRole.TEST_SERVER)
    code = ExitCode.OK
    try:
        state.process_control.die_with_parent()
        os.setpgid(0, 0)  # what a test starts dies with the server's group
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        close_fds_except((listener_fd, handoff.verdict_fd, handoff.candidate_ruleset))
        state.timer.watch_own_delay()  # (after the descriptors it inherited are closed)
        os.chdir(handoff.work_dir)
        if handoff.candidate_ruleset >= 0:
            os.close(handoff.candidate_ruleset)
        server = TestServer(state, VerdictPipe(handoff.verdict_fd), handoff.work_dir)
        listener = socket.socket(fileno=listener_fd)
        state.process_control.become_subreaper()  # what tests start comes here
        gc.enable()
        while True:
            message, fds, _flags, _address = socket.recv_fds(listener, 16, 1)
            if not message:
                break
            if len(fds) != 1 or len(message) != SPLIT_MESSAGE.size:
                for fd in fds:
                    os.close(fd)
                continue
            sequence, pid = SPLIT_MESSAGE.unpack(message)
            payload = read_split_job(handoff.split_job_area, sequence)
            try:
                if payload is not None:
                    state.timer.watch_peer(pid)
                    server.serve(fds[0], sequence, payload[0], payload[1], payload[2])
            finally:
                state.timer.unwatch_peer()
                os.close(fds[0])
            kill_children()  # whatever a test started
    except BaseException as e:
        try:
            os.write(2, ("harness test server failure: %r\n" % (e,)).encode("utf-8", "replace"))
        except BaseException:
            pass
        code = ExitCode.HARNESS_FAILURE
    os._exit(code)
