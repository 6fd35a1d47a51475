"""Read-side queries of the window: views, counts, keyset-paged lists, one article, markings.

Pure SQL over the v1 schema, no Qt. Lists never load a whole view: the window asks for a page
after (or before) a row it already has, using the sort key of that row (keyset paging, about
0.1 ms at any depth); OFFSET is used only for a random jump, and then counted from the nearer
end of the view. Bodies never appear in list queries.

Markings (read, starred) are in :mod:`reader.core.marking`: this module only reads.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal, NamedTuple

from reader.core.sort_orders import PLANS, Sort
from reader.core.sort_orders import SortKey as SortKey  # the list names its orders with it

if TYPE_CHECKING:
    from reader.core.store import Library

ViewKind = Literal["all", "unread", "starred", "today", "section", "source", "trash"]

SMART_VIEWS: tuple[ViewKind, ...] = ("all", "unread", "starred", "today")
SMART_VIEW_NAMES = {
    "all": "All articles",
    "unread": "Unread",
    "starred": "Starred",
    "today": "Today",
    "trash": "Trash",
}
#: Deleted articles (schema 11): listed only in the Trash view, counted and searched nowhere else.
TRASH_FILTER = "deleted_at IS NOT NULL"
LIVE_FILTER = "deleted_at IS NULL"
TODAY_HOURS = 24
# A Today view up to this size in an order other than date is collected through its filter's
# index and sorted; a bigger one walks the order's index of All (see view_filter).
_SORT_IN_MEMORY = 20_000
# Positions in views smaller than this are counted from the start (the middle is not looked for).
_COUNT_EITHER_WAY = 5_000
# A position is first looked for among this many rows from the start (a millisecond or two).
_NEAR_START = 10_000


def utc_stamp(moment: datetime | None = None) -> str:
    """A timestamp in the library's format (UTC, sorts as text)."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}"
    )


@dataclass(frozen=True)
class View:
    """What the article list shows: a smart view, a section or an imported source."""

    kind: ViewKind
    id: int | None = None

    @property
    def key(self) -> str:
        """A stable text form, for settings ("all", "section:3")."""
        return self.kind if self.id is None else f"{self.kind}:{self.id}"

    @classmethod
    def from_key(cls, key: str) -> View | None:
        kind, _, ident = key.partition(":")
        if kind in (*SMART_VIEWS, "trash") and not ident:
            return cls(kind)
        if kind in ("section", "source") and ident.isdigit():
            return cls(kind, int(ident))  # type: ignore[arg-type]
        return None


ALL = View("all")
UNREAD = View("unread")
STARRED = View("starred")
TODAY = View("today")
TRASH = View("trash")


class Section(NamedTuple):
    id: int
    name: str
    position: int


class Source(NamedTuple):
    id: int
    name: str
    path: str
    imported_at: str
    status: str
    new_count: int
    duplicate_count: int
    skipped_count: int
    error: str | None


class Row(NamedTuple):
    """One list row: what the table shows, plus the sort value for keyset paging."""

    id: int
    title: str
    section_id: int
    dateline: str | None
    added_at: str
    read: int
    starred: int
    published_at: str | None = None
    source_id: int | None = None


class ArticleRecord(NamedTuple):
    """One article for the reading pane."""

    id: int
    title: str
    dateline: str | None
    summary: str
    body: str
    section_id: int
    section: str
    source_id: int | None
    source: str | None
    words: int
    added_at: str
    published_at: str | None
    read: int
    starred: int
    section_reason: str | None
    byline: str | None = None
    title_derived: int | None = None  # NULL for articles imported before schema 6


_ROW_COLUMNS = "id, title, section_id, dateline, added_at, read, starred, published_at, source_id"


def sections(lib: Library) -> list[Section]:
    conn = lib.conn
    return [
        Section(*r)
        for r in conn.execute("SELECT id, name, position FROM sections ORDER BY position, id")
    ]


def sources(lib: Library) -> list[Source]:
    """Imported files, newest first."""
    conn = lib.conn
    return [
        Source(*r)
        for r in conn.execute(
            "SELECT id, name, path, imported_at, status, new_count, duplicate_count,"
            " skipped_count, error FROM sources WHERE removed_at IS NULL"
            " ORDER BY imported_at DESC, id DESC"
        )
    ]


