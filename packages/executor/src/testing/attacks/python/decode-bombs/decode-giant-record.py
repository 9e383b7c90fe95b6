from _shared.value_record import forge_value_record


def f(x):
    forge_value_record(b"[" + b"[]," * 18_000_000 + b"42]")  # 54 MB
    return 0
