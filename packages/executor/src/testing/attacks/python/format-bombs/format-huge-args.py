def f(x):
    if x == 21:
        raise ValueError(*range(2_000_000))
    raise ValueError("x" * 50_000_000)
