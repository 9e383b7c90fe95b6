"""Split tests' channels: the socket between a candidate process and the test server (framed
JSON messages), and the test server's verdict pipe to the harness process.

`check`, `unittest` and assert statements that are not `<expr> ==/!= <literal>` run in a test
process forked before any candidate code runs, confined on its own (the candidate can neither
signal nor trace it, nor read its memory). It executes the test code and reaches the candidate's
functions, classes and objects through proxies: every call goes over the socket to the candidate
process, which answers with strictly encoded plain values (encode_value) or references to its
objects. Test code and expected values never enter the candidate process, and values that come
back are exact built-in types, so an object cannot lie about equality. The test process reports
its verdicts to the harness process on a pipe the candidate process does not hold."""

import os

from .codec import compact_json
from .protocol import RECORD_HEADER, RECORD_MAX_BYTES

CHANNEL_MAX_BYTES = RECORD_MAX_BYTES
READ_CHUNK = 1 << 20


class CandidateLost(Exception):
    """The candidate process stopped answering (it is stuck or gone)."""


def send_message(fd, message):
    data = compact_json.encode(message).encode("ascii")
    view = memoryview(RECORD_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def read_exactly(fd, count):
    """`count` bytes from fd, or None at end of stream."""
    chunks = []
    while count:
        chunk = os.read(fd, min(count, READ_CHUNK))
        if not chunk:
            return None
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def receive_message(fd):
    """Next message as text, None at end of stream."""
    header = read_exactly(fd, RECORD_HEADER.size)
    if header is None:
        return None
    (length,) = RECORD_HEADER.unpack(header)
    if length > CHANNEL_MAX_BYTES:
        raise ValueError("message too large")
    data = read_exactly(fd, length)
    if data is None:
        return None
    return data.decode("ascii")


class VerdictPipe:
    """The test server's result channel: records like the ring's, framed on a pipe, each carrying
    the sequence number of the candidate process it judged ("q") and whether that process stopped
    answering ("k")."""

    __slots__ = ("fd", "lost", "sequence")

    def __init__(self, fd):
        self.fd = fd
        self.lost = False
        self.sequence = 0

    def put(self, data):
        data = data[:-1] + (b',"q":%d,"k":1}' if self.lost else b',"q":%d}') % self.sequence
        view = memoryview(RECORD_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.fd, view) :]
