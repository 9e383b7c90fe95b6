"""The test server's view of the candidate process: proxies for its objects, and its exceptions
re-created so that test code can catch them (assertRaises)."""

import base64
import builtins
import re

from .codec import MAX_DEPTH, Opaque
from .support import clip
from .timer import Timeout

# exceptions a candidate may not re-create as themselves: they steer iteration in test code
_NOT_RE_CREATED = frozenset(("StopIteration", "StopAsyncIteration"))
_MODULE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*\Z")
_INTEGER_TEXT = re.compile(r"-?(?:0x[0-9a-f]+|[0-9]+)\Z")
_HARNESS_PACKAGE = __name__.split(".")[0]
_PLAIN_LEAVES = (int, float, str, bool, type(None))


class ForgedMessage(BaseException):
    """What the candidate process sent is not something the protocol allows: a forged message.
    A BaseException, so that test code cannot swallow it; the test server turns it into an error
    verdict (HarnessProtocol)."""


_exception_classes = {}  # (base class, name) -> the class made for it


def remote_exception(outcome, timer):
    """An exception raised by candidate code, re-created in the test process: built-in classes
    keep their class so that assertRaises works; others become RemoteError. A timeout also marks
    `timer` fired, so that it stays a timeout even if the test code swallows it."""
    status, error_type, message = outcome
    if status == "timeout":
        timer.fired = True
        if error_type == "Starved":
            timer.starved = True
        return Timeout("time limit exceeded")
    if status not in ("fail", "error", "oom"):
        status = "error"
    base = (
        getattr(builtins, error_type, None)
        if type(error_type) is str and error_type not in _NOT_RE_CREATED
        else None
    )
    if status == "oom":
        base = MemoryError
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception
    cls = _exception_classes.get((base, error_type))
    if cls is None:
        name = error_type if base is not Exception else "RemoteError"
        cls = _exception_classes[(base, error_type)] = type(str(name), (base,), {})
    error = cls.__new__(cls)
    error.args = (message,)
    error._coderm_remote = (status, clip(str(error_type), 200), clip(str(message)))
    return error


class RemoteObject:
    """A candidate-side object seen from the test process: every use is a request to the
    candidate process (through `server.request`). Equal only to itself.

    The candidate process never computes a boolean or a count that the test then trusts, and never
    receives a value to compare with: `in`, `len`, iteration and truth are computed here from the
    object's elements, which the candidate process sends as data (`list(obj)`)."""

    __slots__ = ("_reference", "_type", "_server", "__weakref__")

    def __init__(self, server, reference, type_name):
        object.__setattr__(self, "_server", server)
        object.__setattr__(self, "_reference", reference)
        object.__setattr__(self, "_type", type_name)

    def __call__(self, *args, **kwargs):
        return self._server.request("call", self._reference, a=list(args), k=kwargs)

    def __getattr__(self, name):
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return self._server.request("get", self._reference, n=name)

    def __setattr__(self, name, value):
        self._server.request("set", self._reference, n=name, a=[value])

    def _elements(self, operation="list"):
        elements = self._server.request(operation, self._reference)
        if type(elements) is not list:
            raise ForgedMessage("the elements of a candidate object are not a list")
        return elements

    def __iter__(self):
        return iter(self._elements())

    def __len__(self):
        # the candidate process raises TypeError for an object without a length, as len() would
        return len(self._elements("len"))

    def __bool__(self):
        # an object without __bool__ or __len__ is true, as in Python; one with either is true
        # when it has elements (never the candidate's own answer)
        elements = self._server.request("bool", self._reference)
        if elements is None:
            return True
        if type(elements) is not list:
            raise ForgedMessage("the elements of a candidate object are not a list")
        return len(elements) > 0

    def __getitem__(self, key):
        return self._server.request("item", self._reference, a=[key])

    def __contains__(self, item):
        return item in self._elements()

    def __str__(self):
        text = self._server.request("str", self._reference)
        if type(text) is not str:
            raise ForgedMessage("str() of a candidate object is not a string")
        return text

    def __repr__(self):
        text = self._server.request("repr", self._reference)
        if type(text) is not str:
            raise ForgedMessage("repr() of a candidate object is not a string")
        return text


