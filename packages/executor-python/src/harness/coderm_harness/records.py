"""Result records: what a candidate process (through the ring) and the test server (through its
pipe) report about each test, and the patterns the harness process reads the common ones with.

A record is compact ASCII JSON: "i" test index, "s" status (or "value"), "w"/"c" wall/CPU
milliseconds, and when present "e" error type, "m" message, "o"/"x" captured stdout/stderr, "d"
characters dropped, "v" value, "M" unittest methods, "C" the candidate's lines that ran (coverage
requests only: raw line numbers, which the harness process folds onto executable lines); the test
server adds "q" (the candidate process it judged) and "k" (that process stopped answering)."""

import re

from .codec import compact_json, encode_json_string
from .protocol import RECORD_MAX_BYTES, VALUE_STATUS
from .support import clip, safe_str

# A record decodes into Python objects many times its size (`[[],[],...]`: 64 bytes an element):
# a record past LARGE_RECORD_BYTES may hold at most this many containers and elements.
LARGE_RECORD_BYTES = 1 << 20
MAX_RECORD_CONTAINERS = 500_000
MAX_RECORD_ELEMENTS = 2_000_000
_JSON_STRING_ANYWHERE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')

NO_VALUE = object()
SMALL_INTEGER = 10**15  # written with %d without JSON encoding
SMALL_STRING = 4096
_JSON_CONSTANTS = {None: b"null", True: b"true", False: b"false"}

_JSON_STRING = rb'"(?:[^"\\\x00-\x1f\x7f-\xff]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
# {"i","s":"value","w","c","v"} with a value of plain JSON (no objects): groups index, wall, cpu,
# value
match_value_record = re.compile(
    rb'\{"i":(\d{1,9}),"s":"value","w":(\d{1,12}\.\d{4}),"c":(\d{1,12}\.\d{4}),'
    rb'"v":(-?\d[\d.eE+-]{0,30}|true|false|null|' + _JSON_STRING + rb"|\[[^{]*\])\}\Z"
).match
# {"i","s","w","c"[,"e","m"]}: groups index, status, wall, cpu, error type, message
match_simple_record = re.compile(
    rb'\{"i":(\d{1,9}),"s":"(pass|fail|error|timeout|oom)","w":(\d{1,12}\.\d{4}),'
    rb'"c":(\d{1,12}\.\d{4})(?:,"e":(' + _JSON_STRING + rb'),"m":(' + _JSON_STRING + rb"))?\}\Z"
).match


