from _shared.value_record import forge_value_record


def f(x):
    forge_value_record(b"4" + b"2" * 3_000_000)
    return 0
