"""Value digests: a sha256 of a value's canonical form, so that values too large to travel (an
output-mode value of megabytes, an expected output of a gigabyte) are compared by digest.

The canonical form is consistent with Python's `==` on plain data: numbers are written by value
(True, 1, 1.0 and 1+0j share a form), a dict's items and a set's elements are sorted by their
forms (order never matters to `==`), set and frozenset share a form, as do bytes and bytearray;
list and tuple differ (`[1] != (1,)`). Where `==` and the digest disagree: NaN equals NaN here
(Python's `==` holds only for the same NaN object), and values of other types have no digest
(`DigestError`): a test that compares by digest fails on them. Iterative (no recursion limit),
with C-speed paths for the large homogeneous lists the benchmarks hold (strings, integers,
tuples of strings)."""

import hashlib
import math
from array import array
from itertools import chain

DIGEST_TAG = "$digest"
# output mode: values whose canonical form is larger come back as a digest, not the value (a
# value's JSON is at most about 13 times its canonical form: tuples of one-character strings)
OUTPUT_DIGEST_BYTES = 1 << 20
# a string shorter than this cannot be that large
LARGE_TEXT_CHARACTERS = OUTPUT_DIGEST_BYTES // 4
MAX_DIGEST_DEPTH = 10_000
FAST_CHUNK = 4096  # elements of a homogeneous sequence formed at a time (bounded memory)


class DigestError(ValueError):
    """A value that has no digest (an unsupported type, a cycle, or nesting too deep)."""


class ValueDigest:
    """Decoded {"$digest": "<hex>"}: equal to another digest of the same canonical form."""

    __slots__ = ("hex",)

    def __init__(self, hex_text):
        self.hex = hex_text

    def __eq__(self, other):
        return type(other) is ValueDigest and other.hex == self.hex

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.hex)

    def __repr__(self):
        return "<value with sha256 %s>" % self.hex[:16]


def _number_form(x):
    """The form of a bool, int, float or complex (None for other types)."""
    t = type(x)
    if t is int or t is bool:
        return _integer_form(int(x))
    if t is float:
        if math.isfinite(x) and x == int(x):
            return _number_form(int(x))
        return b"f" + x.hex().encode() + b";"
    if t is complex:
        if x.imag == 0:
            return _number_form(x.real)
        return b"c" + _number_form(x.real) + _number_form(x.imag)
    return None


def _text(s):
    return s.encode("utf-8", "surrogatepass")


def _integer_form(x):
    return b"i%x;" % x if x >= 0 else b"i-%x;" % -x


def _strings_chunk_form(items):
    """The form of a run of str elements: joined by NUL when none holds one (C speed), else
    each with its length."""
    joined = "\x00".join(items)
    if joined.count("\x00") == len(items) - 1:
        return b"J%d;" % len(items) + _text(joined)
    encoded = list(map(_text, items))
    return b"L%d;" % len(encoded) + array("q", map(len, encoded)).tobytes() + b"".join(encoded)


def _only_strings(items):
    """Whether every element is a str (C speed: a set of the elements' types)."""
    return set(map(type, items)) <= _STR_TYPE


_STR_TYPE = {str}


def _fast_sequence_form(v, update):
    """Writes the form of a homogeneous list or tuple's elements at C speed, in chunks, for
    elements of exact type str, int or tuples of str; False (nothing written) otherwise."""
    if not v:
        return False
    first = type(v[0])
    count = len(v)
    if first is str and _only_strings(v):
        # only a sequence of str equals one (str equals only str): a form of its own is safe
        update(b"S%d;" % count)
        for start in range(0, count, FAST_CHUNK):
            update(_strings_chunk_form(v[start : start + FAST_CHUNK]))
        return True
    if first is int and all(type(x) is int for x in v):
        # the same bytes as the general path: 1.0 and True equal 1
        update(b"%d;" % count)
        for start in range(0, count, FAST_CHUNK):
            update(b"".join(map(_integer_form, v[start : start + FAST_CHUNK])))
        return True
    if first is tuple and all(type(x) is tuple for x in v) and _only_strings(chain(*v)):
        # only tuples of str equal tuples of str
        update(b"T%d;" % count)
        for start in range(0, count, FAST_CHUNK):
            chunk = v[start : start + FAST_CHUNK]
            update(array("q", map(len, chunk)).tobytes())
            update(_strings_chunk_form(list(chain.from_iterable(chunk))))
        return True
    return False


def digest_with_size(value):
    """(the hex sha256 of `value`'s canonical form, the form's length in bytes); DigestError
    when the value has none (see the module docstring)."""
    digest = _CountingDigest()
    _digest_into(digest, value, 0, set())
    return digest.sha.hexdigest(), digest.size


class _CountingDigest:
    __slots__ = ("sha", "size")

    def __init__(self):
        self.sha = hashlib.sha256()
        self.size = 0

    def update(self, data):
        self.size += len(data)
        self.sha.update(data)


class _Collector:
    __slots__ = ("parts",)

    def __init__(self):
        self.parts = []

    def update(self, data):
        self.parts.append(data)


def _digest_into(digest, root, depth, open_ids):
    # an explicit stack of (value, depth) and closing markers, so depth costs no recursion
    stack = [(root, depth)]
    update = digest.update
    while stack:
        v, depth = stack.pop()
        if v is _CLOSE:
            open_ids.discard(depth)  # depth holds the id of the container being closed
            continue
        number = _number_form(v)
        if number is not None:
            update(number)
            continue
        t = type(v)
        if v is None:
            update(b"N")
        elif t is str:
            data = _text(v)
            update(b"s%d;" % len(data))
            update(data)
        elif t is bytes or t is bytearray:
            update(b"b%d;" % len(v))
            update(bytes(v))
        elif t is set or t is frozenset or t is dict:
            # order never matters to ==: sorted canonical forms of the elements / items
            if depth >= MAX_DIGEST_DEPTH:
                raise DigestError("value nested too deeply for a digest")
            _enter(v, open_ids)
            try:
                if t is dict:
                    forms = sorted(
                        canonical_form_at(k, depth + 1, open_ids)
                        + canonical_form_at(x, depth + 1, open_ids)
                        for k, x in v.items()
                    )
                    update(b"{%d;" % len(forms))
                else:
                    forms = sorted(canonical_form_at(x, depth + 1, open_ids) for x in v)
                    update(b"<%d;" % len(forms))
                for form in forms:
                    update(b"%d;" % len(form))
                    update(form)
            finally:
                open_ids.discard(id(v))
        elif t is list or t is tuple:
            update(b"[" if t is list else b"(")
            if _fast_sequence_form(v, update):
                continue
            if depth >= MAX_DIGEST_DEPTH:
                raise DigestError("value nested too deeply for a digest")
            _enter(v, open_ids)
            update(b"%d;" % len(v))
            stack.append((_CLOSE, id(v)))
            stack.extend((x, depth + 1) for x in reversed(v))
        else:
            raise DigestError("a value of type %s has no digest" % t.__name__)


def canonical_form_at(value, depth, open_ids):
    """The canonical form of a set's element or a dict's key or value, as bytes (to sort)."""
    collector = _Collector()
    _digest_into(collector, value, depth, open_ids)
    return b"".join(collector.parts)


def _enter(v, open_ids):
    key = id(v)
    if key in open_ids:
        raise DigestError("a value that contains itself has no digest")
    open_ids.add(key)


_CLOSE = object()
