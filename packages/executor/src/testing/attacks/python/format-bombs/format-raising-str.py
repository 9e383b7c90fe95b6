class Worse(Exception):
    def __str__(self):
        raise Worse()


class Bad(AssertionError):
    def __str__(self):
        raise Worse()


def f(x):
    raise Bad()
