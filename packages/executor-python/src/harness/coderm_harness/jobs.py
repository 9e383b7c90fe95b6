"""A job: one request as the harness process planned it, and how it reaches the children.

The harness process hands the job to the candidate process through a shared area (marshal;
harness process -> child only), and the split tests to the test server through a second area
that the candidate process unmaps before any candidate code runs."""

import marshal

from .protocol import (
    JOB_AREA_BYTES,
    JOB_HEADER,
    JOB_PAYLOAD_OFFSET,
    SPLIT_JOB_HEADER,
    PayloadPlace,
    PlanKind,
)

# what the candidate process gets: no expected value and no test code among them
CHILD_FIELDS = (
    "id",
    "program",
    "warmup",
    "plan",
    "count",
    "first",
    "decided",
    "group_expressions",
    "limits",
    "stdin_data",
    "work_dir",
    "output_path",
    "rlimits",
    "coverage_limit",
)
_IN_AREA = int(PayloadPlace.AREA)  # plain ints: read in every candidate process (see candidate.py)
_IN_FILE = int(PayloadPlace.FILE)


class Job:
    """Everything about one request. The harness process builds it (planning.py); the candidate
    process gets CHILD_FIELDS of it."""

    __slots__ = (
        "id",
        "program",
        "plan",
        "count",
        "first",
        "decided",
        "group_expressions",
        "limits",
        "stdin_data",
        "work_dir",
        "output_path",
        "cpu_budget_s",
        "budgets",
        "group_of",
        "group_members",
        "rlimits",
        "id_json",
        "warmup",
        "checks",
        "split_plan",
        "ring_buffer",
        "verdict_buffer",
        "lost",
        "sequence",
        "coverage",
        "line_table",
        "coverage_limit",
    )


def _child_payload(job):
    return marshal.dumps(
        tuple(
            (frozenset(job.decided) if field == "decided" else getattr(job, field))
            for field in CHILD_FIELDS
        )
    )


def store_job(area, path, job):
    """Writes the child's part of `job` into the job area (or, too large, into the job file)."""
    payload = _child_payload(job)
    offset = JOB_PAYLOAD_OFFSET
    if len(payload) + offset <= JOB_AREA_BYTES:
        area[offset : offset + len(payload)] = payload
        JOB_HEADER.pack_into(area, 0, len(payload), _IN_AREA)
    else:
        with open(path, "wb") as f:
            f.write(payload)
        JOB_HEADER.pack_into(area, 0, len(payload), _IN_FILE)


def load_job(area, path):
    """The child's job, as store_job left it."""
    length, place = JOB_HEADER.unpack_from(area, 0)
    if place == _IN_AREA:
        data = area[JOB_PAYLOAD_OFFSET : JOB_PAYLOAD_OFFSET + length]
    else:
        with open(path, "rb") as f:
            data = f.read()
    job = Job()
    for field, value in zip(CHILD_FIELDS, marshal.loads(data)):
        setattr(job, field, value)
    return job


def write_split_job(area, sequence, split_plan, limits, coverage_limit=0):
    """Hands the split tests of candidate process `sequence` to the test server (with
    `coverage_limit`, the program's line count, it asks the candidate process for each test's
    covered lines); False when they do not fit."""
    data = marshal.dumps((split_plan, limits, coverage_limit))
    offset = JOB_PAYLOAD_OFFSET
    if len(data) + offset > JOB_AREA_BYTES:
        return False
    SPLIT_JOB_HEADER.pack_into(area, 0, 0, 0)
    area[offset : offset + len(data)] = data
    SPLIT_JOB_HEADER.pack_into(area, 0, sequence, len(data))
    return True


def read_split_job(area, sequence):
    """(split plan, limits, coverage limit) written for `sequence`, or None when the area holds
    another's."""
    first_sequence, length = SPLIT_JOB_HEADER.unpack_from(area, 0)
    if first_sequence != sequence:
        return None
    data = area[JOB_PAYLOAD_OFFSET : JOB_PAYLOAD_OFFSET + length]
    second_sequence, _ = SPLIT_JOB_HEADER.unpack_from(area, 0)
    if second_sequence != sequence:
        return None
    return marshal.loads(data)


_STDIO = int(PlanKind.STDIO)  # plain ints: no enum lookups in a candidate process
_CALL = int(PlanKind.CALL)


def runs_program_alone(entry):
    """True for a plan entry whose test runs the program its own way (stdio, or a call under a
    convention): the program's failure in another test says nothing about it."""
    kind = entry[0]
    return kind == _STDIO or (kind == _CALL and entry[3] is not None)
