"""Relaying results: the harness process reads the records of a running request, the ring's
(candidate process) and the verdict pipe's (test server), each test's from the one process
allowed to report it, validates them defensively, judges value tests and frames the results."""

import os

from .codec import record_decoder
from .protocol import (
    FRAME_HEADER,
    MESSAGE_LIMIT,
    METHOD_STATUSES,
    RECORD_HEADER,
    RECORD_MAX_BYTES,
    VALUE_KINDS,
    VALUE_STATUS,
    PlanKind,
)
from .records import (
    LARGE_RECORD_BYTES,
    match_simple_record,
    match_value_record,
    record_size_problem,
)
from .responses import next_undecided
from .ring import read_ring
from .support import clip, safe_str

ERROR_TYPE_LIMIT = 200
METHODS_LIMIT = 100000
METHOD_NAME_LIMIT = 300
METHOD_MESSAGE_LIMIT = 400
RAW_ERROR_TYPE_LIMIT = 400  # bytes of a JSON string copied into a frame as they are
RAW_MESSAGE_LIMIT = 8000
OUTPUT_SLACK = 64
PIPE_CHUNK = 65536
RING = "ring"
VERDICTS = "verdicts"


def translate(job, record, expected_index):
    """Validates one child record; returns the result dict or raises ValueError."""
    if type(record) is not dict:
        raise ValueError("record is not an object")
    index = record.get("i")
    if type(index) is not int or index != expected_index:
        raise ValueError("record index %r, expected %r" % (index, expected_index))
    status = record.get("s")
    if (status not in METHOD_STATUSES or status == "skip") and status != VALUE_STATUS:
        raise ValueError("bad status")
    wall = record.get("w", 0)
    cpu = record.get("c", 0)
    result = {
        "status": status,
        "wallMs": float(wall) if type(wall) in (int, float) and wall >= 0 else 0.0,
        "cpuMs": float(cpu) if type(cpu) in (int, float) and cpu >= 0 else 0.0,
    }
    error_type = record.get("e")
    if error_type is not None:
        if type(error_type) is not str:
            raise ValueError("bad errorType")
        if error_type:
            result["errorType"] = error_type[:ERROR_TYPE_LIMIT]
    message = record.get("m")
    if message is not None:
        if type(message) is not str:
            raise ValueError("bad message")
        if message:
            result["message"] = clip(message, MESSAGE_LIMIT + 40)
    limit = job.limits["outputBytes"] + OUTPUT_SLACK
    for source, field in (("o", "output"), ("x", "stderr")):
        text = record.get(source)
        if text is not None:
            if type(text) is not str:
                raise ValueError("bad output")
            result[field] = text[:limit]
    dropped = record.get("d")
    if dropped is not None:
        if type(dropped) is not int or dropped < 0:
            raise ValueError("bad outputDropped")
        result["outputDropped"] = dropped
    if "v" in record:
        result["value"] = record["v"]
    if job.coverage:
        covered = record.get("C")
        if covered is not None:
            # raw line numbers from an untrusted process: bounded, folded onto executable lines
            table = job.line_table
            if (
                type(covered) is not list
                or len(covered) > table.line_count + 1
                or any(type(line) is not int for line in covered)
            ):
                raise ValueError("bad covered lines")
            result["coverage"] = table.covered(covered)
    methods = record.get("M")
    if methods is not None:
        if type(methods) is not list or len(methods) > METHODS_LIMIT:
            raise ValueError("bad methods")
        out = []
        for method in methods:
            if (
                type(method) is not dict
                or type(method.get("n")) is not str
                or method.get("s") not in METHOD_STATUSES
            ):
                raise ValueError("bad method entry")
            entry = {"name": method["n"][:METHOD_NAME_LIMIT], "status": method["s"]}
            if type(method.get("e")) is str:
                entry["errorType"] = method["e"][:ERROR_TYPE_LIMIT]
            if type(method.get("m")) is str:
                entry["message"] = method["m"][:METHOD_MESSAGE_LIMIT]
            out.append(entry)
        result["methods"] = out
    return result


