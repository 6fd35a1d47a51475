"""Renaming and looking up saved searches (saving and deleting live in :mod:`reader.core.search`).

A rename never replaces another saved search: ``save_search`` under an existing name replaces
that search on purpose ("save again"), a rename onto a taken name is a mistake to report.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from reader.core.search import SavedSearch, SavedSearchError, saved_searches

if TYPE_CHECKING:
    from reader.core.store import Library


def _conn(lib: Library | sqlite3.Connection) -> sqlite3.Connection:
    return lib if isinstance(lib, sqlite3.Connection) else lib.conn


def clean_name(name: str) -> str:
    """One line, single spaces: control characters from a paste become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in name).split())


def saved_search(lib: Library | sqlite3.Connection, search_id: int) -> SavedSearch | None:
    return next((s for s in saved_searches(lib) if s.id == search_id), None)


def rename_saved_search(
    lib: Library | sqlite3.Connection, search_id: int, name: str
) -> SavedSearch:
    """Give a saved search another name; returns it renamed."""
    conn = _conn(lib)
    name = clean_name(name)
    if not name:
        raise SavedSearchError("A saved search needs a name.")
    current = saved_search(conn, search_id)
    if current is None:
        raise SavedSearchError("That saved search no longer exists.")
    taken = conn.execute(
        "SELECT 1 FROM saved_searches WHERE name = ? AND id != ?", (name, search_id)
    ).fetchone()
    if taken:
        raise SavedSearchError(f"There is already a saved search named “{name}”.")
    with conn:
        conn.execute("UPDATE saved_searches SET name = ? WHERE id = ?", (name, search_id))
    renamed = saved_search(conn, search_id)
    assert renamed is not None
    return renamed
