"""Keeping a years-old library in hand: mark old articles read, delete old read ones.

Age is counted from when an article was added to the library (``added_at``, indexed with
``read``): an archive imported today is not old today. Neither rule ever touches a starred
article. The delete rule is off unless the reader turns it on, and moves articles to the Trash
(undoable; emptied after the Trash's own delay), never deleting them outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from reader.core import trash
from reader.core.views import LIVE_FILTER, utc_stamp

if TYPE_CHECKING:
    from reader.core.store import Library


def cutoff(days: int, now: datetime | None = None) -> str:
    """The ``added_at`` before which an article is older than ``days`` days."""
    return utc_stamp((now or datetime.now(timezone.utc)) - timedelta(days=days))


def _old_unread(days: int, now: datetime | None) -> tuple[str, tuple]:
    return f"read = 0 AND added_at < ? AND starred = 0 AND {LIVE_FILTER}", (cutoff(days, now),)


def _old_read(days: int, now: datetime | None) -> tuple[str, tuple]:
    return f"read = 1 AND added_at < ? AND starred = 0 AND {LIVE_FILTER}", (cutoff(days, now),)


def unread_older_than(lib: Library, days: int, now: datetime | None = None) -> list[int]:
    """Unread, unstarred articles added more than ``days`` days ago (to mark read)."""
    where, params = _old_unread(days, now)
    return [r[0] for r in lib.conn.execute(f"SELECT id FROM articles WHERE {where}", params)]


def read_older_than_count(lib: Library, days: int, now: datetime | None = None) -> int:
    """How many articles the delete rule would take now (its preview)."""
    where, params = _old_read(days, now)
    return lib.conn.execute(f"SELECT count(*) FROM articles WHERE {where}", params).fetchone()[0]


def any_read_older_than(lib: Library, days: int, now: datetime | None = None) -> bool:
    """Whether the delete rule has work now (stops at the first article it would take)."""
    if days <= 0:
        return False
    where, params = _old_read(days, now)
    sql = f"SELECT EXISTS (SELECT 1 FROM articles WHERE {where})"
    return bool(lib.conn.execute(sql, params).fetchone()[0])


def delete_read_older_than(
    lib: Library, days: int, now: datetime | None = None
) -> trash.Deleted | None:
    """The delete rule: read, unstarred articles older than ``days`` days to the Trash."""
    if days <= 0:
        return None
    where, params = _old_read(days, now)
    ids = [r[0] for r in lib.conn.execute(f"SELECT id FROM articles WHERE {where}", params)]
    return trash.trash_articles(lib, ids) if ids else None


@dataclass(frozen=True)
class Housekeeping:
    """What the start-up rules did."""

    expired: int = 0  # deleted for good from the Trash
    retired: trash.Deleted | None = None  # moved to the Trash by the delete rule

    def message(self, days: int) -> str | None:
        parts = []
        if self.retired is not None and self.retired.count:
            n = self.retired.count
            parts.append(
                f"{n:,} read article{'s' if n != 1 else ''} older than {days} days"
                " moved to the Trash (your rule)"
            )
        if self.expired:
            n = self.expired
            parts.append(f"{n:,} article{'s' if n != 1 else ''} emptied from the Trash")
        return "; ".join(parts) or None


def housekeeping(
    lib: Library, trash_days: int, delete_read_days: int, now: datetime | None = None
) -> Housekeeping:
    """The rules run at start-up (on a worker): empty the Trash of what is old, then the
    delete rule (0 = off). Starred articles are never taken by either."""
    expired = trash.expire(lib, trash_days, now) if trash_days > 0 else 0
    retired = delete_read_older_than(lib, delete_read_days, now) if delete_read_days > 0 else None
    return Housekeeping(expired, retired)
