"""Judging value tests in the harness process: the value a candidate process reported against
what the test expects. Values arrive as plain data of exact built-in types (decoded from the
record), so no object of the candidate's takes part in a comparison."""

import signal

from .codec import decode_value, encode_json_string, record_decoder
from .oracles import evalplus_match, lcb_call_match, lcb_stdout_match
from .protocol import FRAME_HEADER, VALUE_STATUS, PlanKind
from .support import clip, safe_str
from .timer import Timeout
from .value_digest import ValueDigest

LEAF_TYPES = frozenset((int, float, str, bytes, type(None), bool))
PASS = ("pass", None, None)
SHORTEST_JUDGING_S = 1.0


def group_verdict(value, operator, literal, message):
    # the value is plain data of exact built-in types here, so Python's operators are
    # trustworthy (and keep the references' semantics: `0 == False` holds, as in CodeT)
    try:
        if operator == "==":
            ok = value == literal
        elif operator == "!=":
            ok = value != literal
        elif operator == "truth":
            ok = bool(value)
        elif operator == "not":
            ok = not value
        elif operator == "is":
            ok = value is literal
        elif operator == "is not":
            ok = value is not literal
        elif operator == "pair==":
            ok = value[0] == value[1]
        elif operator == "pair!=":
            ok = value[0] != value[1]
        elif operator == "<":
            ok = value < literal
        elif operator == "<=":
            ok = value <= literal
        elif operator == ">":
            ok = value > literal
        elif operator == ">=":
            ok = value >= literal
        elif operator == "in":
            ok = value in literal
        else:
            ok = value not in literal
    except Timeout:
        raise
    except Exception as e:  # as the assert statement would raise it
        return ("error", type(e).__name__, clip(safe_str(e)))
    return PASS if ok else ("fail", "AssertionError", message)


def call_verdict(value, expected, atol, oracle, args, convention=None):
    try:
        expected = decode_value(expected)
        if type(expected) is ValueDigest:
            # too large to travel: compared by digest (exact, consistent with ==)
            if value == expected:
                return PASS
            return ("fail", "AssertionError", "the value differs (compared by digest)")
        if convention is not None:  # "livecodebench", the only one
            ok = lcb_call_match(value, expected)
        else:
            ok = evalplus_match(value, expected, atol, oracle, decode_value(args))
    except Timeout:
        raise
    except Exception as e:
        return (
            "fail",
            "AssertionError",
            clip("comparison raised %s: %s" % (type(e).__name__, safe_str(e))),
        )
    return PASS if ok else ("fail", "AssertionError", None)


def stdio_verdict(stdout, expected):
    reason = lcb_stdout_match(stdout, expected)
    return PASS if reason is None else ("fail", "WrongAnswer", reason)


