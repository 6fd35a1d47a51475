"""``dispatch maintain [--db PATH]``: check the library, repair what is derived, optimize its
full-text index, and compact the file when a fifth of it or more is free.

Each step prints one line with what it found and did; sizes before and after end the report.
Exit status: 0 when the library is sound (derived data rebuilt counts as sound: it was put
right), 1 when SQLite found damage (then nothing is changed: see ``dispatch recover``), 2 when the
library cannot be opened or written, 130 on Ctrl-C (the step running is rolled back).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from reader.cli.library import library_path, open_library, say
from reader.core.importing import library_error_text
from reader.core.maintenance import maintain


def run(db: Path | None = None) -> int:
    path = library_path(db)
    if not path.exists():
        say(f"dispatch maintain: no library at {path}.")
        return 2
    lib = open_library(db, prefix="dispatch maintain")
    if isinstance(lib, str):
        say(lib)
        return 2
    print(f"Maintaining {path}", flush=True)
    try:
        report = maintain(lib, progress=lambda step: say(f"{step}…"))
    except KeyboardInterrupt:
        say("maintenance interrupted; the step running was rolled back, nothing is lost.")
        return 130
    except sqlite3.Error as e:
        say(f"dispatch maintain: {library_error_text(e)}")
        return 2
    finally:
        lib.close()
    for line in report.lines():
        print(line)
    for line in report.repaired:
        print(f"Repaired: {line}.")
    sys.stdout.flush()
    return 0 if report.sound else 1
