def f(x):
    try:
        with open(__PROJECT_SECRET_PATH__) as handle:
            return handle.read()
    except OSError:
        return ""
