"""``dispatch recover [FILE] [--db PATH]``: what a damaged library still holds, into the library.

FILE defaults to the library itself when it is damaged (it is set aside first) or else to the
newest damaged file set aside beside it. The damaged file is never changed or deleted.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.cli.library import library_path, open_library, progress_lines, say
from reader.core.libfile import identify
from reader.core.recovery import damaged_copies, recover, set_aside
from reader.core.store import SCHEMA_VERSION, LibraryError


def _source(path: Path, damaged: Path | None) -> Path | str:
    """The damaged file to read, or the line to print instead."""
    if damaged is not None:
        if not damaged.is_file():
            return f"dispatch recover: {damaged} is not a file."
        return damaged
    try:
        if identify(path, SCHEMA_VERSION).kind == "damaged":
            return set_aside(path)
    except LibraryError as e:
        return f"dispatch recover: {e}"
    copies = damaged_copies(path)
    if not copies:
        return f"dispatch recover: {path.name} is not damaged and no damaged copy is beside it."
    return copies[0]


def run(db: Path | None, damaged: Path | None = None) -> int:
    """0 when something was recovered or there was nothing to, 2 when it could not be done."""
    path = library_path(db)
    source = _source(path, damaged)
    if isinstance(source, str):
        say(source)
        return 2
    if source.resolve() == path.resolve():
        say("dispatch recover: give the damaged file, not the library it is recovered into.")
        return 2
    lib = open_library(db, prefix="dispatch recover")
    if isinstance(lib, str):
        say(lib)
        return 2
    progress = progress_lines(
        lambda done, total: f"recovering: {done:,} of {total:,} rows looked at"
    )

    try:
        result = recover(source, lib, progress)
    except sqlite3.Error as e:
        say(f"dispatch recover: could not write the recovered articles to {path.name}: {e}")
        return 2
    except KeyboardInterrupt:
        say("recovery interrupted; what was already copied is kept. Run it again to finish.")
        return 130
    finally:
        lib.close()
    print(
        f"{result.summary()} from {source.name} into {path}. The damaged file is kept as "
        f"{source.name}; delete it once you are satisfied."
    )
    return 0
