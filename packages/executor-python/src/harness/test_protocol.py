#!/usr/bin/env python3
"""Checks the harness against protocol.schema.json: its constants and enums, and the frames a
running harness process emits (byte layout and fields).

    python3 -S test_protocol.py [--python /path/to/python3] [--harness PATH]

--harness as in harness_selftest.py (the source directory by default, a harness.pyz, or "pyz").
Standard library only. Ends with "protocol checks passed"; exits non-zero when a check fails.
"""

import argparse
import json
import os
import select
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

from coderm_harness import codec, oracles, protocol  # noqa: E402
from coderm_harness.planning import RequestError, plan_test  # noqa: E402
from harness_selftest import HARNESS, Harness, resolve_harness  # noqa: E402

SCHEMA = os.path.join(HERE, "protocol.schema.json")


def load_schema():
    with open(SCHEMA, encoding="utf-8") as f:
        return json.load(f)


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def expect_equal(got, want, what):
    expect(got == want, "%s: harness %r, schema %r" % (what, got, want))


def members(enum_class):
    return {member.name: int(member) for member in enum_class}


def struct_layout(fields):
    return "%s%s" % ("<" if fields["byteOrder"] == "little" else ">", "I")


# ---- constants ----------------------------------------------------------------------------------
def check_constants(schema):
    expect_equal(protocol.HARNESS_VERSION, schema["version"], "version")
    launch = schema["launch"]
    expect_equal(protocol.REQUEST_FD, launch["requestFd"], "request fd")
    expect_equal(protocol.RESPONSE_FD, launch["responseFd"], "response fd")
    expect_equal(protocol.CPU_SLOTS_FD, launch["cpuSlotsFd"], "CPU slots fd")
    expect_equal(protocol.CPU_SLOTS_VARIABLE, launch["cpuSlotsVariable"], "CPU slots variable")
    frame = schema["frame"]
    expect_equal(protocol.FRAME_HEADER.size, frame["lengthBytes"], "frame header size")
    want_format = (">" if frame["byteOrder"] == "big" else "<") + ("i" if frame["signed"] else "I")
    expect_equal(protocol.FRAME_HEADER.format, want_format, "frame header layout")
    expect_equal(protocol.MAX_FRAME_BYTES, frame["maxBytes"], "largest frame")
    expect_equal(list(protocol.STATUSES), schema["statuses"], "statuses")
    expect_equal(protocol.METHOD_STATUSES, set(schema["methodStatuses"]), "method statuses")
    expect_equal(protocol.MESSAGE_LIMIT, schema["messageLimit"], "message limit")
    limits = schema["request"]["limits"]
    expect_equal(set(protocol.DEFAULT_LIMITS), set(limits), "limit names")
    expect_equal(set(protocol.LIMIT_RANGES), set(limits), "limit names (ranges)")
    for name, spec in limits.items():
        expect_equal(protocol.DEFAULT_LIMITS[name], spec["default"], "limits.%s default" % name)
        lowest, highest, _convert, nullable = protocol.LIMIT_RANGES[name]
        expect_equal(
            (lowest, highest, nullable),
            (spec["min"], spec["max"], spec["nullable"]),
            "limits.%s range" % name,
        )
    expect_equal(list(oracles.ORACLES), schema["request"]["oracles"], "oracles")
    expect_equal(list(oracles.CONVENTIONS), schema["request"]["conventions"], "conventions")

    internal = schema["internal"]
    expect_equal(members(protocol.PlanKind), internal["planKinds"], "plan kinds")
    kinds = internal["planKinds"]
    expect_equal(protocol.SPLIT_KINDS, {kinds[k] for k in internal["splitKinds"]}, "split kinds")
    expect_equal(protocol.VALUE_KINDS, {kinds[k] for k in internal["valueKinds"]}, "value kinds")
    ring = internal["ring"]
    expect_equal(protocol.RING_HEADER_BYTES, ring["headerBytes"], "ring header")
    expect_equal(protocol.RING_CAPACITY, ring["capacityBytes"], "ring capacity")
    expect_equal(protocol.RECORD_MAX_BYTES, ring["recordMaxBytes"], "largest record")
    expect_equal(protocol.RECORD_HEADER.size, ring["recordHeader"]["lengthBytes"], "record header")
    expect_equal(
        protocol.RECORD_HEADER.format, struct_layout(ring["recordHeader"]), "record header layout"
    )
    expect_equal(members(protocol.RingSlot), ring["slots"], "ring slots")
    expect(len(protocol.RingSlot) * 8 <= protocol.RING_HEADER_BYTES, "ring slots fit the header")
    expect_equal(members(protocol.ChildPhase), internal["childPhases"], "child phases")
    expect_equal(members(protocol.ValueForm), internal["valueForms"], "value forms")
    signals = internal["childSignals"]
    expect_equal(
        (protocol.CHILD_DONE, protocol.CHILD_DRAIN),
        (signals["DONE"].encode(), signals["DRAIN"].encode()),
        "child signals",
    )
    job_area = internal["jobArea"]
    expect_equal(protocol.JOB_AREA_BYTES, job_area["bytes"], "job area")
    expect_equal(protocol.JOB_HEADER.format, job_area["header"]["format"], "job header")
    expect_equal(protocol.JOB_PAYLOAD_OFFSET, job_area["payloadOffset"], "job payload offset")
    expect(protocol.JOB_HEADER.size <= protocol.JOB_PAYLOAD_OFFSET, "job header fits")
    expect_equal(members(protocol.PayloadPlace), job_area["payloadPlaces"], "payload places")
    expect_equal(
        protocol.SPLIT_JOB_HEADER.format,
        internal["splitJobArea"]["header"]["format"],
        "split job header",
    )
    zygote = internal["zygote"]
    expect_equal(
        (protocol.FORK_COMMAND, protocol.FORK_SPLIT_COMMAND),
        (zygote["commands"]["FORK"].encode(), zygote["commands"]["FORK_SPLIT"].encode()),
        "zygote commands",
    )
    expect_equal(protocol.SEQUENCE.format, zygote["sequence"], "sequence number")
    expect_equal(protocol.ZYGOTE_EVENT.format, zygote["event"], "zygote event")
    expect_equal(members(protocol.ZygoteEvent), zygote["events"], "zygote events")
    expect_equal(protocol.ZYGOTE_LOST, zygote["lostStatus"], "zygote lost")
    expect_equal(members(protocol.ExitCode), internal["exitCodes"], "exit codes")


