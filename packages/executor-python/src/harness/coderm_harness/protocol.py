"""The numbers of the harness protocol (PROTOCOL.md) and of the harness's own process tree.

Node-facing: the frame layout, the file descriptors, the limits and the verdict statuses.
Internal (between the harness process, its zygote, candidate processes and the test server): the
result ring a candidate process writes, the plan kinds of a job, the phases a candidate process
reports and the events the zygote sends. protocol.schema.json states the same numbers;
test_protocol.py checks that the two agree.
"""

import enum
import struct

HARNESS_VERSION = "9"  # verdicts are cached under it: bump it when a verdict could change

# ---- frames (Node <-> harness process) ------------------------------------------------------
REQUEST_FD = 3  # the harness process reads requests here
RESPONSE_FD = 4  # ... and writes its frames here
# Optional: fd 5 is a lock file shared by every harness process on the machine, and
# CODERM_CPU_SLOTS="<count>:<first>" says how many requests may run at once machine-wide and which
# slot this process tries first (cpu_slots.py).
CPU_SLOTS_FD = 5
CPU_SLOTS_VARIABLE = "CODERM_CPU_SLOTS"
CPU_SLOTS_TURNSTILE = 1 << 20  # the lock file's byte that a process waiting for a slot holds
FRAME_HEADER = struct.Struct(">I")  # length of the UTF-8 JSON text that follows
MAX_FRAME_BYTES = 512 << 20

STATUSES = ("pass", "fail", "error", "timeout", "oom")
METHOD_STATUSES = frozenset(STATUSES) | {"skip"}  # a unittest method may also be skipped
VALUE_STATUS = "value"  # a child record carrying a value that the harness process judges
MESSAGE_LIMIT = 1000  # characters of an error message

DEFAULT_LIMITS = {
    "timeMs": 100.0,
    "memoryMb": 1024,
    "outputBytes": 65536,
    "maxProcesses": 0,
    "maxFileBytes": 16 << 20,
    "maxOpenFiles": 256,
    "importTimeMs": 5000,
}
# limit -> (lowest, highest, conversion (None: kept as sent), whether null is allowed)
LIMIT_RANGES = {
    "timeMs": (1, 3600_000, float, False),
    "memoryMb": (16, 1 << 24, None, True),
    "outputBytes": (0, 64 << 20, int, False),
    "maxProcesses": (0, 1 << 16, int, False),
    "maxFileBytes": (0, 1 << 40, int, False),
    "maxOpenFiles": (16, 1 << 20, int, False),
    "importTimeMs": (1, 3600_000, float, False),
}
MAX_TEST_TIME_MS = 3600_000.0

# ---- timing ---------------------------------------------------------------------------------
RESULT_TICK_S = 0.005  # the harness process relays results at least this often
WATCHDOG_FACTOR = 1.5  # a test's watchdog deadline: timeMs * factor + slack (+ CPU waits)
WATCHDOG_SLACK_S = 0.05
ENCODE_BUDGET_S = 10.0  # watchdog budget for encoding one output-mode value (at least)
TIMER_REARM_S = 0.02  # the timer fires again at this interval if the candidate swallows it
# A test's time excludes what its processes spent waiting for a CPU (the kernel's run delay)
# beyond an ordinary share of a busy machine (timeMs * STARVATION_SHARE, so that a run alone on
# its machine times out as it always did), up to an allowance: max(timeMs * factor, minimum).
# A timeout still starved past the allowance is "Starved".
STARVATION_SHARE = 0.25
STARVATION_FACTOR = 4.0
STARVATION_MINIMUM_S = 0.2
STARVATION_STEP_S = 0.001  # shorter waits are not worth a new timer period
CPU_SLOT_POLL_S = 0.001  # how often a request waiting for a CPU slot looks again
CPU_SLOT_KEEPALIVE_S = 0.25  # how often it tells Node that it waits ("waiting" frames)


def starvation_allowance(seconds):
    """(waiting a test of `seconds` bears itself, the most waiting given back to it)"""
    return seconds * STARVATION_SHARE, max(seconds * STARVATION_FACTOR, STARVATION_MINIMUM_S)


CPU_BUDGET_SLACK_S = 2.0  # RLIMIT_CPU of a candidate process: its tests' budgets plus this
# coverage requests: the test server asks the candidate process for the lines a split test ran
# (it answers at once unless it is stuck: then it is given up like any stuck candidate process)
COVERAGE_FETCH_S = 1.0

