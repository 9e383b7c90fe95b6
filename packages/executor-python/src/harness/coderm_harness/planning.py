"""Request parsing and job planning in the harness process: each test becomes an entry of the
plan the candidate process follows, what the harness process compares the reported value with,
and (split tests) an entry of the test server's plan."""

from .analysis import (
    analyze_assert,
    analyze_assert_statement,
    analyze_check_values,
    analyze_module,
    check_call_code,
)
from .codec import decode_value
from .jobs import Job
from .oracles import CONVENTIONS, ORACLES
from .protocol import (
    DEFAULT_LIMITS,
    LIMIT_RANGES,
    MAX_TEST_TIME_MS,
    WATCHDOG_FACTOR,
    WATCHDOG_SLACK_S,
    PlanKind,
    ValueForm,
)
from .support import clip, safe_str
from .value_digest import DIGEST_TAG

# what plan_test returns besides a PlanKind
DECIDED = "decided"
GROUP = "group"
STDIO = "stdio"
UNITTEST = "unit"
VALUE_SEQUENCE = "seq"


class RequestError(Exception):
    """A malformed request (or, raised for one test, a malformed test)."""


def _number(value, name, lowest, highest, allow_none=False):
    if value is None and allow_none:
        return None
    if type(value) not in (int, float) or value != value:
        raise RequestError("limits.%s must be a number" % name)
    return min(max(value, lowest), highest)


def parse_limits(limits):
    out = dict(DEFAULT_LIMITS)
    if limits is None:
        return out
    if type(limits) is not dict:
        raise RequestError("limits must be an object")
    for name, value in limits.items():
        bounds = LIMIT_RANGES.get(name)
        if bounds is None:
            continue
        lowest, highest, convert, allow_none = bounds
        value = _number(value, name, lowest, highest, allow_none)
        out[name] = value if convert is None else convert(value)
    return out


def build_job(request, work_dir, output_path):
    """The planned job of a request (RequestError when the request is malformed)."""
    if type(request) is not dict:
        raise RequestError("request must be a JSON object")
    program = request.get("program")
    tests = request.get("tests")
    if type(program) is not str:
        raise RequestError("program must be a string")
    if type(tests) is not list:
        raise RequestError("tests must be a list")
    limits = parse_limits(request.get("limits"))
    start = request.get("start", 0)
    if start is None:
        start = 0
    if type(start) is not int or start < 0:
        raise RequestError("start must be a non-negative integer")
    group_asserts = request.get("groupAsserts", True) is not False
    coverage = request.get("coverage", False)
    if coverage is None:
        coverage = False
    if type(coverage) is not bool:
        raise RequestError("coverage must be a boolean")
    job = Job()
    job.id = request.get("id")
    job.coverage = coverage
    job.line_table = None  # the program's executable lines (coverage_tracer.py), once compiled
    job.coverage_limit = 0  # for the child: 0, or the program's line count (coverage on)
    job.limits = limits
    job.count = len(tests)
    job.first = start
    job.plan = [None] * len(tests)
    job.decided = {}
    job.group_expressions = []
    job.stdin_data = {}
    job.work_dir = work_dir
    job.output_path = output_path
    job.budgets = [0.0] * len(tests)
    job.group_of = [None] * len(tests)
    job.group_members = []
    job.checks = {}  # index -> what the harness process compares the reported value with
    job.split_plan = {}  # index -> split test, for the test process
    groups = {}
    default_seconds = limits["timeMs"] / 1000.0
    for index in range(start, len(tests)):
        test = tests[index]
        seconds = default_seconds
        if type(test) is dict and "timeMs" in test:
            time_ms = test["timeMs"]
            if type(time_ms) in (int, float) and time_ms == time_ms and time_ms > 0:
                seconds = min(float(time_ms), MAX_TEST_TIME_MS) / 1000.0
        job.budgets[index] = seconds * WATCHDOG_FACTOR + WATCHDOG_SLACK_S
        try:
            entry = plan_test(test, group_asserts)
        except RequestError as e:
            job.decided[index] = {
                "status": "error",
                "errorType": "BadTest",
                "message": clip(str(e)),
            }
            continue
        what = entry[0]
        if what == DECIDED:
            job.decided[index] = entry[1]
            continue
        # job.plan goes to the candidate's process: no expected value and no test code in it
        if what == GROUP:
            _, dump, expression_code, operator, literal, message = entry
            group = groups.get(dump)
            if group is None:
                group = groups[dump] = len(job.group_expressions)
                job.group_expressions.append(expression_code)
                job.group_members.append([])
            job.group_members[group].append(index)
            job.group_of[index] = group
            job.plan[index] = (int(PlanKind.GROUP), group, seconds)
            job.checks[index] = (operator, literal, message)
            continue
        if what == STDIO:
            job.stdin_data[index] = entry[1]
            expected = entry[2]
            job.plan[index] = (
                int(PlanKind.STDIO),
                None if expected is None else len(expected),
                entry[3],
                seconds,
            )
            if expected is not None:
                job.checks[index] = expected
            continue
        if what == UNITTEST:
            job.budgets[index] *= entry[2] + 2
            job.plan[index] = (int(PlanKind.UNITTEST), seconds)
            job.split_plan[index] = (int(PlanKind.UNITTEST), entry[1], entry[3], seconds)
            continue
        if what == VALUE_SEQUENCE:
            _, entry_point, parameter, steps = entry
            job.plan[index] = (
                int(PlanKind.VALUE_SEQUENCE),
                entry_point,
                parameter,
                tuple(step[0] for step in steps),
                seconds,
            )
            job.checks[index] = tuple(step[1:] for step in steps)
            continue
        if what == PlanKind.CALL:
            _, entry_point, args, has_expected, expected, atol, oracle, convention = entry
            # LiveCodeBench calls Solution().<entry point> when the program text defines the class
            on_solution = convention is not None and "class Solution" in program
            if has_expected and is_digest(expected):
                value_form = ValueForm.DIGEST
            elif not has_expected and oracle is None and convention is None:
                value_form = ValueForm.DIGEST_WHEN_LARGE
            else:
                value_form = ValueForm.VALUE
            job.plan[index] = (
                int(PlanKind.CALL),
                entry_point,
                args,
                convention,
                on_solution,
                int(value_form),
                seconds,
            )
            if has_expected:
                job.checks[index] = (expected, atol, oracle, args, convention)
            continue
        # a split test: STATEMENT or CHECK
        job.plan[index] = (int(what), seconds)
        job.split_plan[index] = (int(what),) + entry[1:] + (seconds,)
    return job