class ResultRecorder:
    """Writes a process's result records to `sink` (an object with put(bytes)), with the output
    the test captured in `streams`, bounded by `output_limit` characters. With `coverage` (a
    function returning the lines the candidate ran in the current test, a list of ints or None)
    every record also carries them ("C")."""

    __slots__ = ("sink", "streams", "output_limit", "coverage")

    def __init__(self, sink, streams, output_limit):
        self.sink = sink
        self.streams = streams
        self.output_limit = output_limit
        self.coverage = None

    def record(
        self,
        index,
        status,
        wall,
        cpu,
        error_type=None,
        message=None,
        value=NO_VALUE,
        methods=None,
        stdout_limit=None,
        covered=None,
    ):
        """Writes one record; `covered`: the candidate's lines for this test, in place of what
        `coverage` says (a program failure shared by later tests carries its own)."""
        budget = self.streams.budget
        if covered is None and self.coverage is not None:
            covered = self.coverage()
        if covered is not None:
            self._record_full(
                index, status, wall, cpu, error_type, message, value, methods, stdout_limit, covered
            )
            return
        if status == VALUE_STATUS and methods is None and not (budget.used or budget.dropped):
            value_type = type(value)
            if value_type is str and len(value) <= SMALL_STRING:
                encoded = encode_json_string(value).encode()
            elif value_type is int and -SMALL_INTEGER < value < SMALL_INTEGER:
                encoded = b"%d" % value
            elif value is None or value_type is bool:
                encoded = _JSON_CONSTANTS[value]
            else:
                encoded = None
            if encoded is not None:
                self.sink.put(
                    b'{"i":%d,"s":"value","w":%.4f,"c":%.4f,"v":%s}'
                    % (index, wall * 1e3, cpu * 1e3, encoded)
                )
                return
        if value is NO_VALUE and methods is None and not (budget.used or budget.dropped):
            # compact records the harness process parses with one regular expression
            if error_type is None and not message:
                data = b'{"i":%d,"s":"%s","w":%.4f,"c":%.4f}' % (
                    index,
                    status.encode(),
                    wall * 1e3,
                    cpu * 1e3,
                )
            else:
                data = b'{"i":%d,"s":"%s","w":%.4f,"c":%.4f,"e":%s,"m":%s}' % (
                    index,
                    status.encode(),
                    wall * 1e3,
                    cpu * 1e3,
                    encode_json_string(error_type or "").encode(),
                    encode_json_string(message or "").encode(),
                )
            self.sink.put(data)
            return
        self._record_full(
            index, status, wall, cpu, error_type, message, value, methods, stdout_limit
        )

    def _record_full(
        self,
        index,
        status,
        wall,
        cpu,
        error_type,
        message,
        value,
        methods,
        stdout_limit,
        covered=None,
    ):
        budget = self.streams.budget
        extra = None
        if (
            error_type is not None
            or message
            or value is not NO_VALUE
            or methods is not None
            or budget.used
            or budget.dropped
            or covered is not None
        ):
            extra = {}
            if error_type is not None:
                extra["e"] = error_type
            if message:
                extra["m"] = message
            if budget.used or budget.dropped:
                limit = self.output_limit if stdout_limit is None else stdout_limit
                stdout = self.streams.stdout.getvalue()
                stderr = self.streams.stderr.getvalue()
                dropped = budget.dropped
                if len(stdout) > limit:
                    dropped += len(stdout) - limit
                    stdout = stdout[:limit]
                if stdout:
                    extra["o"] = stdout
                if stderr:
                    extra["x"] = stderr
                if dropped:
                    extra["d"] = dropped
            if value is not NO_VALUE:
                extra["v"] = value
            if methods is not None:
                extra["M"] = methods
            if covered is not None:
                extra["C"] = covered
        if extra is None:
            data = b'{"i":%d,"s":"%s","w":%.4f,"c":%.4f}' % (
                index,
                status.encode(),
                wall * 1e3,
                cpu * 1e3,
            )
        else:
            extra["i"] = index
            extra["s"] = status
            extra["w"] = round(wall * 1e3, 4)
            extra["c"] = round(cpu * 1e3, 4)
            try:
                data = compact_json.encode(extra).encode("ascii")
            except Exception as e:
                data = None
                problem = "record not encodable: %s" % safe_str(e)
            else:
                problem = "result too large (%d bytes)" % len(data)
            if data is None or len(data) > RECORD_MAX_BYTES:
                small_status = "error" if "v" in extra else status
                small = {
                    "i": index,
                    "s": small_status,
                    "w": extra["w"],
                    "c": extra["c"],
                    "e": extra.get("e") or "HarnessLimit",
                    "m": clip(problem),
                }
                data = compact_json.encode(small).encode("ascii")
        self.sink.put(data)


def record_size_problem(raw):
    """Why a record of the harness's own format is too large to decode (None when it is not):
    past LARGE_RECORD_BYTES, its containers and elements outside strings are counted first."""
    if len(raw) > RECORD_MAX_BYTES:
        return "record of %d bytes (at most %d)" % (len(raw), RECORD_MAX_BYTES)
    if len(raw) <= LARGE_RECORD_BYTES:
        return None
    containers = raw.count(b"[") + raw.count(b"{")
    elements = raw.count(b",") + containers
    if containers <= MAX_RECORD_CONTAINERS and elements <= MAX_RECORD_ELEMENTS:
        return None
    structure = _JSON_STRING_ANYWHERE.sub(b'""', raw)  # brackets and commas inside strings
    containers = structure.count(b"[") + structure.count(b"{")
    elements = structure.count(b",") + containers
    if containers > MAX_RECORD_CONTAINERS:
        return "record with %d containers (at most %d)" % (containers, MAX_RECORD_CONTAINERS)
    if elements > MAX_RECORD_ELEMENTS:
        return "record with %d elements (at most %d)" % (elements, MAX_RECORD_ELEMENTS)
    return None
