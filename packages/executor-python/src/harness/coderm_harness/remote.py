"""The test server's view of the candidate process: proxies for its objects, and its exceptions
re-created so that test code can catch them (assertRaises)."""

import builtins

from .codec import Opaque
from .support import clip
from .timer import Timeout

_exception_classes = {}  # (base class, name) -> the class made for it


def remote_exception(outcome, timer):
    """An exception raised by candidate code, re-created in the test process: built-in classes
    keep their class so that assertRaises works; others become RemoteError. A timeout also marks
    `timer` fired, so that it stays a timeout even if the test code swallows it."""
    status, error_type, message = outcome
    if status == "timeout":
        timer.fired = True
        return Timeout("time limit exceeded")
    if status not in ("fail", "error", "oom"):
        status = "error"
    base = getattr(builtins, error_type, None) if type(error_type) is str else None
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
    candidate process (through `server.request`). Equal only to itself."""

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

    def __iter__(self):
        return iter(self._server.request("list", self._reference))

    def __len__(self):
        return self._server.request("len", self._reference)

    def __bool__(self):
        return self._server.request("bool", self._reference)

    def __getitem__(self, key):
        return self._server.request("item", self._reference, a=[key])

    def __contains__(self, item):
        return self._server.request("contains", self._reference, a=[item])

    def __str__(self):
        return self._server.request("str", self._reference)

    def __repr__(self):
        return self._server.request("repr", self._reference)


def proxy_resolver(server):
    """decode_value's `references` for the test process: {"$ref", "$type"} -> RemoteObject,
    {"$module": name} -> the module imported here."""

    def resolve(tag):
        if "$module" in tag:
            name = tag["$module"]
            try:
                return __import__(name, fromlist=["_"])
            except BaseException:
                return Opaque("module %s" % name)
        reference = tag.get("$ref")
        if type(reference) is not int:
            raise ValueError("bad reference")
        return RemoteObject(server, reference, str(tag.get("$type", "object"))[:100])

    return resolve


def reference_out(value):
    """encode_value's `references` for what test code passes to candidate code: only the
    candidate's own objects can go back."""
    if type(value) is RemoteObject:
        return {"$ref": value._reference}
    raise TypeError("cannot pass %s to the candidate's code" % type(value).__name__)
