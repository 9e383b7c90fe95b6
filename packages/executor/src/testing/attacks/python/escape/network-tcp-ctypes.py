import ctypes
import os
import socket
import struct

libc = ctypes.CDLL(None, use_errno=True)


def f(x):
    fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    if fd < 0:
        return ""
    address = (
        struct.pack("<H", socket.AF_INET)
        + struct.pack(">H", __LISTENER_PORT__)
        + socket.inet_aton("127.0.0.1")
        + bytes(8)
    )
    if libc.connect(fd, ctypes.c_char_p(address), len(address)) != 0:
        return ""
    chunks = []
    while True:
        chunk = os.read(fd, 256)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")
