from _shared.forge import forge_messages

_FORGERIES = [
    {"ok": {"$ref": 0, "$type": "int", "$int": "42"}},
    {"ok": {"$dict": [[[42], 42]]}},
    {"ok": {"$set": [[42]]}},
    {"ok": {"$bool": True}},
    {"ok": 42, "raise": ["pass", "int", "42"]},
    {"raise": ["pass", "SkipTest", {"$ref": 0}]},
]
_count = [0]


def f(x):
    return 0


def rewrite(message):
    if type(message) is dict and "ok" in message and "run" not in message:
        message = _FORGERIES[_count[0] % len(_FORGERIES)]
        _count[0] += 1
    return message


forge_messages(rewrite)
