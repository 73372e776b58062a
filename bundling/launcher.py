"""The bundle's entry script: both executables of carecoord.spec run it.

It lives outside the package so PyInstaller does not put ``carecoord/`` itself on the
module search path (its ``config``, ``db`` or ``paths`` would then also be importable as
top-level modules). Without a command it opens the desktop app, as ``carecoord`` does.
"""

import sys

from carecoord.cli import main

if __name__ == "__main__":
    sys.exit(main())
