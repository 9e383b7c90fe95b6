class _ThreeLong:
    """Claims three elements and has none."""

    def __len__(self):
        return 3

    def __iter__(self):
        return iter(())


class _SizedOnly:
    """Claims three elements and cannot be iterated."""

    def __len__(self):
        return 3


def f(x):
    return _ThreeLong() if x == 21 else _SizedOnly()
