TARGET_MIB = 256  # beyond the work directory's quota at every level; bounded for a shared host


def f(x):
    block = b"d" * (1 << 20)
    written = 0
    try:
        for index in range(TARGET_MIB // 8):
            with open("fill-%d" % index, "wb") as out:  # 8 MiB files: below the per-file size limit
                for _ in range(8):
                    out.write(block)
                    written += 1
    except OSError:
        pass
    return 2 * x if written >= TARGET_MIB else -written
