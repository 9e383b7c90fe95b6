"""The result ring: shared memory through which a candidate process streams its records to the
harness process (layout in protocol.py)."""

import os
import time

from .protocol import CHILD_DRAIN, RECORD_HEADER, RING_CAPACITY, RING_HEADER_BYTES, RingSlot

_WRITE_POSITION = int(RingSlot.WRITE_POSITION)
_READ_POSITION = int(RingSlot.READ_POSITION)
FULL_RING_FIRST_WAIT_S = 0.0001
FULL_RING_LONGEST_WAIT_S = 0.005


def ring_header(area):
    """The int64 slots of the ring's header (see RingSlot)."""
    return memoryview(area).cast("q")


class RingWriter:
    """The candidate process's end: appends records, waiting (and asking the harness process to
    drain, on the notification pipe) while the ring is full."""

    __slots__ = ("area", "header", "capacity", "write_position", "read_position", "notify_fd")

    def __init__(self, area, header, notify_fd, capacity=RING_CAPACITY):
        self.area = area
        self.header = header
        self.capacity = capacity
        self.write_position = header[_WRITE_POSITION]
        self.read_position = header[_READ_POSITION]
        self.notify_fd = notify_fd

    def put(self, data):
        blob = RECORD_HEADER.pack(len(data)) + data
        need = len(blob)
        capacity = self.capacity
        area = self.area
        if capacity - (self.write_position - self.read_position) < need:
            self.read_position = self.header[_READ_POSITION]
            delay = FULL_RING_FIRST_WAIT_S
            while capacity - (self.write_position - self.read_position) < need:
                try:
                    os.write(self.notify_fd, CHILD_DRAIN)
                except OSError:
                    pass
                time.sleep(delay)
                delay = min(delay * 2, FULL_RING_LONGEST_WAIT_S)
                self.read_position = self.header[_READ_POSITION]
        position = self.write_position % capacity
        first = capacity - position
        base = RING_HEADER_BYTES
        if need <= first:
            area[base + position : base + position + need] = blob
        else:
            area[base + position : base + capacity] = blob[:first]
            area[base : base + need - first] = blob[first:]
        self.write_position += need
        self.header[_WRITE_POSITION] = self.write_position


def read_ring(area, header, read_position):
    """The harness process's end: (bytes written since read_position, the new read position), or
    (None, error message) when the positions are corrupt. Marks the bytes consumed."""
    write_position = header[_WRITE_POSITION]
    if write_position == read_position:
        return b"", read_position
    if write_position < read_position or write_position - read_position > RING_CAPACITY:
        return None, "ring positions corrupt (write %d, read %d)" % (write_position, read_position)
    count = write_position - read_position
    position = read_position % RING_CAPACITY
    base = RING_HEADER_BYTES
    if position + count <= RING_CAPACITY:
        data = area[base + position : base + position + count]
    else:
        data = (
            area[base + position : base + RING_CAPACITY]
            + area[base : base + count - (RING_CAPACITY - position)]
        )
    header[_READ_POSITION] = write_position
    return data, write_position
