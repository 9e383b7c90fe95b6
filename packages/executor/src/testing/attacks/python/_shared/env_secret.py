NAME = __ENV_SECRET_NAME__
PREFIX = __ENV_SECRET_PREFIX__


def _secret_in(blob):
    for entry in blob.split(b"\0"):
        key, _, value = entry.partition(b"=")
        if key.decode(errors="replace") == NAME and value.decode(errors="replace").startswith(
            PREFIX
        ):
            return value.decode()
    return None
