from _shared.value_record import forge_value_record


def f(x):
    depth = 200_000
    forge_value_record(b'{"$tuple":' * 50 + b"[" * depth + b"42" + b"]" * depth + b"}" * 50)
    return 0
