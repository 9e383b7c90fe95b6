"""The value codec (PROTOCOL.md, "Values"): Python values <-> JSON with single-key tag objects,
so that a value survives a round trip through JavaScript numbers unchanged; and the JSON
encoders and decoders the harness uses for frames and records."""

import base64
import json
import math
import sys
import time
from collections import Counter

from .support import clip
from .value_digest import (
    DIGEST_TAG,
    LARGE_TEXT_CHARACTERS,
    OUTPUT_DIGEST_BYTES,
    DigestError,
    ValueDigest,
    digest_with_size,
)

SAFE_INTEGER = (1 << 53) - 1  # larger integers travel as {"$int": ...}
HEX_INTEGER_BITS = 16384  # beyond this many bits, {"$int"} holds hex (linear time)
MAX_DEPTH = 200
DEFAULT_INT_DIGITS = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
PLAIN_TYPES = (int, float, str, bool, type(None))
# Decoding values a candidate controls is bounded (PROTOCOL.md, "Values"):
# decimal {"$int"} text, which converts in quadratic time (the encoder switches to hex well below)
MAX_DECIMAL_DIGITS = 5000
# elements of one set, frozenset or dict that may share a hash (beyond it, building the container
# would be quadratic: ints, floats and tuples hash the same in every process)
MAX_SHARED_HASHES = 64
DECODE_SECONDS = 2.0  # one decode_value call, checked every DECODE_CHECK_EVERY containers
DECODE_CHECK_EVERY = 1024

# frames and records: compact ASCII JSON, never NaN/Infinity tokens
compact_json = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
encode_json_string = json.encoder.encode_basestring_ascii
request_decoder = json.JSONDecoder()


def _reject_constant(name):
    raise ValueError("non-finite number token in child record")


record_decoder = json.JSONDecoder(parse_constant=_reject_constant)


