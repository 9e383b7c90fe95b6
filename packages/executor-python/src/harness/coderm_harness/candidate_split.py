"""The candidate process's side of a split test (see channel.py): it executes the program, sends
its namespace to the test server, then runs what the test server asks for, under the timer, and
answers with strictly encoded values or references to its objects. In a coverage request the
test server also asks, once the test is judged, for the lines the program ran in it."""

import json
import os
import sys

from .channel import receive_message, send_message
from .codec import decode_value, encode_value
from .protocol import ExitCode

_MODULE_TYPE = type(sys)
_EXIT_OK = int(ExitCode.OK)


def serve_split_test(candidate, index, seconds):
    """Serves split test `index` for the test server until it says "end"."""
    test_socket = candidate.test_socket
    program = candidate.job.program
    objects = []
    object_ids = {}

    def reference(obj):
        if type(obj) is _MODULE_TYPE:
            return {"$module": str(getattr(obj, "__name__", "?"))}
        key = id(obj)
        number = object_ids.get(key)
        if number is None:
            number = object_ids[key] = len(objects)
            objects.append(obj)
        return {"$ref": number, "$type": type(obj).__name__}

    def resolve(tag):
        number = tag.get("$ref")
        if type(number) is int and 0 <= number < len(objects):
            return objects[number]
        raise ValueError("unknown reference")

    # the program runs first, and its namespace goes out with the request to run test `index`
    failure = candidate.program_failure
    if failure is not None:
        if candidate.tracer is not None:
            candidate.tracer.assume(failure[5] or ())  # the lines of the program's failure
        send_message(
            test_socket,
            {"run": index, "raise": [failure[0], failure[3], failure[4]], "w": 0.0, "c": 0.0},
        )
    else:

        def run_program():
            namespace = {}
            exec(program, namespace)
            candidate.program_done()
            return {k: encode_value(v, 0, reference) for k, v in namespace.items() if k[:2] != "__"}

        out, outcome, wall, cpu = candidate.timed(run_program, seconds)
        message = {"run": index, "w": wall, "c": cpu}
        if outcome is None:
            message["ok"] = out
        else:
            message["raise"] = list(outcome)
        out = None
        send_message(test_socket, message)
    timer = candidate.timer
    while True:
        raw = receive_message(test_socket)
        if raw is None:
            os._exit(_EXIT_OK)  # the test process is gone: nothing left to do
        message = decode_value(json.loads(raw), resolve)
        name = message.get("op")
        if name == "end":
            candidate.tampered()  # builtins the candidate replaced are restored
            return
        if name == "coverage":
            send_message(test_socket, {"ok": candidate.covered()})
            continue
        budget = message.get("t") or seconds
        target = objects[message["r"]]
        args = message.get("a") or []

        def run_operation(name=name, target=target, args=args, message=message):
            if name == "call":
                value = target(*args, **(message.get("k") or {}))
            elif name == "get":
                value = getattr(target, message["n"])
            elif name == "set":
                setattr(target, message["n"], args[0])
                value = None
            elif name == "list":
                value = list(target)
            elif name == "len":
                len(target)  # an object without a length raises TypeError, as len() would
                value = list(target)  # the test process counts the elements itself
            elif name == "bool":
                # the test process decides from the elements of a sized object; others are true
                kind = type(target)
                sized = hasattr(kind, "__len__") or hasattr(kind, "__bool__")
                value = list(target) if sized and hasattr(kind, "__iter__") else None
            elif name == "item":
                value = target[args[0]]
            elif name == "str":
                value = str(target)
            elif name == "repr":
                value = repr(target)
            else:
                raise ValueError("unknown operation")
            return encode_value(value, 0, reference)

        out, outcome = timer.run(run_operation, budget)
        if outcome is None:
            send_message(test_socket, {"ok": out})
        else:
            send_message(test_socket, {"raise": list(outcome)})
        out = None
