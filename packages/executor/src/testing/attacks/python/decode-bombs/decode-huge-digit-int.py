from _shared.value_record import forge_value_record


def f(x):
    forge_value_record(b'{"$int":"' + b"7" * 3_000_000 + b'"}')
    return 0
