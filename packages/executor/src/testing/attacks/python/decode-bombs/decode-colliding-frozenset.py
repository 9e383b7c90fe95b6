from _shared.value_record import forge_value_record

MODULUS = (1 << 61) - 1


def f(x):
    # tuples hash from their elements: (k * MODULUS,) hash alike for every k
    items = b",".join(b'{"$tuple":[{"$int":"%d"}]}' % (k * MODULUS) for k in range(1, 40_001))
    forge_value_record(b'{"$frozenset":[' + items + b"]}")
    return 0
