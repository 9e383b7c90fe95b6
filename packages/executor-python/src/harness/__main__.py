"""Starts one harness process (coderm_harness, PROTOCOL.md): `python -S -u <this directory>`, or
the same with the harness.pyz built from it. fd 3 carries requests, fd 4 responses."""

import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the sources (or in a read-only mount)

from coderm_harness.main import main  # noqa: E402

sys.exit(main())