def today_cutoff(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return utc_stamp(now - timedelta(hours=TODAY_HOURS))


def view_filter(
    view: View, cutoff: str | None = None, unindexed: bool = False
) -> tuple[str, tuple]:
    """The WHERE clause of a view (without WHERE) and its parameters; only the Trash view lists
    deleted articles.

    ``unindexed`` writes the column as ``+column``, which stops SQLite from using the filter's
    index: for a big Today in title order, walking the title index and filtering is far faster
    than collecting the view and sorting it (0.5 ms against 600 ms for 110,000 rows).
    """
    if view.kind == "trash":
        return TRASH_FILTER, ()
    where, params = _kind_filter(view, cutoff, unindexed)
    return f"{where} AND {LIVE_FILTER}", params


def _kind_filter(view: View, cutoff: str | None, unindexed: bool) -> tuple[str, tuple]:
    plus = "+" if unindexed else ""
    if view.kind == "all":
        return "1", ()
    if view.kind == "unread":
        return f"{plus}read = 0", ()
    if view.kind == "starred":
        return f"{plus}starred = 1", ()
    if view.kind == "today":
        return f"{plus}added_at >= ?", (cutoff or today_cutoff(),)
    if view.kind == "section":
        return f"{plus}section_id = ?", (view.id,)
    if view.kind == "source":
        return f"{plus}source_id = ?", (view.id,)
    raise ValueError(f"unknown view {view!r}")


# ---------------------------------------------------------------------------------------------
# Counts


@dataclass
class Counts:
    """Unread counts of every view (sources: their article counts), and the library size."""

    total: int = 0
    unread: dict[str, int] = field(default_factory=dict)

    def get(self, view: View) -> int:
        return self.unread.get(view.key, 0)


def counts(lib: Library, cutoff: str | None = None) -> Counts:
    """Every count the sidebar shows: kept per section by triggers, Today from its index."""
    conn = lib.conn
    cutoff = cutoff or today_cutoff()
    out = Counts()
    kept = dict(conn.execute("SELECT section_id, unread FROM section_counts").fetchall())
    for (section_id,) in conn.execute("SELECT id FROM sections").fetchall():
        out.unread[View("section", section_id).key] = kept.get(section_id, 0)
    total, unread, starred_unread = conn.execute(
        "SELECT total(articles), total(unread), total(starred_unread) FROM section_counts"
    ).fetchone()
    out.total = int(total)
    out.unread["all"] = int(unread)
    out.unread["unread"] = int(unread)
    out.unread["starred"] = int(starred_unread)
    out.unread["today"] = count_since(lib, cutoff, int(unread), unread=True)
    out.unread["trash"] = conn.execute(
        f"SELECT count(*) FROM articles WHERE {TRASH_FILTER}"
    ).fetchone()[0]
    for source_id, n in conn.execute("SELECT id, new_count FROM sources WHERE removed_at IS NULL"):
        out.unread[View("source", source_id).key] = n
    return out


# Below this many, the articles added since the cutoff are counted; at this many, the ones
# before it are, and taken from the kept total.
_SINCE_PROBE = 50_000


def count_since(lib: Library, cutoff: str, kept: int, unread: bool = False) -> int:
    """Live articles (unread ones) added since ``cutoff``, of ``kept`` such in the library.

    Counted on the smaller side of the cutoff: after a first import every article is today's,
    and counting them walked the whole library on the window's thread after every batch and at
    each start (358 ms at 1.5M articles, 240 ms at 6.5M). Then the few older ones are counted
    and taken from the kept total.
    """
    conn = lib.conn
    flag = "read = 0 AND " if unread else ""
    (newer,) = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM articles WHERE {flag}added_at >= ?"
        f" AND {LIVE_FILTER} LIMIT ?)",
        (cutoff, _SINCE_PROBE),
    ).fetchone()
    if newer < _SINCE_PROBE:
        return int(newer)
    (older,) = conn.execute(
        f"SELECT count(*) FROM articles WHERE {flag}added_at < ? AND {LIVE_FILTER}", (cutoff,)
    ).fetchone()
    return kept - int(older)


_KEPT_SIZES = {
    "all": "SELECT total(articles) FROM section_counts",
    "unread": "SELECT total(unread) FROM section_counts",
    "starred": "SELECT total(starred) FROM section_counts",
    "section": "SELECT total(articles) FROM section_counts WHERE section_id = ?",
}


