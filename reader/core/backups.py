"""Copies of the library taken before its schema is upgraded, the last two kept.

A migration is one transaction, so a failed one changes nothing; a backup is for what a
transaction cannot undo: a migration that succeeded and turned out wrong. Copies are made with
SQLite's online backup API (consistent even while another process writes) into the folder
``backups`` beside the library, named after the library and the schema version they hold:
``library-schema9-20261203-093000.sqlite3``. Each is a plain, self-contained SQLite file
(rollback journal, no -wal beside it) that any SQLite tool, or ``dispatch --db``, opens.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

from reader.core.libfile import LibraryError, is_corruption

log = logging.getLogger(__name__)

FOLDER = "backups"
KEEP = 2
#: Left free after the copy, for the upgrade's own writes and everything else on the disk.
SPARE_BYTES = 256 * 1024 * 1024


def backup_folder(library: Path) -> Path:
    return library.parent / FOLDER


def _pattern(library: Path) -> re.Pattern[str]:
    tail = r"-schema(\d+)-(\d{8}-\d{6})(?:-(\d+))?"
    return re.compile(re.escape(library.stem) + tail + re.escape(library.suffix))


def backups_of(library: Path) -> list[Path]:
    """This library's backups, newest first (by the time in their names)."""
    folder = backup_folder(library)
    pattern = _pattern(library)
    found = []
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            m = pattern.fullmatch(p.name)
            if m:
                found.append(((m.group(2), int(m.group(3) or 1)), p))
    return [p for _key, p in sorted(found, reverse=True)]


def backup_path(library: Path, version: int) -> Path:
    """A new name in the backups folder: the library's, the schema version, the time."""
    base = f"{library.stem}-schema{version}-{time.strftime('%Y%m%d-%H%M%S')}"
    dest = backup_folder(library) / f"{base}{library.suffix}"
    n = 2
    while dest.exists():  # two upgrades within a second (tests, scripts)
        dest = dest.with_name(f"{base}-{n}{library.suffix}")
        n += 1
    return dest


def back_up(conn: sqlite3.Connection, library: Path, version: int) -> Path:
    """Copy the open library into its backups folder; the copy's path. Prunes to :data:`KEEP`.

    Raises LibraryError (nothing half-written is left behind) when the copy cannot be made:
    the caller then must not migrate. Errors that say the library itself is damaged pass through.
    """
    folder = backup_folder(library)
    dest = backup_path(library, version)
    partial = dest.with_name(dest.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _check_room(conn, library, folder)
        target = sqlite3.connect(str(partial))
        try:
            conn.backup(target)
            # The copy stands alone: no -wal or -shm to carry beside it.
            target.execute("PRAGMA journal_mode = DELETE").fetchall()
        finally:
            target.close()
        os.replace(partial, dest)
    except (OSError, sqlite3.Error) as e:
        with contextlib.suppress(OSError):
            partial.unlink()
        if isinstance(e, sqlite3.DatabaseError) and is_corruption(e):
            raise
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise LibraryError(
            f"Cannot upgrade the library {library}: its backup could not be written to "
            f"{folder} ({reason}). The library was left as it was; free some space or make "
            "that folder writable, then open it again."
        ) from e
    log.info("library %s (schema %d) backed up to %s", library, version, dest)
    prune(library)
    return dest


def _size(n: int) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e9 else f"{n / 1e6:,.0f} MB"


def _check_room(conn: sqlite3.Connection, library: Path, folder: Path) -> None:
    """Refuse before copying when the copy cannot fit: a big library's copy (20 GB at ten
    million articles) would otherwise fill the disk first and fail at its end."""
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    need = pages * page_size
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # cannot tell: the copy itself finds out
    if free >= need + SPARE_BYTES:
        return
    older = backups_of(library)
    hint = f" ({len(older)} older backup{'s' * (len(older) != 1)} there may go)" if older else ""
    raise LibraryError(
        f"Cannot upgrade the library {library}: its backup needs {_size(need)} and {folder} "
        f"has {_size(free)} free{hint}. The library was left as it was; free some space, then "
        "open it again."
    )


def prune(library: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups of this library; the paths deleted."""
    gone = []
    for old in backups_of(library)[keep:]:
        try:
            old.unlink()
            gone.append(old)
        except OSError as e:
            log.warning("old backup %s not deleted: %s", old, e)
    return gone
