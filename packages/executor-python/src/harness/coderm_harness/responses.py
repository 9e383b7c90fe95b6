"""Frames to Node: buffered, written in one go at each flush (PROTOCOL.md, "Responses")."""

import os

from .codec import compact_json
from .protocol import FRAME_HEADER

RESULT_FIELDS = ("errorType", "message", "output", "stderr", "outputDropped", "value", "methods")


class ResponseWriter:
    """The harness process's frames on fd 4, and the order of a job's results: `next_index` is
    the next test whose result goes out; results decided early wait in job.decided."""

    __slots__ = ("fd", "pending", "next_index")

    def __init__(self, fd):
        self.fd = fd
        self.pending = []
        self.next_index = 0

    def emit(self, frame):
        data = compact_json.encode(frame).encode("ascii")
        self.pending.append(FRAME_HEADER.pack(len(data)) + data)

    def emit_raw(self, data):
        """A frame already encoded (the fast paths build them without a JSON round trip)."""
        self.pending.append(FRAME_HEADER.pack(len(data)) + data)

    def flush(self):
        if not self.pending:
            return
        data = b"".join(self.pending)
        self.pending.clear()
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    def discard(self):
        self.pending.clear()

    def emit_result(self, job, index, result, wall=0.0, cpu=0.0):
        frame = {
            "id": job.id,
            "event": "result",
            "index": index,
            "status": result["status"],
            "wallMs": round(result.get("wallMs", wall), 4),
            "cpuMs": round(result.get("cpuMs", cpu), 4),
        }
        for field in RESULT_FIELDS:
            if field in result:
                frame[field] = result[field]
        if job.coverage:
            # every result of a coverage request has it; covered is empty where no lines were
            # reported (the test's process was killed, the test never ran)
            table = job.line_table
            frame["coverage"] = {
                "executable": [] if table is None else table.executable,
                "covered": result.get("coverage", []),
            }
        self.emit(frame)

    def emit_decided_until(self, job, end):
        """Emits the decided results from next_index up to `end`; False at the first test
        without one."""
        while self.next_index < end:
            index = self.next_index
            result = job.decided.get(index)
            if result is None:
                return False
            if type(result) is bytes:  # a frame built by the fast path
                self.emit_raw(result)
            else:
                self.emit_result(job, index, result)
            self.next_index += 1
        return True


def next_undecided(job, index):
    """The first test from `index` on that has no decided result, or None."""
    while index < job.count and index in job.decided:
        index += 1
    return index if index < job.count else None
