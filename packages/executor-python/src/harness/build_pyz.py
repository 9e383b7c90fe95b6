#!/usr/bin/env python3
"""Builds harness.pyz: the harness as one file (a zipapp: __main__.py at its root, coderm_harness/
inside), started with `python -S -u harness.pyz` like the source directory.

    python3 -S build_pyz.py OUTPUT      # OUTPUT "-" writes the archive to stdout

The archive is deterministic: the same sources give the same bytes on every build and machine
(fixed timestamps, modes and order, stored uncompressed), because the Docker backend labels its
image with the archive's sha256. Standard library only.
"""

import io
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "coderm_harness"
TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # zip "made by" system


def archive_members(root=HERE):
    """(name in the archive, path) of every file the archive holds, in archive order."""
    members = [("__main__.py", os.path.join(root, "__main__.py"))]
    package = os.path.join(root, PACKAGE)
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            members.append(("%s/%s" % (PACKAGE, name), os.path.join(package, name)))
    return members


def build_archive(root=HERE):
    """The archive's bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, path in archive_members(root):
            with open(path, "rb") as f:
                data = f.read()
            info = zipfile.ZipInfo(name, date_time=TIMESTAMP)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = UNIX
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write_archive(path, root=HERE):
    """Writes the archive to `path` (replaced at once, never half-written)."""
    data = build_archive(root)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temporary = "%s.%d.tmp" % (path, os.getpid())
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)
    return data


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-") and argv[1] != "-":
        sys.stderr.write("usage: build_pyz.py OUTPUT (a path, or - for stdout)\n")
        return 2
    if argv[1] == "-":
        sys.stdout.buffer.write(build_archive())
        sys.stdout.buffer.flush()
    else:
        write_archive(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