# ---- the result ring (candidate process -> harness process) -----------------------------------
# A header of int64 slots (read by the harness process while the child writes them: accessed
# through memoryview(area).cast("q"), one plain store or load each, never struct.pack_into, which
# zero-fills its target first and so lets a concurrent reader see 0), then the ring of records,
# each a RECORD_HEADER length and that many bytes of JSON. The child writes a test's start time
# before its index; the harness process reads the index first.
RING_HEADER_BYTES = 64
RING_CAPACITY = 64 << 20  # touched lazily
RECORD_HEADER = struct.Struct("<I")
RECORD_MAX_BYTES = 16 << 20  # one record (an output-mode value) never exceeds this


class RingSlot(enum.IntEnum):
    """Index of an int64 slot in the ring's header."""

    WRITE_POSITION = 0  # bytes written so far (the child advances it)
    READ_POSITION = 1  # bytes consumed so far (the harness process advances it)
    TEST_INDEX = 2  # the test the child is on
    TEST_START_NS = 3  # when it started (time.monotonic_ns)
    PHASE = 4  # a ChildPhase


class ChildPhase(enum.IntEnum):
    """What a candidate process is doing (ring slot PHASE): it sets the watchdog's deadline."""

    EXECUTING_PROGRAM = 0  # a failure here is shared by every later test of the process
    RUNNING_TEST = 1
    IMPORTING_MODULES = 2  # the program's first imports, under limits.importTimeMs
    ENCODING_VALUE = 3  # harness work, under ENCODE_BUDGET_S


# bytes a child writes on the notification pipe
CHILD_DONE = b"E"  # every test reported
CHILD_DRAIN = b"D"  # the ring is full: read it


# ---- jobs ------------------------------------------------------------------------------------
class PlanKind(enum.IntEnum):
    """How a test runs: the first item of each entry of a job's plan."""

    GROUP = 1  # an assert judged from the value of one expression (shared by a group)
    STATEMENT = 2  # another assert statement (split)
    CHECK = 3  # check(candidate) (split)
    UNITTEST = 4  # unittest.TestCase classes (split)
    CALL = 5  # evalplus call: the value of f(*args)
    STDIO = 6  # LiveCodeBench stdin/stdout
    VALUE_SEQUENCE = 7  # a check(candidate) made of value assertions, run as values


class ValueForm(enum.IntEnum):
    """How a call test's candidate process reports its value (in the test's plan entry)."""

    VALUE = 0  # the encoded value
    DIGEST = 1  # its digest only: the expected value is a {"$digest"}
    DIGEST_WHEN_LARGE = 2  # output mode: the value, or its digest past OUTPUT_DIGEST_BYTES


SPLIT_KINDS = frozenset(int(k) for k in (PlanKind.STATEMENT, PlanKind.CHECK, PlanKind.UNITTEST))
VALUE_KINDS = frozenset(
    int(k) for k in (PlanKind.GROUP, PlanKind.CALL, PlanKind.STDIO, PlanKind.VALUE_SEQUENCE)
)

JOB_AREA_BYTES = 32 << 20  # a shared area through which a job reaches a child
JOB_HEADER = struct.Struct("<QQ")  # payload length, a PayloadPlace
SPLIT_JOB_HEADER = struct.Struct("<QQ")  # sequence number (0 while being written), length
JOB_PAYLOAD_OFFSET = 16


class PayloadPlace(enum.IntEnum):
    """Where a job's payload is: in the shared area, or (too large) in the job file."""

    AREA = 0
    FILE = 1


TEST_SERVER_REQUESTS = 5000  # candidate processes a test server serves before it is replaced

# ---- the zygote -------------------------------------------------------------------------------
FORK_COMMAND = b"F"  # harness process -> zygote: fork a candidate process
FORK_SPLIT_COMMAND = b"S"  # ... connected to the test server; a SEQUENCE follows
SEQUENCE = struct.Struct("<Q")
# zygote -> test server, with the test server's end of a candidate process's socket: the
# candidate process's sequence number and pid
SPLIT_MESSAGE = struct.Struct("<QQ")
ZYGOTE_EVENT = struct.Struct("<iii")  # a ZygoteEvent, pid, wait status
ZYGOTE_LOST = -1  # stands for the wait status when the zygote itself died


class ZygoteEvent(enum.IntEnum):
    """Zygote -> harness process."""

    CHILD_STARTED = 1
    CHILD_EXITED = 2
    TEST_SERVER_STARTED = 3


class ExitCode(enum.IntEnum):
    """Exit codes of the harness's own processes."""

    OK = 0
    OUTPUT_FAILED = 1  # the harness process could not write a frame
    USAGE = 2  # the harness process: bad start (no fd 3/4) or an oversized frame
    NOTIFY_FAILED = 3  # a candidate process could not say it was done
    HARNESS_FAILURE = 70  # a harness failure inside a child
    FORK_FAILURE = 71  # a forked child fell out of its entry function
