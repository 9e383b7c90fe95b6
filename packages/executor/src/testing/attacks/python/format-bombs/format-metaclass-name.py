def _spin(*args):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass


class Meta(type):
    __name__ = property(_spin)
    __qualname__ = property(_spin)


class Named(Exception, metaclass=Meta):
    __class__ = property(_spin)


def f(x):
    raise Named("wrong")