def _module(name):
    # a module the candidate's namespace or value refers to: the real one, imported here; never
    # the harness's own, nor private or dunder ones (those stay opaque)
    if (
        type(name) is not str
        or not _MODULE_NAME.match(name)
        or any(part[:1] == "_" for part in name.split("."))
        or name.split(".")[0] == _HARNESS_PACKAGE
    ):
        return Opaque("module %s" % clip(str(name), 100))
    try:
        return __import__(name, fromlist=["_"])
    except BaseException:
        return Opaque("module %s" % name)


def decode_candidate_value(v, server, depth=0):
    """A value the candidate process sent (see codec.encode_value) -> Python value, with an
    allow-list: JSON data, the codec's tags with well-formed contents, `{"$ref", "$type"}`
    (a RemoteObject of `server`) and `{"$module"}` (the real module, imported here). Anything else
    raises ForgedMessage."""
    t = type(v)
    if t in _PLAIN_LEAVES:
        return v
    if depth > MAX_DEPTH + 2:
        raise ForgedMessage("value nested too deeply")
    inner = depth + 1
    if t is list:
        return [decode_candidate_value(x, server, inner) for x in v]
    if t is not dict:
        raise ForgedMessage("unexpected %s in a value" % t.__name__)
    tags = [k for k in v if k[:1] == "$"]
    if not tags:
        return {k: decode_candidate_value(x, server, inner) for k, x in v.items()}
    keys = frozenset(v)
    try:
        if keys == {"$ref", "$type"}:
            reference, type_name = v["$ref"], v["$type"]
            if type(reference) is int and reference >= 0 and type(type_name) is str:
                return RemoteObject(server, reference, type_name[:100])
        elif keys == {"$repr", "$type"}:
            if type(v["$repr"]) is str and type(v["$type"]) is str:
                return Opaque(v["$repr"])
        elif len(keys) == 1:
            ((tag, x),) = v.items()
            if tag == "$module":
                return _module(x)
            if tag == "$repr" and type(x) is str:
                return Opaque(x)
            if tag == "$int" and type(x) is str and _INTEGER_TEXT.match(x):
                return int(x, 0) if "x" in x else int(x)
            if tag == "$float" and type(x) is str:
                value = float(x)
                if value != value or value in (float("inf"), float("-inf")) or value == int(value):
                    return value
            if tag == "$bytes" and type(x) is str:
                return base64.b64decode(x, validate=True)
            if type(x) is list:
                return _decode_tagged_list(tag, x, server, inner)
    except ForgedMessage:
        raise
    except Exception as e:
        raise ForgedMessage("malformed %s value: %s" % (tags[0], type(e).__name__)) from None
    raise ForgedMessage("unexpected tag %s in a value" % clip(tags[0], 40))


def _decode_tagged_list(tag, items, server, depth):
    if tag == "$dict":
        out = {}
        for pair in items:
            if type(pair) is not list or len(pair) != 2:
                raise ForgedMessage("malformed $dict entry")
            # keys are hashed and compared here: every decoded type's hash and equality are the
            # test process's own (a proxy's are its identity); a list key raises TypeError
            out[decode_candidate_value(pair[0], server, depth)] = decode_candidate_value(
                pair[1], server, depth
            )
        return out
    values = [decode_candidate_value(x, server, depth) for x in items]
    if tag == "$tuple":
        return tuple(values)
    if tag in ("$set", "$frozenset"):
        return set(values) if tag == "$set" else frozenset(values)
    if tag == "$complex" and len(values) == 2:
        if all(type(x) in (int, float) for x in values):
            return complex(values[0], values[1])
    if tag == "$range" and len(values) == 3 and all(type(x) is int for x in values):
        return range(*values)
    raise ForgedMessage("malformed %s value" % clip(tag, 40))


def reference_out(value):
    """encode_value's `references` for what test code passes to candidate code: only the
    candidate's own objects can go back."""
    if type(value) is RemoteObject:
        return {"$ref": value._reference}
    raise TypeError("cannot pass %s to the candidate's code" % type(value).__name__)
