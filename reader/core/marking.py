"""Markings: read / unread and star, on a few articles or a whole view, and their undo.

Each marking returns a :class:`Change` saying exactly what changed, so that the window can update
counts and rows without re-reading the view, and can undo it. The read side (views, counts,
lists) is in :mod:`reader.core.views`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from reader.core.views import Counts, View, chunks, today_cutoff, view_filter

if TYPE_CHECKING:
    from reader.core.store import Library

# Markings of more rows than this keep their ids in a temporary table instead of a tuple.
_BIG_CHANGE = 2000


class RowInfo(NamedTuple):
    """An article's state before a change, for counts and undo."""

    id: int
    section_id: int
    added_at: str
    read: int
    starred: int


@dataclass
class Change:
    """What a marking changed: ``column`` set to ``value`` on articles that had another value.

    Small changes list the articles (``rows``); a big one (a whole view marked read) keeps its
    ids in a temporary table named ``table`` on this connection, for undo.
    """

    column: Literal["read", "starred"]
    value: int
    rows: list[RowInfo] | None
    count: int
    section_ids: set[int]
    table: str | None = None

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.rows] if self.rows is not None else []


_table_counter = itertools.count(1)


def set_flag(
    lib: Library, ids: Iterable[int], column: Literal["read", "starred"], value: bool
) -> Change:
    """Set read or starred on articles; the Change lists those whose value actually changed."""
    conn = lib.conn
    if column not in ("read", "starred"):
        raise ValueError(column)
    flag = int(bool(value))
    ids = list(ids)
    rows: list[RowInfo] = []
    with conn:
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows += [
                RowInfo(*r)
                for r in conn.execute(
                    f"SELECT id, section_id, added_at, read, starred FROM articles"
                    f" WHERE id IN ({marks}) AND {column} != ?",
                    (*chunk, flag),
                )
            ]
            conn.execute(
                f"UPDATE articles SET {column} = ? WHERE id IN ({marks}) AND {column} != ?",
                (flag, *chunk, flag),
            )
    return Change(column, flag, rows, len(rows), {r.section_id for r in rows})


def mark_view_read(lib: Library, view: View, cutoff: str | None = None) -> Change:
    """Mark every unread article of a view read, remembering which ones for undo."""
    conn = lib.conn
    where, params = view_filter(view, cutoff)
    with conn:
        n = conn.execute(
            f"SELECT count(*) FROM articles WHERE ({where}) AND read = 0", params
        ).fetchone()[0]
        if n <= _BIG_CHANGE:
            ids = [
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM articles WHERE ({where}) AND read = 0", params
                )
            ]
    if n <= _BIG_CHANGE:
        return set_flag(lib, ids, "read", True)
    table = f"temp.dispatch_undo_{next(_table_counter)}"
    with conn:
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
        conn.execute(
            f"INSERT INTO {table} (id) SELECT id FROM articles WHERE ({where}) AND read = 0", params
        )
        section_ids = {
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT a.section_id FROM articles a JOIN {table} u ON u.id = a.id"
            )
        }
        changed = conn.execute(
            f"UPDATE articles SET read = 1 WHERE id IN (SELECT id FROM {table})"
        ).rowcount
    return Change("read", 1, None, changed, section_ids, table)


def undo(lib: Library, change: Change) -> Change:
    """Put back what ``change`` changed; returns the reverse change."""
    conn = lib.conn
    old = 1 - change.value
    if change.table is None:
        return set_flag(lib, change.ids, change.column, bool(old))
    with conn:
        changed = conn.execute(
            f"UPDATE articles SET {change.column} = ? WHERE id IN (SELECT id FROM {change.table})",
            (old,),
        ).rowcount
        conn.execute(f"DROP TABLE {change.table}")
    return Change(change.column, old, None, changed, set(change.section_ids))


def discard(lib: Library, change: Change) -> None:
    """Forget an undo record (drops its temporary table)."""
    conn = lib.conn
    if change.table is not None:
        conn.execute(f"DROP TABLE IF EXISTS {change.table}")
        change.table = None


def apply_change_to_counts(c: Counts, change: Change, cutoff: str | None = None) -> bool:
    """Adjust counts for a small read/star change in place; False when a recount is needed."""
    if change.rows is None:
        return False
    cutoff = cutoff or today_cutoff()
    for info in change.rows:
        if change.column == "read":
            if info.read == change.value:
                continue
            delta = -1 if change.value else 1
            keys = ["all", "unread", View("section", info.section_id).key]
            if info.starred:
                keys.append("starred")
            if info.added_at >= cutoff:
                keys.append("today")
        else:
            if info.starred == change.value or info.read:
                continue
            delta = 1 if change.value else -1
            keys = ["starred"]
        for key in keys:
            c.unread[key] = max(0, c.unread.get(key, 0) + delta)
    return True
