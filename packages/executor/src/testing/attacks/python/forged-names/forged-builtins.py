from _shared.forge import forge_namespace


def f(x):
    return 0.0


def fake_abs(x):
    return 0


def fake_len(x):
    return 3


def fake_tuple(x):
    return (42,)


forge_namespace(
    lambda names: {
        "__builtins__": {
            "abs": names["fake_abs"],
            "len": names["fake_len"],
            "tuple": names["fake_tuple"],
        }
    }
)
