import string


def encode_shift(s: str):
    return s


def decode_shift(s: str):
    return s


def chr(n):  # noqa: A001 - the helper's own globals, as a hostile program would shadow them
    return "a"


string.ascii_lowercase = "a"
encode_shift.__globals__["ord"] = lambda c: 0