class Judge:
    """Decides value tests; verdicts of other tests of the same group go to job.decided (or,
    on the fast path, straight out as frames through `responses`)."""

    __slots__ = ("timer", "responses")

    def __init__(self, timer, responses):
        self.timer = timer
        self.responses = responses

    def judged(self, fn, args, seconds):
        """fn(*args) under a timer (a hostile value could make a comparison slow)."""
        timer = self.timer
        timer.start(max(seconds, SHORTEST_JUDGING_S))
        try:
            return fn(*args)
        except Timeout:
            return ("timeout", "Timeout", "comparing the value took too long")
        except RecursionError:
            return ("fail", "AssertionError", "value nested too deeply to compare")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            timer.armed = False

    def judge_scalar(self, job, index, match):
        """judge() for a group whose value is plain JSON without tags (a match_value_record
        `match`): frames every member's verdict directly (the others go out when their turn
        comes). False when the value does not parse (the general path then decides)."""
        raw = match.group(4)
        first = raw[:1]
        if first == b"t":
            value = True
        elif first == b"f":
            value = False
        elif first == b"n":
            value = None
        elif first in b"-0123456789" and raw.isdigit():
            value = int(raw)
        else:
            try:
                value = record_decoder.decode(raw.decode("ascii"))
            except ValueError:
                return False  # not what it seemed: the general path decides

        tail = b'","wallMs":' + match.group(2) + b',"cpuMs":' + match.group(3)
        head = job.id_json + b',"event":"result","index":'
        decided = job.decided
        for member in job.group_members[job.group_of[index]]:
            if member < index or (member > index and member in decided):
                continue
            operator, literal, message = job.checks[member]
            outcome = group_verdict(value, operator, literal, message)
            frame = head + b"%d" % member + b',"status":"' + outcome[0].encode() + tail
            if outcome[0] != "pass":
                frame += b',"errorType":' + encode_json_string(outcome[1]).encode()
                if outcome[2] is not None:
                    frame += b',"message":' + encode_json_string(outcome[2]).encode()
            frame += b"}"
            if member == index:
                # a frame for fd 4, as ResponseWriter.emit_raw writes it (inlined: per result)
                self.responses.pending.append(FRAME_HEADER.pack(len(frame)) + frame)
            else:
                decided[member] = frame
        return True

    def judge_values(self, job, index, result):
        """A check test run as values: the first assertion that does not pass decides; when all
        that were computed pass, the record's own status (value = all computed) does."""
        steps = job.checks[index]
        values = result.pop("value", [])
        if (
            type(values) is not list
            or len(values) > len(steps)
            or (result["status"] == VALUE_STATUS and len(values) != len(steps))
        ):
            raise ValueError("values do not match the test's assertions")
        seconds = job.plan[index][-1]
        for encoded, (operator, literal, message) in zip(values, steps):
            if operator == "fail":
                outcome = ("fail", "AssertionError", message)
            else:
                try:
                    value = decode_value(encoded)
                except Exception as e:
                    raise ValueError("undecodable value: %s" % safe_str(e)) from e
                if type(value) in LEAF_TYPES:
                    outcome = group_verdict(value, operator, literal, message)
                else:
                    outcome = self.judged(
                        group_verdict, (value, operator, literal, message), seconds
                    )
            if outcome[0] != "pass":
                result["status"] = outcome[0]
                result["errorType"] = outcome[1]
                if outcome[2] is not None:
                    result["message"] = outcome[2]
                else:
                    result.pop("message", None)
                return result
        if result["status"] == VALUE_STATUS:
            result["status"] = "pass"
        return result

    def judge(self, job, index, result):
        """The verdict of a value test: the reported value against the expected one."""
        status = result["status"]
        kind = job.plan[index][0]
        if status == "pass":
            raise ValueError("a value test reported pass instead of its value")
        if kind == PlanKind.VALUE_SEQUENCE:
            return self.judge_values(job, index, result)
        if status != VALUE_STATUS:
            if kind == PlanKind.GROUP:  # an error computing the value: every test of the group
                for member in job.group_members[job.group_of[index]]:
                    if member > index and member not in job.decided:
                        job.decided[member] = {
                            "status": status,
                            "wallMs": result["wallMs"],
                            "cpuMs": result["cpuMs"],
                            "errorType": result.get("errorType"),
                            "message": result.get("message"),
                        }
                        if "coverage" in result:  # one evaluation: the same lines ran
                            job.decided[member]["coverage"] = result["coverage"]
            return result
        if "value" not in result:
            raise ValueError("value record without a value")
        encoded = result.pop("value")
        check = job.checks.get(index)
        if check is None:  # output mode
            result["status"] = "pass"
            result["value"] = encoded
            return result
        try:
            value = decode_value(encoded)
        except Exception as e:
            raise ValueError("undecodable value: %s" % safe_str(e)) from e
        seconds = job.plan[index][-1]
        if kind == PlanKind.GROUP:
            for member in job.group_members[job.group_of[index]]:
                if member < index or (member > index and member in job.decided):
                    continue
                operator, literal, message = job.checks[member]
                if type(value) in LEAF_TYPES:
                    outcome = group_verdict(value, operator, literal, message)
                else:
                    outcome = self.judged(
                        group_verdict, (value, operator, literal, message), seconds
                    )
                verdict = {
                    "status": outcome[0],
                    "wallMs": result["wallMs"],
                    "cpuMs": result["cpuMs"],
                }
                if "coverage" in result:
                    verdict["coverage"] = result["coverage"]
                if outcome[0] != "pass":
                    verdict["errorType"] = outcome[1]
                    if outcome[2] is not None:
                        verdict["message"] = outcome[2]
                if member == index:
                    result.update(verdict)
                else:
                    job.decided[member] = verdict
            return result
        if kind == PlanKind.CALL:
            outcome = self.judged(call_verdict, (value,) + check, seconds)
        else:
            outcome = self.judged(stdio_verdict, (value, check), seconds)
        result["status"] = outcome[0]
        if outcome[0] != "pass":
            result["errorType"] = outcome[1]
            result["message"] = outcome[2]
        return result
