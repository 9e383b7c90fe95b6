class Endless:
    def __repr__(self):
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass

    __str__ = __repr__


def f(x):
    raise ValueError(Endless(), Endless())
