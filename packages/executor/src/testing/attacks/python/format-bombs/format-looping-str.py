class Stubborn(Exception):
    def __str__(self):
        while True:  # swallows every timer exception, for ever
            try:
                while True:
                    pass
            except BaseException:
                pass


def f(x):
    raise Stubborn()