def check_test_kinds(schema):
    """Every test kind the schema names is planned with its required fields, and refused (or
    decided as an error) without one of them."""
    samples = {"code": "assert f() == 1", "entryPoint": "f", "args": []}
    unittest_code = (
        "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        pass\n"
    )
    for kind, spec in schema["request"]["tests"].items():
        test = {"kind": kind}
        for field in spec["required"]:
            test[field] = samples[field]
        if kind == "unittest":
            test["code"] = unittest_code
        if kind == "check":
            test["code"] = "def check(candidate):\n    assert candidate() == 1\n"
        entry = plan_test(test, True)
        expect(entry[0] != "decided", "%s test planned: %r" % (kind, entry[:2]))
        for field in spec["required"]:
            partial = {k: v for k, v in test.items() if k != field}
            try:
                entry = plan_test(partial, True)
            except RequestError:
                continue
            raise AssertionError("%s test without %s accepted: %r" % (kind, field, entry[:2]))
    try:
        plan_test({"kind": "nope"}, True)
    except RequestError:
        pass
    else:
        raise AssertionError("an unknown test kind was accepted")


def check_value_tags(schema):
    tags = set(schema["valueTags"])
    samples = [
        (1, 2),
        {1, 2},
        frozenset([3]),
        b"\x00",
        1 + 2j,
        range(3),
        {1: "a"},
        2**70,
        1.0,
        float("nan"),
        object(),
    ]
    seen = set()
    for value in samples:
        encoded = codec.encode_value(value)
        expect(type(encoded) is dict, "%r is tagged" % (value,))
        seen.update(k for k in encoded if k.startswith("$"))
    # a value too large to travel comes back as its digest (output mode)
    seen.update(codec.output_value("x" * (9 << 20), False, True))
    expect_equal(seen - {"$type"}, tags, "value tags")


