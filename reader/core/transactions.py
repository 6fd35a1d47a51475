"""One write transaction for the reader's edits, with a busy library said in words."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.store import Library


@contextmanager
def write_transaction(lib: Library, error: type[Exception]) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … commit, or roll back; SQLite's busy and other operational errors
    become ``error`` with a message fit to show the reader (section moves, hand fixes)."""
    conn = lib.conn
    if conn.in_transaction:
        conn.commit()  # a read left open by the caller; nothing of ours is pending
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise error(busy_message(e)) from e
    try:
        yield conn
        conn.commit()
    except sqlite3.OperationalError as e:
        conn.rollback()
        raise error(busy_message(e)) from e
    except BaseException:
        conn.rollback()
        raise


def busy_message(e: sqlite3.OperationalError) -> str:
    if "locked" in str(e) or "busy" in str(e):
        return "The library is busy (another program or an import is writing); try again."
    return f"The library could not be changed: {e}."