class Opaque:
    """Decoded {"$repr": ...}: a value that could not be represented; equal to nothing."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    __hash__ = object.__hash__

    def __repr__(self):
        return "<unrepresentable %s>" % self.text


def _encode_float(x):
    if x != x or x in (math.inf, -math.inf) or x == int(x):
        return {"$float": repr(x)}
    return x


def _integer_text(v):
    # decimal up to ~5000 digits; beyond, hex ("0x..."/"-0x...": linear time, no digit limit)
    if v.bit_length() <= HEX_INTEGER_BITS:
        return str(v)
    return hex(v)


def encode_value(v, depth=0, references=None):
    """Python value -> JSON-compatible structure (tags for what plain JSON would lose).

    `references(obj)` encodes what plain data cannot hold (proxied objects); without it such an
    object becomes {"$repr", "$type"}, which compares equal to nothing."""
    if depth > MAX_DEPTH:
        return {"$repr": "<too deep>", "$type": type(v).__name__}
    t = type(v)
    if v is None or t is str or t is bool:
        return v
    if t is int:
        return v if -SAFE_INTEGER <= v <= SAFE_INTEGER else {"$int": _integer_text(v)}
    if t is float:
        return _encode_float(v)
    inner = depth + 1
    if t is list:
        if len(v) > 16:
            # C-speed shortcuts for the common homogeneous lists
            if all(type(x) is str for x in v):
                return v
            if (
                all(type(x) is int for x in v)
                and -SAFE_INTEGER <= min(v)
                and max(v) <= SAFE_INTEGER
            ):
                return v
        return [encode_value(x, inner, references) for x in v]
    if t is dict:
        if all(type(k) is str and k[:1] != "$" for k in v):
            return {k: encode_value(x, inner, references) for k, x in v.items()}
        return {
            "$dict": [
                [encode_value(k, inner, references), encode_value(x, inner, references)]
                for k, x in v.items()
            ]
        }
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return encode_value(int(v), depth)
    if isinstance(v, float):
        return _encode_float(float(v))
    if isinstance(v, str):
        return str(v)
    if isinstance(v, tuple):
        return {"$tuple": [encode_value(x, inner, references) for x in v]}
    if isinstance(v, list):
        return [encode_value(x, inner, references) for x in v]
    if isinstance(v, dict):
        return encode_value(dict(v), depth, references)
    if isinstance(v, (set, frozenset)):
        items = [encode_value(x, inner, references) for x in v]
        try:
            items.sort(key=lambda e: json.dumps(e, sort_keys=True))
        except Exception:
            pass
        return {("$frozenset" if isinstance(v, frozenset) else "$set"): items}
    if isinstance(v, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, complex):
        return {"$complex": [_encode_float(v.real), _encode_float(v.imag)]}
    if t is range:
        return {
            "$range": [
                encode_value(v.start, inner),
                encode_value(v.stop, inner),
                encode_value(v.step, inner),
            ]
        }
    if getattr(t, "__module__", None) == "numpy" and hasattr(v, "tolist"):
        # numpy scalars and arrays compare like the Python values they hold
        return encode_value(v.tolist(), inner, references)
    if references is not None:
        return references(v)
    try:
        text = repr(v)
    except BaseException:
        text = "<unprintable>"
    return {"$repr": clip(text), "$type": t.__name__}


def output_value(value, digest_only, digest_when_large):
    """What a candidate process reports for a call's value: the encoded value, or {"$digest"}
    (see value_digest.py) when `digest_only`, or when `digest_when_large` and its canonical form
    exceeds OUTPUT_DIGEST_BYTES (a value without a digest is then encoded as usual)."""
    if digest_only:
        return {DIGEST_TAG: digest_with_size(value)[0]}
    if digest_when_large and _maybe_large(value):
        try:
            digest, size = digest_with_size(value)
        except DigestError:
            return encode_value(value)
        if size > OUTPUT_DIGEST_BYTES:
            return {DIGEST_TAG: digest}
    return encode_value(value)


_CONTAINER_TYPES = frozenset((list, tuple, dict, set, frozenset))
_TEXT_TYPES = frozenset((str, bytes, bytearray))


def _maybe_large(value):
    """Whether a value may have a canonical form past OUTPUT_DIGEST_BYTES: any container (a few
    items may hold millions), or a long string."""
    t = type(value)
    return t in _CONTAINER_TYPES or (t in _TEXT_TYPES and len(value) >= LARGE_TEXT_CHARACTERS)


def decimal_integer(text):
    """int(text) for decimal text of at most MAX_DECIMAL_DIGITS digits, whatever the process's
    int-digit limit (which stays on); ValueError beyond."""
    digits = len(text) - (text[:1] in "+-")
    if digits > MAX_DECIMAL_DIGITS:
        raise ValueError("integer of %d decimal digits (at most %d)" % (digits, MAX_DECIMAL_DIGITS))
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if not limit or digits <= limit:
        return int(text)
    sys.set_int_max_str_digits(0)
    try:
        return int(text)
    finally:
        sys.set_int_max_str_digits(limit)


def spread_hashes(items):
    """items, checked not to hold more than MAX_SHARED_HASHES elements with the same hash
    (ValueError otherwise; TypeError for an unhashable one, as set() would raise)."""
    if len(items) > MAX_SHARED_HASHES:
        counts = Counter(map(hash, items))
        shared = max(counts.values())
        if shared > MAX_SHARED_HASHES:
            raise ValueError("%d elements share one hash" % shared)
    return items


class long_integers:  # noqa: N801 - used as a statement: `with long_integers():`
    """Lifts the int-digit limit for trusted work (requests from Node, planning their tests);
    candidate data is never converted inside it."""

    __slots__ = ("limit",)

    def __enter__(self):
        self.limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
        if self.limit:
            sys.set_int_max_str_digits(0)

    def __exit__(self, *exc):
        if self.limit:
            sys.set_int_max_str_digits(self.limit)


class DecodeBudget:
    """The time one decode_value call may take."""

    __slots__ = ("containers", "deadline", "seconds")

    def __init__(self, seconds):
        self.containers = 0
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def spend(self):
        self.containers += 1
        if self.containers % DECODE_CHECK_EVERY == 0 and time.monotonic() > self.deadline:
            raise ValueError("decoding the value took longer than %.1f s" % self.seconds)


def _decode_tagged(d, references):
    if len(d) == 1:
        ((k, v),) = d.items()
        if k[:1] != "$":
            return d
        if k == "$tuple" and type(v) is list:
            return tuple(v)
        if k == "$int" and type(v) is str:
            # hex ("0x.."/"-0x..") converts in linear time and has no digit limit
            return int(v, 16) if "x" in v else decimal_integer(v)
        if k == "$float" and type(v) is str:
            return float(v)
        if k == "$set" and type(v) is list:
            return set(spread_hashes(v))
        if k == "$frozenset" and type(v) is list:
            return frozenset(spread_hashes(v))
        if k == "$bytes" and type(v) is str:
            return base64.b64decode(v)
        if k == "$complex":
            if type(v) is list and len(v) == 2:
                return complex(v[0], v[1])
            if type(v) in (int, float, str):  # as EvalPlus reads MBPP+: complex(x)
                return complex(v)
        if k == "$range" and type(v) is list and len(v) == 3 and all(type(x) is int for x in v):
            return range(*v)
        if k == "$dict" and type(v) is list:
            if not all(type(p) is list and len(p) == 2 for p in v):
                raise ValueError("malformed $dict")
            return dict(zip(spread_hashes([p[0] for p in v]), [p[1] for p in v]))
        if k == DIGEST_TAG and type(v) is str:
            return ValueDigest(v)
        if k == "$repr":
            return Opaque(str(v))
        if references is not None and k in ("$ref", "$module"):
            return references(d)
    elif len(d) == 2 and "$repr" in d and "$type" in d:
        return Opaque(str(d["$repr"]))
    elif references is not None and "$ref" in d:
        return references(d)
    return d


def decode_value(v, references=None, seconds=DECODE_SECONDS):
    """Tagged JSON structure (see encode_value) -> Python value (plain data is not copied).

    `references(tag)` resolves {"$ref": ...} and {"$module": ...} tags (split tests: the
    candidate process's objects, the test process's proxies); without it they stay dicts.
    Bounded: decimal integers, hash collisions in sets and dicts, and `seconds` in all
    (ValueError beyond)."""
    t = type(v)
    if t is list:
        if all(type(x) in PLAIN_TYPES for x in v):
            return v
    elif t is not dict:
        return v
    return _decode(v, references, DecodeBudget(seconds))


def _decode(v, references, budget):
    t = type(v)
    if t is list:
        budget.spend()
        if all(type(x) in PLAIN_TYPES for x in v):
            return v
        return [_decode(x, references, budget) for x in v]
    if t is dict:
        budget.spend()
        d = {k: _decode(x, references, budget) for k, x in v.items()}
        return _decode_tagged(d, references)
    return v
