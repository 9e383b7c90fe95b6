import os


def f(x):
    for name in ("locked", "locked/inner", "locked/inner/deeper"):
        os.makedirs(name, exist_ok=True)
        with open(os.path.join(name, "file"), "w") as out:
            out.write("x")
    os.chmod("locked/inner/deeper/file", 0)
    for name in ("locked/inner/deeper", "locked/inner", "locked"):
        os.chmod(name, 0)
    os.mkdir("readonly")
    open("readonly/kept", "w").close()
    os.chmod("readonly", 0o500)
    return 0
