"""What every command that opens the library says when it cannot: one line, never a traceback.

A damaged library is set aside here (renamed, never deleted) and the line says how to recover
what it still holds; ``dispatch recover`` does that (see reader.core.recovery).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ParamSpec

from reader.core.store import Library, LibraryDamaged, LibraryError, default_library_path

log = logging.getLogger(__name__)
P = ParamSpec("P")


class CommandFailed(Exception):
    """A command's one line for the user and its exit status, raised from anywhere inside a
    command and printed once by ``command`` (the one way commands report failure)."""

    def __init__(self, line: str, status: int = 2) -> None:
        super().__init__(line)
        self.line = line
        self.status = status


def command(run: Callable[P, int]) -> Callable[P, int]:
    """A command's entry point: CommandFailed becomes its line on stderr and its status."""

    @functools.wraps(run)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            return run(*args, **kwargs)
        except CommandFailed as e:
            say(e.line)
            return e.status

    return wrapped


def library_path(db: Path | None) -> Path:
    return Path(db).expanduser() if db is not None else default_library_path()


def recover_hint(path: Path, db: Path | None) -> str:
    return "dispatch recover" + (f" --db {path}" if db is not None else "")


def damaged_line(path: Path, detail: str, db: Path | None) -> str:
    """Set the damaged file aside and say so, with what to do next."""
    from reader.core.recovery import set_aside

    try:
        dest = set_aside(path)
    except LibraryError as e:
        return f"dispatch: {e}"
    return (
        f"dispatch: {path.name} is damaged ({detail}); it was set aside, untouched, as "
        f"{dest.name} and a new library starts in its place. To copy what can still be read "
        f"into it, run: {recover_hint(path, db)}"
    )


def open_library(
    db: Path | None, *, prefix: str = "dispatch", read_only: bool = False
) -> Library | str:
    """The library, or the line to print instead."""
    path = library_path(db)
    try:
        return Library(path, read_only=read_only)
    except LibraryDamaged as e:
        return damaged_line(path, e.detail, db)
    except LibraryError as e:
        return f"{prefix}: {e}"


def library_failed(path: Path, e: sqlite3.Error, db: Path | None, prefix: str = "dispatch") -> str:
    """The line for an SQLite error met while working on an open library (closed by now)."""
    from reader.core.importing import library_error_text
    from reader.core.store import is_corruption

    if is_corruption(e):
        return damaged_line(path, "SQLite cannot read parts of it", db)
    return f"{prefix}: {library_error_text(e)}"


@contextlib.contextmanager
def library_open(
    db: Path | None, *, prefix: str = "dispatch", read_only: bool = False
) -> Iterator[Library]:
    """The library for one command, closed after it. Not opening, or an SQLite error while
    open (a damaged file is set aside, a full disk), ends the command with one line."""
    lib = open_library(db, prefix=prefix, read_only=read_only)
    if isinstance(lib, str):
        raise CommandFailed(lib)
    try:
        yield lib
    except sqlite3.Error as e:
        log.warning("%s: %s failed: %s", prefix, lib.path, e)
        lib.close()
        raise CommandFailed(library_failed(lib.path, e, db, prefix)) from e
    finally:
        lib.close()


def say(line: str) -> None:
    """One line on stderr; a terminal closed under us (SIGHUP) is no reason for a traceback."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr)


PROGRESS_EVERY = 2.0  # seconds between progress lines


def progress_lines(line: Callable[[int, int], str]) -> Callable[[int, int], None]:
    """A progress callback that prints ``line(done, total)`` on stderr, at most every
    PROGRESS_EVERY seconds and never for the last step (the summary follows it)."""
    last = time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if total and done < total and now - last >= PROGRESS_EVERY:
            last = now
            print(line(done, total), file=sys.stderr)

    return progress
