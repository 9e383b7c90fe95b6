from _shared.forge import forge_namespace


def f(x):
    return 0.0


def fake_abs(x):
    return 0


def fake_import(name, *args, **kwargs):
    return None


forge_namespace(
    lambda names: {
        "__builtins__": {"$dict": [["abs", names["fake_abs"]]]},
        "__import__": names["fake_import"],
        "__name__": "__main__",
        "__class__": names["fake_abs"],
    }
)