# ---- frames ---------------------------------------------------------------------------------
TYPES = {
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) in (int, float),
    "string": lambda v: type(v) is str,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "array": lambda v: type(v) is list,
    "object": lambda v: type(v) is dict,
}


def tags_in(value, found):
    if type(value) is list:
        for item in value:
            tags_in(item, found)
    elif type(value) is dict:
        if len(value) in (1, 2):
            found.update(k for k in value if k.startswith("$") and k != "$type")
        for item in value.values():
            tags_in(item, found)


def check_fields(obj, spec, what, schema):
    fields = spec["fields"]
    unknown = set(obj) - set(fields)
    expect(not unknown, "%s: fields the schema does not name: %s" % (what, sorted(unknown)))
    for name, field in fields.items():
        if name not in obj:
            expect(not field["required"], "%s: required field %s missing" % (what, name))
            continue
        value = obj[name]
        if field["type"] == ["value"]:
            found = set()
            tags_in(value, found)
            expect(found <= set(schema["valueTags"]), "%s: value tags %s" % (what, found))
            continue
        expect(
            any(TYPES[t](value) for t in field["type"]),
            "%s: %s is %r, not %s" % (what, name, type(value).__name__, field["type"]),
        )


def check_frame(frame, schema, seen):
    event = frame.get("event")
    expect(event in schema["responses"], "frame event %r" % (event,))
    seen.add(event)
    check_fields(frame, schema["responses"][event], "%s frame" % event, schema)
    if event == "result":
        expect(frame["status"] in schema["statuses"], "result status %r" % frame["status"])
        for method in frame.get("methods", ()):
            check_fields(method, schema["method"], "method", schema)
            expect(method["status"] in schema["methodStatuses"], "method status")
        if "coverage" in frame:
            coverage = frame["coverage"]
            check_fields(coverage, schema["coverage"], "coverage", schema)
            executable = coverage["executable"]
            covered = coverage["covered"]
            for lines in (executable, covered):
                expect(all(type(line) is int and line > 0 for line in lines), "line numbers")
                expect(lines == sorted(set(lines)), "lines sorted, each once")
            expect(set(covered) <= set(executable), "covered lines are executable")
        if "message" in frame:
            expect(len(frame["message"]) <= schema["messageLimit"] + 100, "message length")


class RawFrames:
    """Reads frames from the harness's fd 4 byte by byte, checking their layout."""

    def __init__(self, harness, schema):
        self.harness = harness
        self.schema = schema
        self.buffer = harness.buf  # what Harness read already (after the ready frame)
        harness.buf = b""
        frame = schema["frame"]
        self.header = struct.Struct((">" if frame["byteOrder"] == "big" else "<") + "I")

    def next(self, timeout=60):
        deadline = time.monotonic() + timeout
        size = self.schema["frame"]["lengthBytes"]
        while True:
            if len(self.buffer) >= size:
                (length,) = self.header.unpack(self.buffer[:size])
                expect(length <= self.schema["frame"]["maxBytes"], "frame length")
                if len(self.buffer) >= size + length:
                    body = self.buffer[size : size + length]
                    self.buffer = self.buffer[size + length :]
                    frame = json.loads(body.decode("utf-8"))
                    expect(type(frame) is dict, "a frame holds one object")
                    return frame
            left = deadline - time.monotonic()
            expect(left > 0, "a frame within %d s" % timeout)
            readable, _, _ = select.select([self.harness.r], [], [], left)
            if readable:
                chunk = os.read(self.harness.r, 1 << 20)
                expect(chunk, "the harness process closed fd 4")
                self.buffer += chunk


