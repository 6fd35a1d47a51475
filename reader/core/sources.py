"""Imported files in the sidebar: remove one with its articles, clear failed and cancelled ones.

Removing a file marks its entry removed (``sources.removed_at``, schema 11) and moves its
articles to the Trash with the same stamp, so that one undo brings both back; the entry is
dropped for good once the Trash no longer holds any of its articles. Clearing failed and
cancelled entries deletes the entries only: the articles a cancelled import stored stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.trash import Cancelled, Deleted, Progress, new_stamp, trash_articles
from reader.core.views import LIVE_FILTER

if TYPE_CHECKING:
    from reader.core.store import Library

#: Statuses "Clear failed and cancelled entries" takes away (never a running import).
CLEARABLE = ("failed", "cancelled")


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str
    path: str
    status: str
    articles: int  # in the library now (not in the Trash)


def source_info(lib: Library, source_id: int) -> SourceInfo | None:
    """A listed source and how many of its articles the library holds now."""
    row = lib.conn.execute(
        "SELECT id, name, path, status FROM sources WHERE id = ? AND removed_at IS NULL",
        (source_id,),
    ).fetchone()
    if row is None:
        return None
    (n,) = lib.conn.execute(
        f"SELECT count(*) FROM articles WHERE source_id = ? AND {LIVE_FILTER}", (source_id,)
    ).fetchone()
    return SourceInfo(row[0], row[1], row[2], row[3], n)


def remove_source(
    lib: Library,
    source_id: int,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Deleted:
    """Take a file out of the sidebar and its articles to the Trash (undo: ``undo_delete``)."""
    conn = lib.conn
    stamp = new_stamp(lib)
    with conn:
        row = conn.execute(
            "UPDATE sources SET removed_at = ? WHERE id = ? AND removed_at IS NULL"
            " AND status != 'running' RETURNING name",
            (stamp, source_id),
        ).fetchone()
    if row is None:
        raise ValueError("That file is not in the library any more, or is being imported.")
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT id FROM articles WHERE source_id = ? AND {LIVE_FILTER}", (source_id,)
        )
    ]
    kwargs = {k: v for k, v in (("progress", progress), ("cancelled", cancelled)) if v}
    moved = trash_articles(lib, ids, stamp, **kwargs)  # type: ignore[arg-type]
    with conn:  # a removed file with nothing to restore is simply gone
        conn.execute(
            "DELETE FROM sources WHERE id = ? AND NOT EXISTS"
            " (SELECT 1 FROM articles WHERE source_id = ?)",
            (source_id, source_id),
        )
    return Deleted(stamp, moved.count, source_id, row[0])


def clearable_count(lib: Library) -> int:
    """Failed and cancelled entries listed in the sidebar."""
    marks = ",".join("?" * len(CLEARABLE))
    sql = f"SELECT count(*) FROM sources WHERE status IN ({marks}) AND removed_at IS NULL"
    return lib.conn.execute(sql, CLEARABLE).fetchone()[0]


def clear_failed(lib: Library) -> int:
    """Delete the failed and cancelled entries (their articles stay); how many."""
    marks = ",".join("?" * len(CLEARABLE))
    with lib.conn:
        return lib.conn.execute(
            f"DELETE FROM sources WHERE status IN ({marks}) AND removed_at IS NULL", CLEARABLE
        ).rowcount


def forget_failed(lib: Library, source_id: int) -> bool:
    """Drop a failed entry (it brought no article) before its file is imported again, so that
    the sidebar lists the file once."""
    with lib.conn:
        return (
            lib.conn.execute(
                "DELETE FROM sources WHERE id = ? AND status = 'failed'"
                " AND NOT EXISTS (SELECT 1 FROM articles WHERE source_id = ?)",
                (source_id, source_id),
            ).rowcount
            == 1
        )
