def encode_cyclic(s: str):
    return s


def decode_cyclic(s: str):
    return s
