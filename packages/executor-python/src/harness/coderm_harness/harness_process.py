"""The harness process: the long-lived process Node talks to (PROTOCOL.md). It reads requests on
fd 3, plans each into a job, runs it in candidate processes forked by its zygote, and writes the
results on fd 4 as they come."""

import os
import sys
import time

from .analysis import import_warmup
from .codec import compact_json, long_integers, request_decoder
from .coverage_tracer import CANDIDATE_FILENAME, line_table_of
from .judging import Judge
from .planning import RequestError, build_job
from .protocol import FRAME_HEADER, HARNESS_VERSION, MAX_FRAME_BYTES, ExitCode
from .relay import ResultRelay
from .responses import ResponseWriter, next_undecided
from .state import ProcessState
from .supervisor import ChildSupervisor
from .support import DEBUG, clip, compile_code, describe_exception, log
from .workspace import Workspace
from .zygote_client import ZygoteClient

READ_CHUNK = 1 << 20
_PROGRAM_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)


class HarnessProcess:
    """See the module docstring. Built once per process: it also prepares the state every child
    starts from and starts the zygote."""

    def __init__(self, request_fd, response_fd, cpu_slots=None):
        self.request_fd = request_fd
        self.cpu_slots = cpu_slots  # CpuSlots shared with other harness processes, or None
        self.workspace = Workspace()
        self.state = ProcessState(self.workspace.work_dir)
        self.workspace.open_channels(self.state.confinement)
        self.responses = ResponseWriter(response_fd)
        self.timings = []  # CODERM_HARNESS_DEBUG: [(label, perf_counter)]
        self.zygote = ZygoteClient(self.state, self.workspace)
        self.supervisor = ChildSupervisor(
            self.workspace,
            self.zygote,
            ResultRelay(self.workspace, self.responses, Judge(self.state.timer, self.responses)),
            self.responses,
            self.timings,
        )
        self.zygote.start()

    # ---- framing ---------------------------------------------------------------------------
    def _read_exactly(self, count):
        chunks = []
        while count:
            chunk = os.read(self.request_fd, min(count, READ_CHUNK))
            if not chunk:
                return None
            chunks.append(chunk)
            count -= len(chunk)
        return b"".join(chunks)

    def read_frame(self):
        """The next request's bytes, None at end of input; EOFError for an oversized frame."""
        header = self._read_exactly(FRAME_HEADER.size)
        if header is None:
            return None
        (length,) = FRAME_HEADER.unpack(header)
        if length > MAX_FRAME_BYTES:
            raise EOFError("frame of %d bytes exceeds the limit" % length)
        return self._read_exactly(length)

    def reply_error(self, request_id, message):
        self.responses.emit({"id": request_id, "event": "error", "message": clip(message)})
        self.responses.flush()

    def reply_waiting(self, request_id):
        """Tells Node that the request still waits for a CPU slot (its watchdog hears from us)."""
        self.responses.emit({"id": request_id, "event": "waiting"})
        self.responses.flush()

    # ---- requests --------------------------------------------------------------------------
    def handle(self, raw):
        timings = self.timings
        responses = self.responses
        if DEBUG:
            timings.append(("start", time.perf_counter()))
        try:
            with long_integers():  # Node writes big integers as plain JSON numbers
                request = request_decoder.decode(raw.decode("utf-8", "surrogatepass"))
        except Exception as e:
            self.reply_error(None, "invalid JSON: %s" % e)
            return
        request_id = request.get("id") if type(request) is dict else None
        if type(request_id) not in (int, str):
            request_id = None
        try:
            with long_integers():
                job = build_job(request, self.workspace.work_dir, self.workspace.output_path)
        except RequestError as e:
            self.reply_error(request_id, str(e))
            return
        except Exception as e:
            self.reply_error(request_id, "bad request: %r" % (e,))
            return
        job.id = request_id
        job.id_json = b'{"id":' + compact_json.encode(request_id).encode("ascii")
        try:
            job.program = compile_code(request["program"], CANDIDATE_FILENAME)
            job.warmup = import_warmup(request["program"])
            if job.coverage:
                job.line_table = line_table_of(request["program"], job.program)
                job.coverage_limit = job.line_table.line_count
        except _PROGRAM_ERRORS as e:
            error_type, message = describe_exception(e)
            for index in range(job.first, job.count):
                responses.emit_result(
                    job, index, {"status": "error", "errorType": error_type, "message": message}
                )
            responses.emit({"id": request_id, "event": "done"})
            responses.flush()
            return
        if DEBUG:
            timings.append(("planned", time.perf_counter()))
        slots = self.cpu_slots
        if slots is not None:
            slots.acquire(lambda: self.reply_waiting(request_id))
        try:
            self.run_job(job)
        finally:
            if slots is not None:
                slots.release()
            self.zygote.forget_finished()
        responses.emit({"id": request_id, "event": "done"})
        responses.flush()
        if DEBUG:
            timings.append(("flushed", time.perf_counter()))
            log(" ".join("%s=%.0f" % (label, (t - timings[0][1]) * 1e6) for label, t in timings))
            timings.clear()

    def run_job(self, job):
        # tests before job.first are not run; decided results are interleaved in order
        self.responses.next_index = job.first
        index = job.first
        while True:
            index = next_undecided(job, index)
            if index is None:
                break
            job.first = index
            index = self.supervisor.run_child(job)
            if index is None:
                break
        self.responses.emit_decided_until(job, job.count)

    # ---- main loop -------------------------------------------------------------------------
    def serve(self):
        """Answers requests until fd 3 ends; the process's exit code."""
        self.responses.emit(
            {
                "event": "ready",
                "version": HARNESS_VERSION,
                "pid": os.getpid(),
                "python": "%d.%d.%d" % sys.version_info[:3],
                "confinement": self.state.confinement_features,
            }
        )
        self.responses.flush()
        while True:
            try:
                raw = self.read_frame()
            except EOFError as e:
                self.reply_error(None, str(e))
                return ExitCode.USAGE
            if raw is None:
                return ExitCode.OK
            try:
                self.handle(raw)
            except BrokenPipeError:
                return ExitCode.OK
            except Exception as e:  # never die on one request
                log("internal error: %r" % (e,))
                self.responses.discard()
                try:
                    self.reply_error(None, "internal error: %r" % (e,))
                except OSError:
                    return ExitCode.OUTPUT_FAILED

    def close(self):
        self.zygote.close()
        self.workspace.close()