class ResultRelay:
    """Reads and relays the records of the running request (see the module docstring)."""

    __slots__ = ("workspace", "responses", "judge")

    def __init__(self, workspace, responses, judge):
        self.workspace = workspace
        self.responses = responses
        self.judge = judge

    def drain(self, job, read_position, expected_index):
        """Relays new records. Returns (read position, next expected index, progressed,
        protocol error | None)."""
        workspace = self.workspace
        responses = self.responses
        data, position = read_ring(workspace.ring_area, workspace.ring_header, read_position)
        if data is None:
            return read_position, expected_index, False, position
        progressed = bool(data)
        if data:
            job.ring_buffer = job.ring_buffer + data if job.ring_buffer else data
            read_position = position
        if job.split_plan:
            try:
                while True:
                    chunk = os.read(workspace.verdict_read, PIPE_CHUNK)
                    if not chunk:
                        break
                    job.verdict_buffer += chunk
                    progressed = True
            except (BlockingIOError, InterruptedError):
                pass
        error = None
        offsets = {RING: 0, VERDICTS: 0}
        # coverage requests take the general path (records carry the lines run)
        group_kind = None if job.coverage else PlanKind.GROUP
        while True:
            source = (
                VERDICTS
                if expected_index is not None and expected_index in job.split_plan
                else RING
            )
            buffer = job.verdict_buffer if source == VERDICTS else job.ring_buffer
            offset = offsets[source]
            size = len(buffer)
            if offset == size:
                break
            if offset + RECORD_HEADER.size > size:
                break  # the rest of the record is still coming
            (length,) = RECORD_HEADER.unpack_from(buffer, offset)
            if length > RECORD_MAX_BYTES:
                error = "bad record length"
                break
            start = offset + RECORD_HEADER.size
            if start + length > size:
                break
            raw = buffer[start : start + length]
            offsets[source] = start + length
            if length > LARGE_RECORD_BYTES:
                error = record_size_problem(raw)
                if error is not None:
                    break
            if expected_index is None:
                error = "record after the last test"
                break
            kind = job.plan[expected_index][0]
            if kind == group_kind:
                match = match_value_record(raw)
                if match is not None and int(match.group(1)) == expected_index:
                    # common case: plain JSON (no tags), judged and framed without a JSON round
                    # trip for the record or the frames
                    if not responses.emit_decided_until(job, expected_index):
                        error = "child skipped a test"
                        break
                    if self.judge.judge_scalar(job, expected_index, match):
                        responses.next_index = expected_index + 1
                        expected_index = next_undecided(job, expected_index + 1)
                        continue
            match = (
                match_simple_record(raw) if kind not in VALUE_KINDS and not job.coverage else None
            )
            if match is not None and int(match.group(1)) == expected_index:
                # common case (no optional fields): build the frame without a JSON round trip
                if not responses.emit_decided_until(job, expected_index):
                    error = "child skipped a test"
                    break
                parts = [
                    job.id_json,
                    b',"event":"result","index":',
                    match.group(1),
                    b',"status":"',
                    match.group(2),
                    b'","wallMs":',
                    match.group(3),
                    b',"cpuMs":',
                    match.group(4),
                ]
                error_type = match.group(5)
                if error_type is not None:
                    if len(error_type) > 2:
                        parts += (
                            b',"errorType":',
                            error_type if len(error_type) <= RAW_ERROR_TYPE_LIMIT else b'"?"',
                        )
                    message = match.group(6)
                    if len(message) > 2:
                        parts += (
                            b',"message":',
                            message
                            if len(message) <= RAW_MESSAGE_LIMIT
                            else b'"(message too long)"',
                        )
                parts.append(b"}")
                data = b"".join(parts)
                responses.pending.append(FRAME_HEADER.pack(len(data)) + data)  # emit_raw, inlined
                responses.next_index = expected_index + 1
                expected_index = next_undecided(job, expected_index + 1)
                continue
            try:
                record = record_decoder.decode(raw.decode("ascii"))
                if source == VERDICTS and type(record) is dict and record.get("q") != job.sequence:
                    continue  # a verdict about an earlier candidate process
                result = translate(job, record, expected_index)
                if kind in VALUE_KINDS:
                    result = self.judge.judge(job, expected_index, result)
                elif result["status"] == VALUE_STATUS:
                    raise ValueError("a value for a test the harness process does not judge")
            except Exception as e:
                error = "invalid record: %s" % safe_str(e)
                break
            if source == VERDICTS and record.get("k") == 1:
                job.lost = True  # the candidate process is stuck: start a fresh one
            if not responses.emit_decided_until(job, expected_index):
                error = "child skipped a test"
                break
            responses.emit_result(job, expected_index, result)
            responses.next_index = expected_index + 1
            expected_index = next_undecided(job, expected_index + 1)
            if job.lost:
                break
        if offsets[RING]:
            job.ring_buffer = job.ring_buffer[offsets[RING] :]
        if offsets[VERDICTS]:
            job.verdict_buffer = job.verdict_buffer[offsets[VERDICTS] :]
        return read_position, expected_index, progressed, error
