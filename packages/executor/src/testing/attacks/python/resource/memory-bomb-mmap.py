import mmap


def f(x):
    maps = []
    for size in (8 << 30, 1 << 30, 256 << 20, 256 << 20, 256 << 20):
        try:
            block = mmap.mmap(-1, size)
        except (OSError, MemoryError, OverflowError):
            continue
        for offset in range(0, size, 4096):
            block[offset] = 1
        maps.append(block)
    return 0
