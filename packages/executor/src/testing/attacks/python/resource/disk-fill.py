def f(x):
    chunk = b"x" * (32 << 10)
    for index in range(3000):
        try:
            with open("fill-%05d" % index, "wb") as handle:
                handle.write(chunk)
        except OSError:
            break
    try:
        with open("fill-large", "wb") as handle:
            for _ in range(256):
                handle.write(b"y" * (1 << 20))
    except OSError:
        pass
    return 0