def is_digest(expected):
    """Whether an expected value is a {"$digest": "<hex>"} (compared by digest)."""
    return (
        type(expected) is dict
        and len(expected) == 1
        and type(expected.get(DIGEST_TAG)) is str
        and len(expected[DIGEST_TAG]) == 64
    )


def _convention(test):
    convention = test.get("convention")
    if convention is not None and convention not in CONVENTIONS:
        raise RequestError("unknown convention %r" % (convention,))
    return convention


def plan_test(test, group_asserts):
    """One test -> (DECIDED, result) | (GROUP, ...) | (STDIO, ...) | (UNITTEST, ...) |
    (VALUE_SEQUENCE, ...) | (PlanKind.CALL, ...) | (PlanKind.STATEMENT/CHECK, ...)."""
    if type(test) is not dict:
        raise RequestError("test must be an object")
    kind = test.get("kind")
    if kind == "assert":
        code = test.get("code")
        if type(code) is not str:
            raise RequestError("assert test needs a code string")
        analysis = analyze_assert(code)
        if analysis[0] == "bad":
            return (DECIDED, {"status": "error", "errorType": analysis[1], "message": analysis[2]})
        if analysis[0] == "group" and group_asserts:
            return analysis
        if analysis[0] == "group":
            return (PlanKind.STATEMENT, analyze_assert_statement(code))
        return (PlanKind.STATEMENT, analysis[1])
    if kind == "check":
        code = test.get("code")
        entry_point = test.get("entryPoint")
        if type(code) is not str or type(entry_point) is not str:
            raise RequestError("check test needs code and entryPoint strings")
        if not entry_point.isidentifier():
            raise RequestError("entryPoint is not an identifier")
        analysis = analyze_module("check", code)
        if analysis[0] == "bad":
            return (DECIDED, {"status": "error", "errorType": analysis[1], "message": analysis[2]})
        values = analyze_check_values(code) if group_asserts else None
        if values is not None:
            return (VALUE_SEQUENCE, entry_point, values[0], values[1])
        return (PlanKind.CHECK, analysis[1], check_call_code(entry_point), entry_point)
    if kind == "unittest":
        code = test.get("code")
        if type(code) is not str:
            raise RequestError("unittest test needs a code string")
        analysis = analyze_module("unittest", code)
        if analysis[0] == "bad":
            return (
                DECIDED,
                {
                    "status": "error",
                    "errorType": analysis[1],
                    "message": analysis[2],
                    "methods": [],
                },
            )
        return (UNITTEST, analysis[1], analysis[3], analysis[2])
    if kind == "call":
        entry_point = test.get("entryPoint")
        args = test.get("args")
        if type(entry_point) is not str or not entry_point:
            raise RequestError("call test needs an entryPoint string")
        if type(args) is not list:
            raise RequestError("call test needs an args list")
        atol = test.get("atol", 0)
        if atol is None:
            atol = 0
        if type(atol) not in (int, float):
            raise RequestError("atol must be a number")
        has_expected = "expected" in test
        expected = test.get("expected")
        oracle = test.get("oracle")
        if oracle is not None and oracle not in ORACLES:
            raise RequestError("unknown oracle %r" % (oracle,))
        convention = _convention(test)
        if oracle is not None and convention is not None:
            raise RequestError("a call test takes an oracle or a convention, not both")
        if is_digest(expected) and (oracle is not None or convention is not None):
            raise RequestError("an expected digest takes no oracle or convention")
        if oracle == "find_zero" and not (args and type(args[0]) is list):
            raise RequestError("the find_zero oracle needs the coefficient list as first argument")
        try:
            decode_value(args)  # validated here, decoded again in the child
            decode_value(expected)
        except Exception as e:
            raise RequestError("bad tagged value: %s" % safe_str(e)) from e
        return (PlanKind.CALL, entry_point, args, has_expected, expected, atol, oracle, convention)
    if kind == "stdio":
        stdin = test.get("stdin", "")
        if stdin is None:
            stdin = ""
        expected = test.get("expectedStdout")
        if type(stdin) is not str or (expected is not None and type(expected) is not str):
            raise RequestError("stdio test needs stdin/expectedStdout strings")
        return (STDIO, stdin.encode("utf-8", "surrogateescape"), expected, _convention(test))
    raise RequestError("unknown test kind %r" % (kind,))
