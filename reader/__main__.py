import sys

from reader.cli import main

# Guarded: the import pipeline starts a parsing process with "spawn", which imports the main
# module again (as __mp_main__) and must not start another Dispatch.
if __name__ == "__main__":
    sys.exit(main())
