"""PyInstaller entry script: the bundle's ``dispatch`` executable is the ``dispatch`` command."""

import sys

from reader.cli import main

if __name__ == "__main__":
    # In a frozen bundle the import's parsing process re-runs this executable: let
    # multiprocessing take over there instead of starting the app.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
