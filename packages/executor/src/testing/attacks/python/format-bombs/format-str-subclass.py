class Text(str):
    def __len__(self):
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass

    __getitem__ = __len__
    __str__ = __len__


class Sly(Exception):
    def __str__(self):
        return Text("a message" * 100)


def f(x):
    raise Sly()
