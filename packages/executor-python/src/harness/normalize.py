"""coderm program normalizer: syntax-tree keys of Python programs, for exact deduplication.

Two programs with the same key parse to the same syntax tree (ignoring positions, comments,
blank lines and formatting), so they behave the same and a verdict of one is a verdict of the
other. Programs that do not parse get no key (null) and are deduplicated by their text only.

Protocol on stdin/stdout: 4-byte big-endian length, then UTF-8 JSON. Each request is a list of
program texts; each response is a list of hex keys (or null), in the same order.
"""

import ast
import hashlib
import json
import struct
import sys
import warnings


def key(source):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return hashlib.sha256(ast.dump(tree).encode("utf-8", "surrogatepass")).hexdigest()


def read_exact(stream, count):
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = read_exact(stdin, 4)
        if header is None:
            return
        body = read_exact(stdin, struct.unpack(">I", header)[0])
        if body is None:
            return
        keys = json.dumps([key(source) for source in json.loads(body)]).encode()
        stdout.write(struct.pack(">I", len(keys)) + keys)
        stdout.flush()


if __name__ == "__main__":
    main()
