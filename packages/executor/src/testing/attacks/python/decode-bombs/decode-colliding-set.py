from _shared.value_record import forge_value_record

MODULUS = (1 << 61) - 1  # every multiple hashes to 0


def f(x):
    items = b",".join(b'{"$int":"%d"}' % (k * MODULUS) for k in range(1, 40_001))
    forge_value_record(b'{"$set":[' + items + b"]}")
    return 0
