from _shared.value_record import forge_value_record

MODULUS = (1 << 61) - 1


def f(x):
    pairs = b",".join(b'[{"$tuple":[{"$int":"%d"}]},42]' % (k * MODULUS) for k in range(1, 40_001))
    forge_value_record(b'{"$dict":[' + pairs + b"]}")
    return 0
