"""The Trash: deleting articles, undoing it, restoring from the Trash and emptying it.

A deleted article keeps its row with ``deleted_at`` set (schema 11, :mod:`.trash_schema`): the
views, counts and searches leave it out, its full-text entry stays, and undo is one UPDATE. Every
delete gets its own stamp (the ``deleted_at`` it writes), so that Ctrl+Z puts back exactly that
delete, from any connection. Emptying the Trash really deletes the rows; triggers take their
full-text entries and counts with them.

Big operations run in chunks of :data:`CHUNK` articles, each its own transaction: a worker thread
doing 100,000 holds the write lock for a few tens of milliseconds at a time, never for the whole,
and the window's own writes get through between chunks. An article still in the Trash keeps its
fingerprint: importing its dump again counts it as a duplicate and leaves it in the Trash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from reader.core.views import LIVE_FILTER, TRASH_FILTER, chunks, utc_stamp

if TYPE_CHECKING:
    from reader.core.store import Library

log = logging.getLogger(__name__)

#: Articles per transaction (about 20-60 ms of write lock each).
CHUNK = 2000
#: Days an article stays in the Trash before the start-up emptying takes it (a setting).
DEFAULT_TRASH_DAYS = 30

Progress = Callable[[int, int], object]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class Deleted:
    """One delete, for undo: its stamp, how many articles it took, the source it removed."""

    stamp: str
    count: int
    source_id: int | None = None
    source_name: str | None = None


def new_stamp(lib: Library) -> str:
    """A ``deleted_at`` no article has yet (bumped by a millisecond on a clash)."""
    moment = datetime.now(timezone.utc)
    while True:
        stamp = utc_stamp(moment)
        taken = lib.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE deleted_at = ?)"
            " OR EXISTS (SELECT 1 FROM sources WHERE removed_at = ?)",
            (stamp, stamp),
        ).fetchone()[0]
        if not taken:
            return stamp
        moment += timedelta(milliseconds=1)


def _noop_progress(done: int, total: int) -> None:
    pass


def _never() -> bool:
    return False


def trash_articles(
    lib: Library,
    ids: Sequence[int],
    stamp: str | None = None,
    progress: Progress = _noop_progress,
    cancelled: Cancelled = _never,
) -> Deleted:
    """Move these articles to the Trash, in chunks; what was moved before a cancel stays moved
    (and is undone with the rest)."""
    conn = lib.conn
    stamp = stamp or new_stamp(lib)
    total, done, moved = len(ids), 0, 0
    progress(0, total)
    for chunk in chunks(list(ids), CHUNK):
        if cancelled():
            break
        marks = ",".join("?" * len(chunk))
        with conn:
            moved += conn.execute(
                f"UPDATE articles SET deleted_at = ? WHERE id IN ({marks}) AND {LIVE_FILTER}",
                (stamp, *chunk),
            ).rowcount
        done += len(chunk)
        progress(done, total)
    return Deleted(stamp, moved)


def _repeat(lib: Library, sql: str, params: tuple, total: int, progress: Progress) -> int:
    """Run a chunked statement (``LIMIT ?`` last) until it changes nothing; rows changed."""
    conn = lib.conn
    done = 0
    progress(0, total)
    while True:
        with conn:
            n = conn.execute(sql, (*params, CHUNK)).rowcount
        if n <= 0:
            return done
        done += n
        progress(min(done, total), total)


def undo_delete(lib: Library, deleted: Deleted, progress: Progress = _noop_progress) -> int:
    """Put back every article of this delete still in the Trash (and its source); how many."""
    conn = lib.conn
    restored = _repeat(
        lib,
        "UPDATE articles SET deleted_at = NULL WHERE id IN"
        " (SELECT id FROM articles WHERE deleted_at = ? LIMIT ?)",
        (deleted.stamp,),
        deleted.count,
        progress,
    )
    with conn:
        conn.execute("UPDATE sources SET removed_at = NULL WHERE removed_at = ?", (deleted.stamp,))
    return restored


def restore(lib: Library, ids: Sequence[int], progress: Progress = _noop_progress) -> int:
    """Take these articles out of the Trash (their removed source comes back with them)."""
    conn = lib.conn
    restored, done = 0, 0
    progress(0, len(ids))
    for chunk in chunks(list(ids), CHUNK):
        marks = ",".join("?" * len(chunk))
        with conn:
            conn.execute(
                "UPDATE sources SET removed_at = NULL WHERE removed_at IS NOT NULL AND id IN"
                f" (SELECT DISTINCT source_id FROM articles WHERE id IN ({marks}))",
                chunk,
            )
            restored += conn.execute(
                f"UPDATE articles SET deleted_at = NULL WHERE id IN ({marks}) AND {TRASH_FILTER}",
                chunk,
            ).rowcount
        done += len(chunk)
        progress(done, len(ids))
    return restored


def delete_forever(lib: Library, ids: Sequence[int], progress: Progress = _noop_progress) -> int:
    """Delete these articles for good (their full-text entries and counts follow); how many."""
    conn = lib.conn
    gone, done = 0, 0
    progress(0, len(ids))
    for chunk in chunks(list(ids), CHUNK):
        marks = ",".join("?" * len(chunk))
        with conn:
            gone += conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk).rowcount
        done += len(chunk)
        progress(done, len(ids))
    forget_removed_sources(lib)
    return gone


def trash_size(lib: Library, older_than: str | None = None, unstarred: bool = False) -> int:
    """Articles in the Trash (deleted before ``older_than``; only the unstarred ones)."""
    where, params = _trash_where(older_than, unstarred)
    return lib.conn.execute(f"SELECT count(*) FROM articles WHERE {where}", params).fetchone()[0]


def _trash_where(older_than: str | None, unstarred: bool) -> tuple[str, tuple]:
    where = TRASH_FILTER
    params: tuple = ()
    if older_than is not None:
        where += " AND deleted_at < ?"
        params = (older_than,)
    if unstarred:
        # "+": kept off the starred index (which holds deleted_at since schema 12): the Trash's
        # own index finds these rows at once, the starred one walked a million (0.2-0.65 s).
        where += " AND +starred = 0"
    return where, params


def empty_trash(
    lib: Library,
    older_than: str | None = None,
    unstarred: bool = False,
    progress: Progress = _noop_progress,
) -> int:
    """Delete what the Trash holds for good, in chunks; how many articles went.

    ``older_than`` and ``unstarred`` are for the automatic emptying, which never takes a
    starred article; emptying on request takes everything.
    """
    where, params = _trash_where(older_than, unstarred)
    total = trash_size(lib, older_than, unstarred)
    gone = _repeat(
        lib,
        f"DELETE FROM articles WHERE id IN (SELECT id FROM articles WHERE {where} LIMIT ?)",
        params,
        total,
        progress,
    )
    forget_removed_sources(lib)
    return gone


def _expiry(days: int, now: datetime | None) -> str:
    return utc_stamp((now or datetime.now(timezone.utc)) - timedelta(days=days))


def expire(lib: Library, days: int = DEFAULT_TRASH_DAYS, now: datetime | None = None) -> int:
    """The start-up emptying: articles in the Trash for over ``days`` days, never starred ones."""
    if days <= 0:
        return 0
    return empty_trash(lib, older_than=_expiry(days, now), unstarred=True)


def anything_expired(lib: Library, days: int, now: datetime | None = None) -> bool:
    """Whether :func:`expire` has work (one probe of the Trash's index): most starts have none."""
    if days <= 0:
        return False
    where, params = _trash_where(_expiry(days, now), unstarred=True)
    sql = f"SELECT EXISTS (SELECT 1 FROM articles WHERE {where})"
    return bool(lib.conn.execute(sql, params).fetchone()[0])


def forget_removed_sources(lib: Library) -> int:
    """Drop the entries of removed sources none of whose articles is left (Trash emptied)."""
    with lib.conn:
        return lib.conn.execute(
            "DELETE FROM sources WHERE removed_at IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM articles WHERE source_id = sources.id)"
        ).rowcount


def trashed_ids_of(lib: Library, ids: Sequence[int]) -> list[int]:
    """Which of these articles are in the Trash."""
    out: list[int] = []
    for chunk in chunks(list(ids), 500):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT id FROM articles WHERE id IN ({marks}) AND {TRASH_FILTER}"
        out += [r[0] for r in lib.conn.execute(sql, chunk)]
    return out
