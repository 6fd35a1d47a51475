"""PyInstaller entry script: the bundle's ``dispatch`` executable is the ``dispatch`` command."""

import sys

from reader.cli import main

if __name__ == "__main__":
    sys.exit(main())
