_NAMES = (
    "expected",
    "exp",
    "lit",
    "literal",
    "want",
    "wanted",
    "answer",
    "expected_output",
    "exp_out",
)


def _expected_in(scope):
    for name in _NAMES:
        if name in scope and scope[name] is not None:
            return scope[name]
    return None