def check_frames(schema, python, harness_path):
    harness = Harness(python, harness=harness_path)
    seen = set()
    try:
        check_frame(harness.ready, schema, seen)
        expect_equal(harness.ready["version"], schema["version"], "ready version")
        frames = RawFrames(harness, schema)
        program = (
            "import sys\ndef f(x):\n    sys.stderr.write('e')\n    print('x' * 50)\n    return x\n"
            "def g():\n    return (1, {2}, b'3', 2 ** 70, 1.5, 2.0)\n"
        )
        unit = (
            "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n"
            "        self.assertEqual(f(1), 2)\n    @unittest.skip('no')\n"
            "    def test_b(self):\n        pass\n"
        )
        tests = [
            {"kind": "assert", "code": "assert f(1) == 2, 'one is not two'"},
            {"kind": "check", "code": "def check(c):\n    assert c(3) == 3\n", "entryPoint": "f"},
            {"kind": "unittest", "code": unit},
            {"kind": "call", "entryPoint": "g", "args": []},
            {"kind": "call", "entryPoint": "f", "args": [2], "expected": 2, "atol": 0},
            {"kind": "stdio", "stdin": "", "expectedStdout": ""},
            {"kind": "nope"},
        ]
        request = {
            "id": "r1",
            "program": program,
            "tests": tests,
            "start": 0,
            "limits": {"timeMs": 2000, "outputBytes": 20},
            "groupAsserts": True,
            "coverage": True,
        }
        harness.send(request)
        results = []
        while True:
            frame = frames.next()
            check_frame(frame, schema, seen)
            expect_equal(frame["id"], "r1", "frames echo the request id")
            if frame["event"] == "done":
                break
            results.append(frame)
        expect_equal([r["index"] for r in results], list(range(len(tests))), "result order")
        expect(all("coverage" in r for r in results), "every result of a coverage request")
        expect_equal(
            results[0]["coverage"],
            {"executable": [1, 2, 3, 4, 5, 6, 7], "covered": [1, 2, 3, 4, 5, 6]},
            "coverage of the first test",
        )
        fields = set().union(*(set(r) for r in results))
        expect_equal(
            fields,
            set(schema["responses"]["result"]["fields"]),
            "the result fields the requests exercised",
        )
        harness.send({"id": 7, "program": 5, "tests": []})
        frame = frames.next()
        check_frame(frame, schema, seen)
        expect_equal((frame["event"], frame["id"]), ("error", 7), "error frame")
        harness.send_raw(b"{not json")
        frame = frames.next()
        check_frame(frame, schema, seen)
        expect_equal((frame["event"], frame["id"]), ("error", None), "unreadable request")
        check_waiting_frames(schema, python, harness_path, seen)
        expect_equal(seen, set(schema["responses"]), "response kinds seen")
    finally:
        harness.close()


def check_waiting_frames(schema, python, harness_path, seen):
    """Two harness processes sharing one CPU slot: while the first runs a request, the second's
    waits and says so ("waiting" frames), then runs."""
    with tempfile.TemporaryDirectory(prefix="coderm-slots-") as slots_dir:
        slots = (os.path.join(slots_dir, "slots"), 1, 0)
        busy = Harness(python, harness=harness_path, cpu_slots=slots)
        waiting = Harness(python, harness=harness_path, cpu_slots=slots)
        try:
            sleeper = {"kind": "assert", "code": "import time\ntime.sleep(1.6)", "timeMs": 5000}
            busy.send({"id": 1, "program": "", "tests": [sleeper], "limits": {}})
            time.sleep(0.3)  # the busy process holds the slot by now
            waiting.send({"id": 3, "program": "", "tests": [{"kind": "assert", "code": "pass"}]})
            frames = RawFrames(waiting, schema)
            events = []
            while not events or events[-1] != "done":
                frame = frames.next(timeout=30)
                check_frame(frame, schema, seen)
                expect_equal(frame["id"], 3, "frames echo the request id")
                events.append(frame["event"])
            expect(events[0] == "waiting", "the waiting request said so first: %s" % events)
            expect_equal(events[-2:], ["result", "done"], "then it ran")
        finally:
            busy.close()
            waiting.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--harness", default=os.environ.get("CODERM_HARNESS") or HARNESS)
    args = parser.parse_args()
    schema = load_schema()
    checks = [
        ("constants", lambda: check_constants(schema)),
        ("test kinds", lambda: check_test_kinds(schema)),
        ("value tags", lambda: check_value_tags(schema)),
    ]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="coderm-protocol-") as temp_dir:
        harness_path = resolve_harness(args.harness, temp_dir)
        checks.append(("frames", lambda: check_frames(schema, args.python, harness_path)))
        for name, check in checks:
            try:
                check()
                print("ok   %s" % name)
            except AssertionError as e:
                failed += 1
                print("FAIL %s: %s" % (name, e))
    print("%d failed" % failed if failed else "protocol checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