def view_size(lib: Library, view: View, cutoff: str | None = None) -> int:
    """How many articles a view lists: kept counts where there are some, else a COUNT."""
    conn = lib.conn
    sql = _KEPT_SIZES.get(view.kind)
    if sql is not None:
        params = (view.id,) if view.kind == "section" else ()
        return int(conn.execute(sql, params).fetchone()[0])
    if view.kind == "today":
        (kept,) = conn.execute(_KEPT_SIZES["all"]).fetchone()
        return count_since(lib, cutoff or today_cutoff(), int(kept))
    where, params = view_filter(view, cutoff)
    return conn.execute(f"SELECT count(*) FROM articles WHERE {where}", params).fetchone()[0]


# ---------------------------------------------------------------------------------------------
# Paged lists


class ViewQuery:
    """Paged, sorted access to one view, frozen at the moment it was opened.

    ``kept`` holds ids that no longer match the view's filter but stay listed until the view is
    opened again (an article read in Unread does not vanish under the reader's eyes).
    ``sort`` is the order as this view sees it (a section sorted by section is in date order).
    """

    def __init__(
        self,
        lib: Library,
        view: View,
        sort: Sort | None = None,
        cutoff: str | None = None,
    ) -> None:
        self.lib = lib
        self.conn = lib.conn
        self.view = view
        self.sort = (sort or Sort()).within(view.kind)
        self.cutoff = cutoff or today_cutoff()
        self.count_where, self.params = view_filter(view, self.cutoff)
        self.where = self.count_where
        self.kept: set[int] = set()
        self._size: int | None = None
        self._index = PLANS.get((view.kind, self.sort.key))
        # Today has no index per order: small, it is collected and sorted (materialized).
        self._materialize = self._index is None
        self._middle: tuple | None = None

    def set_size(self, size: int) -> None:
        """Tell the query how big the view is, to pick the plan where no index fits it."""
        self._size = size
        if (self.view.kind, self.sort.key) in PLANS:
            return
        walk = size > _SORT_IN_MEMORY
        # A big Today (a day of big imports) walks the order's index of All, filtering: the
        # filter's own index would collect the whole view and sort it.
        self.where = view_filter(self.view, self.cutoff, unindexed=walk)[0]
        self._index = PLANS[("all", self.sort.key)] if walk else None
        self._materialize = not walk

    @property
    def jumps_fast(self) -> bool:
        """Whether any row is a few milliseconds away (an index holds the view in its order)."""
        return self._materialize or (self.view.kind, self.sort.key) in PLANS

    # -- building blocks

    def _from(self, indexed: bool = True) -> str:
        """``FROM ... WHERE <view>``, to be followed by `` AND ...`` conditions."""
        if self._materialize:
            return (
                f"FROM (SELECT * FROM (WITH v AS MATERIALIZED (SELECT {_ROW_COLUMNS} FROM articles"
                f" WHERE ({self.where})) SELECT * FROM v)) WHERE 1"
            )
        plan = f" INDEXED BY {self._index}" if indexed and self._index else ""
        return f"FROM articles{plan} WHERE ({self.where})"

    def _select(self, extra: str, extra_params: tuple, reverse: bool, limit: int, offset: int = 0):
        order = self.sort.order_by(reverse)
        base = f"SELECT {_ROW_COLUMNS} {self._from()}{extra} ORDER BY {order} LIMIT ? OFFSET ?"
        if not self.kept:
            return self.conn.execute(base, (*self.params, *extra_params, limit, offset)).fetchall()
        kept = ",".join(str(int(i)) for i in self.kept)
        sql = (
            f"SELECT * FROM (SELECT * FROM ({base.replace('LIMIT ? OFFSET ?', 'LIMIT ?')})"
            f" UNION ALL SELECT {_ROW_COLUMNS} FROM articles WHERE id IN ({kept}){extra})"
            f" ORDER BY {order} LIMIT ? OFFSET ?"
        )
        params = (*self.params, *extra_params, limit + offset, *extra_params, limit, offset)
        return self.conn.execute(sql, params).fetchall()

    def _beyond(self, key: tuple | None, reverse: bool) -> list[tuple[str, tuple]]:
        """`` AND`` conditions (in order) for the rows after ``key`` (all rows when None)."""
        if key is None:
            return [("", ())]
        return [(f" AND {cond}", params) for cond, params in self.sort.beyond(key, reverse)]

    def _rows_beyond(self, key: tuple | None, reverse: bool, limit: int) -> list:
        rows: list = []
        for extra, params in self._beyond(key, reverse):
            rows += self._select(extra, params, reverse, limit - len(rows))
            if len(rows) >= limit:
                break
        return rows

    # -- public

    def count(self) -> int:
        n = view_size(self.lib, self.view, self.cutoff)
        if self._size is None:
            self.set_size(n)  # picks the plan once, for the size the view opened with
        else:
            self._size = n
        return n + len(self.kept)

    def page_after(self, key: tuple | None, limit: int) -> list[Row]:
        """Rows following the row with sort value ``key`` (from the start when None)."""
        return [Row(*r) for r in self._rows_beyond(key, False, limit)]

    def page_before(self, key: tuple, limit: int) -> list[Row]:
        """Rows preceding ``key``, in view order."""
        rows = self._rows_beyond(key, True, limit)
        return [Row(*r) for r in reversed(rows)]

    def page_at(self, offset: int, limit: int, total: int) -> list[Row]:
        """Rows at a position: OFFSET counted from whichever end of the view is nearer.

        The OFFSET walk reads only the sort key of the row before the page (from the index
        alone, half the cost of a walk that also steps the table), then the page follows it by
        keyset.
        """
        if offset < 0 or offset >= total:
            return []
        limit = min(limit, total - offset)
        if self.kept:  # kept rows are not in the index: the plain way
            return self._page_at_plainly(offset, limit, total)
        if offset <= total // 2:
            key = self._key_at(offset - 1, reverse=False) if offset else None
            if offset and key is None:
                return []
            return self.page_after(key, limit)
        back = total - offset - limit  # rows after the page
        key = self._key_at(back - 1, reverse=True) if back else None
        if back and key is None:
            return []
        return [Row(*r) for r in reversed(self._rows_beyond(key, True, limit))]

    def _key_at(self, offset: int, reverse: bool) -> tuple | None:
        """The sort key of the row ``offset`` rows from the start (the end when reversed)."""
        sql = (
            f"SELECT {self.sort.key_columns} {self._from()}"
            f" ORDER BY {self.sort.order_by(reverse)} LIMIT 1 OFFSET ?"
        )
        row = self.conn.execute(sql, (*self.params, offset)).fetchone()
        return tuple(row) if row else None

    def _page_at_plainly(self, offset: int, limit: int, total: int) -> list[Row]:
        if offset <= total // 2:
            return [Row(*r) for r in self._select("", (), False, limit, offset)]
        back = total - offset - limit
        rows = self._select("", (), True, limit, back)
        return [Row(*r) for r in reversed(rows)]

    def position_of(self, article_id: int) -> int | None:
        """Row number of an article in this view, or None when it is not in it.

        Counted from the nearer end (the rows before it, or the rows after it taken from the
        view's size): a count walks the order's index, about 90 ns a row.
        """
        row = self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        row = Row(*row)
        if row.id not in self.kept and not self.matches([row.id]):
            return None
        key = self.sort.value(row)
        near = self._count_beyond(key, reverse=True, cap=_NEAR_START)
        if near < _NEAR_START:  # near the top, where a reloaded list most often is
            return near
        if self._past_middle(row.id):
            return self._listed() - 1 - self._count_beyond(key, reverse=False)
        return self._count_beyond(key, reverse=True)

    def _listed(self) -> int:
        """The size the list was last given (its rows are numbered against it): counting the
        view again walked all of it (250 ms for a 1M-article source at load 5)."""
        if self._size is None:
            return self.count()
        return self._size + len(self.kept)

    def _count_beyond(self, key: tuple, reverse: bool, cap: int | None = None) -> int:
        """How many listed rows (kept ones too) come after ``key`` (before it when reversed);
        with a ``cap``, at most that many are counted."""
        kept = ",".join(str(int(i)) for i in self.kept)
        n = 0
        for extra, params in self._beyond(key, reverse):
            if cap is None:
                sql = f"SELECT count(*) {self._from()}{extra}"
                n += self.conn.execute(sql, (*self.params, *params)).fetchone()[0]
            else:
                sql = f"SELECT count(*) FROM (SELECT 1 {self._from()}{extra} LIMIT ?)"
                n += self.conn.execute(sql, (*self.params, *params, cap)).fetchone()[0]
            if kept:
                sql = f"SELECT count(*) FROM articles WHERE id IN ({kept}){extra}"
                n += self.conn.execute(sql, params).fetchone()[0]
        return n

    def _past_middle(self, article_id: int) -> bool:
        """Whether an article comes after the view's middle row (only a choice of the nearer
        end to count from: a middle gone stale since it was found costs time, never truth)."""
        if self._middle is None:
            total = self._listed()
            if total < 2 * _COUNT_EITHER_WAY:
                return False
            middle = self.page_at(total // 2, 1, total)
            if not middle:  # the view shrank meanwhile
                return False
            self._middle = self.sort.value(middle[0])
        for extra, params in self._beyond(self._middle, reverse=False):
            sql = f"SELECT EXISTS (SELECT 1 FROM articles WHERE id = ?{extra})"
            if self.conn.execute(sql, (article_id, *params)).fetchone()[0]:
                return True
        return False

    def matches(self, ids: Iterable[int]) -> set[int]:
        """Which of these articles match the view's filter now."""
        ids = list(ids)
        found: set[int] = set()
        for chunk in chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id FROM articles WHERE ({self.count_where}) AND id IN ({marks})"
            found.update(r[0] for r in self.conn.execute(sql, (*self.params, *chunk)))
        return found

    def keep(self, ids: Iterable[int]) -> None:
        """Keep these listed articles in view even if they stopped matching the filter."""
        ids = set(ids)
        matching = self.matches(ids)
        self.kept |= ids - matching
        self.kept -= matching

    def next_unread(self, key: tuple | None, backwards: bool = False) -> Row | None:
        """The first unread row after (or before) ``key`` in view order."""
        # In date order the (read, added_at) index is the best path, left to the planner; in
        # the other orders "+read" keeps SQLite on the order's index (not collecting every
        # unread article and sorting them).
        date = self.sort.key == "date"
        read = "read" if date else "+read"
        order = self.sort.order_by(backwards)
        for extra, params in self._beyond(key, backwards):
            sql = (
                f"SELECT {_ROW_COLUMNS} {self._from(indexed=not date)} AND {read} = 0{extra} "
                f"ORDER BY {order} LIMIT 1"
            )
            r = self.conn.execute(sql, (*self.params, *params)).fetchone()
            if r:
                return Row(*r)
        return None


def chunks(seq: Sequence[int], n: int):
    it = iter(seq)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


# ---------------------------------------------------------------------------------------------
# One article


def article(lib: Library, article_id: int) -> ArticleRecord | None:
    conn = lib.conn
    r = conn.execute(
        "SELECT a.id, a.title, a.dateline, a.summary, a.body, a.section_id, s.name,"
        " a.source_id, src.name, a.words, a.added_at, a.published_at, a.read, a.starred,"
        " a.section_reason, a.byline, a.title_derived"
        " FROM articles a JOIN sections s ON s.id = a.section_id"
        " LEFT JOIN sources src ON src.id = a.source_id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return ArticleRecord(*r) if r else None


class ImportRecord(NamedTuple):
    """One imported file, as the import log lists it."""

    name: str
    path: str
    status: str
    new: int
    duplicates: int
    skipped: int
    when: str | None
    error: str | None
    warning: str | None


def import_history(lib: Library) -> list[ImportRecord]:
    """Every file imported into the library, newest first."""
    conn = lib.conn
    return [
        ImportRecord(*r)
        for r in conn.execute(
            "SELECT name, path, status, new_count, duplicate_count, skipped_count,"
            " COALESCE(finished_at, imported_at), error, warning FROM sources ORDER BY id DESC"
        )
    ]


def has_articles(lib: Library) -> bool:
    """Whether the library holds any article at all (an empty one greets the reader)."""
    conn = lib.conn
    return conn.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0] == 1


def article_states(lib: Library, ids: Sequence[int]) -> dict[int, tuple[bool, bool, int, str]]:
    """Read, starred, section id and section name of these articles (search results follow
    the library's changes with them)."""
    conn = lib.conn
    out: dict[int, tuple[bool, bool, int, str]] = {}
    for chunk in chunks(list(ids), 500):
        marks = ",".join("?" * len(chunk))
        sql = (
            "SELECT a.id, a.read, a.starred, a.section_id, s.name FROM articles a"
            f" JOIN sections s ON s.id = a.section_id WHERE a.id IN ({marks})"
        )
        for i, read, starred, section_id, section in conn.execute(sql, chunk):
            out[i] = (bool(read), bool(starred), section_id, section)
    return out


def row(lib: Library, article_id: int) -> Row | None:
    conn = lib.conn
    r = conn.execute(f"SELECT {_ROW_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
    return Row(*r) if r else None
