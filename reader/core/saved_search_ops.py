"""Saved searches: a query (and the view it searches) kept under a name, shown in the sidebar.

The table comes with the store's migration 3 (the store owns the schema); on an older library
the functions say so clearly. Saving under an existing name replaces that search on purpose
("save again"); a rename onto a taken name is a mistake to report.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.query import parse_query
from reader.core.search import count
from reader.core.views import View

if TYPE_CHECKING:
    from reader.core.store import Library


def clean_name(name: str) -> str:
    """One line, single spaces: control characters from a paste become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in name).split())


class SavedSearchError(Exception):
    """A saved search that cannot be stored; the message is fit to show a user."""


@dataclass(frozen=True)
class SavedSearch:
    id: int
    name: str
    query: str
    scope: View | None
    position: int


def _has_saved_searches(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'saved_searches'"
    ).fetchone()
    return row is not None


def saved_searches(lib: Library) -> list[SavedSearch]:
    """The saved searches in sidebar order; none when the library has no table for them yet."""
    conn = lib.conn
    if not _has_saved_searches(conn):
        return []
    return [
        SavedSearch(r[0], r[1], r[2], View.from_key(r[3]) if r[3] else None, r[4])
        for r in conn.execute(
            "SELECT id, name, query, scope, position FROM saved_searches ORDER BY position, id"
        )
    ]


def save_search(lib: Library, name: str, query: str, scope: View | None = None) -> int:
    """Save (or, under an existing name, replace) a search; returns its id."""
    conn = lib.conn
    name = " ".join(name.split())
    if not name:
        raise SavedSearchError("A saved search needs a name.")
    parsed = parse_query(query)
    if parsed.is_empty:
        raise SavedSearchError("There is nothing to search for in this query.")
    if not _has_saved_searches(conn):
        raise SavedSearchError(
            "This library cannot keep saved searches yet (it needs the saved_searches table)."
        )
    from reader.core.store import now_utc

    with conn:
        row = conn.execute("SELECT id FROM saved_searches WHERE name = ?", (name,)).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE saved_searches SET query = ?, scope = ? WHERE id = ?",
                (query, scope.key if scope else None, row[0]),
            )
            return row[0]
        cur = conn.execute(
            "INSERT INTO saved_searches (name, query, scope, position, created_at)"
            " SELECT ?, ?, ?, COALESCE(MAX(position), -1) + 1, ? FROM saved_searches",
            (name, query, scope.key if scope else None, now_utc()),
        )
    assert cur.lastrowid is not None  # set by every INSERT
    return cur.lastrowid


def delete_saved_search(lib: Library, search_id: int) -> bool:
    conn = lib.conn
    if not _has_saved_searches(conn):
        return False
    with conn:
        cur = conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))
    return cur.rowcount > 0


def saved_search_unread(lib: Library, saved: SavedSearch, limit: int = 10_000) -> tuple[int, bool]:
    """The sidebar's unread count of a saved search: (n, exact), counting at most ``limit``."""
    return count(lib, saved.query, scope=saved.scope, unread_only=True, limit=limit)


def saved_search(lib: Library, search_id: int) -> SavedSearch | None:
    return next((s for s in saved_searches(lib) if s.id == search_id), None)


def rename_saved_search(lib: Library, search_id: int, name: str) -> SavedSearch:
    """Give a saved search another name; returns it renamed."""
    conn = lib.conn
    name = clean_name(name)
    if not name:
        raise SavedSearchError("A saved search needs a name.")
    current = saved_search(lib, search_id)
    if current is None:
        raise SavedSearchError("That saved search no longer exists.")
    taken = conn.execute(
        "SELECT 1 FROM saved_searches WHERE name = ? AND id != ?", (name, search_id)
    ).fetchone()
    if taken:
        raise SavedSearchError(f"There is already a saved search named “{name}”.")
    with conn:
        conn.execute("UPDATE saved_searches SET name = ? WHERE id = ?", (name, search_id))
    renamed = saved_search(lib, search_id)
    assert renamed is not None
    return renamed
