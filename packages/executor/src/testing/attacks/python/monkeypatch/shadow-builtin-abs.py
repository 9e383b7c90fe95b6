def abs(value):
    return 0.0


def round(value, digits=0):
    return 0.0


def f(x):
    return 0.0
