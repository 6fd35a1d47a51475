"""A whole view marked read (or such a marking undone) in steps, off the window's thread.

Marking 500,000 articles read in one UPDATE takes 15-19 s here (each row moves in the indexes
that hold ``read`` and its section's counts change by trigger): on the window's thread that
froze the window, and in one transaction anywhere it would hold the write lock that long (an
import waiting on it gives up after 5 s). A :class:`ReadSweep` lists the articles it changes
once (their ids, ascending, for an exact undo), then changes them a few thousand at a time, one
short transaction each. Until it ends, ``pending`` holds what the remaining steps will do to the
sidebar's counts, so that the window can show the end state at once.
"""

from __future__ import annotations

import json
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core.views import LIVE_FILTER, View, today_cutoff, view_filter

if TYPE_CHECKING:
    from reader.core.store import Library

#: Articles changed per transaction: about 0.1-0.3 s of write lock each.
STEP = 5_000

_IDS = "SELECT value FROM json_each(?)"
#: The index a view's articles are listed and tallied through (see sweep_view).
_WALK = "articles_section_added"


@dataclass
class ReadSweep:
    """Set ``read`` to ``value`` on ``ids`` (ascending), ``done`` of them so far."""

    ids: array
    value: int
    cutoff: str
    done: int = 0
    changed: int = 0
    #: Count key ("all", "section:3", ...) -> the change the remaining steps make to it.
    pending: Counter[str] = field(default_factory=Counter)
    section_ids: set[int] = field(default_factory=set)
    #: Held while ``done`` and ``pending`` change (the window reads them from its thread).
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def finished(self) -> bool:
        return self.done >= len(self.ids)

    def covers(self, article_id: int) -> bool:
        """Whether this sweep sets (or has set) this article's read state."""
        i = bisect_left(self.ids, article_id)
        return i < len(self.ids) and self.ids[i] == article_id

    def undo_sweep(self) -> ReadSweep:
        """The sweep that puts back what this one did so far (the articles it changed)."""
        return ReadSweep(array("q", self.ids[: self.done]), 1 - self.value, self.cutoff)

    def adjust(self, counts: dict[str, int]) -> None:
        """Counts read from the library, as they will be when this sweep has ended."""
        with self.lock:
            pending = list(self.pending.items())
        for key, delta in pending:
            counts[key] = max(0, counts.get(key, 0) + delta)


def _deltas(rows, value: int) -> tuple[Counter[str], set[int]]:
    """What setting ``read`` to ``value`` on these (section, starred, today, live) rows does to
    each count."""
    sign = -1 if value else 1
    out: Counter[str] = Counter()
    sections: set[int] = set()
    for section_id, n, starred, today in rows:
        sections.add(section_id)
        for key, k in (
            ("all", n),
            ("unread", n),
            (View("section", section_id).key, n),
            ("starred", int(starred)),
            ("today", int(today)),
        ):
            if k:
                out[key] += sign * k
    return out, sections


def _tally(
    lib: Library, where: str, params: tuple, value: int, cutoff: str, index: str = ""
) -> tuple[Counter[str], set[int]]:
    """What setting ``read`` to ``value`` on the rows of ``where`` does to each count."""
    sql = (
        f"SELECT section_id, count(*), total(starred = 1), total(added_at >= ?) FROM articles"
        f"{index} WHERE ({where}) AND read != ? AND {LIVE_FILTER} GROUP BY section_id"
    )
    return _deltas(lib.conn.execute(sql, (cutoff, *params, value)), value)


def sweep_view(lib: Library, view: View, cutoff: str | None = None) -> ReadSweep:
    """Every unread article of a view, to be marked read: listed and tallied in one snapshot.

    Both walk the section order's index, which holds every column a view filters on (not the
    table: 1.7 GB at a million articles); SQLite sorts the ids, in C, off the GIL.
    """
    cutoff = cutoff or today_cutoff()
    where, params = view_filter(view, cutoff)
    index = f" INDEXED BY {_WALK}"
    conn = lib.conn
    with conn:
        conn.execute("BEGIN")  # one snapshot for the ids and their tally
        ids = array("q")
        cur = conn.execute(
            f"SELECT id FROM articles{index} WHERE ({where}) AND read = 0 ORDER BY id", params
        )
        while rows := cur.fetchmany(20_000):
            ids.extend(r[0] for r in rows)
        pending, sections = _tally(lib, where, params, 1, cutoff, index)
    return ReadSweep(ids, 1, cutoff, pending=pending, section_ids=sections)


def sweep_ids(lib: Library, ids: list[int], value: int, cutoff: str | None = None) -> ReadSweep:
    """These articles (a search's results, an undo), to have ``read`` set to ``value``."""
    cutoff = cutoff or today_cutoff()
    sweep = ReadSweep(array("q", sorted(set(ids))), value, cutoff)
    prepare(lib, sweep)
    return sweep


def prepare(lib: Library, sweep: ReadSweep) -> None:
    """Tally a sweep made from ids (the view's sweeps are tallied as they are listed)."""
    sweep.pending.clear()
    for start in range(0, len(sweep.ids), 50_000):
        chunk = json.dumps(sweep.ids[start : start + 50_000].tolist())
        pending, sections = _tally(lib, f"id IN ({_IDS})", (chunk,), sweep.value, sweep.cutoff)
        sweep.pending.update(pending)
        sweep.section_ids |= sections


def step(lib: Library, sweep: ReadSweep, n: int | None = None) -> int:
    """Change the next ``n`` (:data:`STEP`) articles in one transaction; how many changed.

    An article someone else changed meanwhile is left as it is now (``read != value``).
    """
    chunk = sweep.ids[sweep.done : sweep.done + (n or STEP)]
    if not chunk:
        return 0
    ids = json.dumps(chunk.tolist())
    conn = lib.conn
    with conn:
        # RETURNING: the changed rows tell the counts what changed, in the same statement.
        changed = conn.execute(
            f"UPDATE articles SET read = ? WHERE id IN ({_IDS}) AND read != ?"
            f" RETURNING section_id, added_at >= ?, starred = 1, {LIVE_FILTER}",
            (sweep.value, ids, sweep.value, sweep.cutoff),
        ).fetchall()
    per_section: dict[int, list[int]] = {}
    for section_id, today, starred, live in changed:
        if live:
            tally = per_section.setdefault(section_id, [0, 0, 0])
            tally[0] += 1
            tally[1] += starred
            tally[2] += today
    done, _ = _deltas([(s, *t) for s, t in per_section.items()], sweep.value)
    with sweep.lock:
        sweep.done += len(chunk)
        sweep.changed += len(changed)
        sweep.pending.subtract(done)
        for key in [k for k, v in sweep.pending.items() if v == 0]:
            del sweep.pending[key]
    return len(changed)
