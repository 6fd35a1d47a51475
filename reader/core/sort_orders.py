"""The list's sort orders, and the index that keeps each order fast in each view.

Every order the list offers (date, title, section, source, each way) reaches any row of any
view in a few tens of milliseconds at a million articles: a random jump is an OFFSET walked
along an index in exactly that order, reading the view's filter from the index itself, and a
row's position is a COUNT over a range of the same index, from the nearer end. Without such an
index SQLite either sorts the whole view or walks a bigger index looking up each row's flags
in the table (1.8-5.5 s to jump to the middle of a section of 111,000 articles by title).

Section and source orders group the articles (by section id, by the file they came from, in
import order), newest first within a group. Groups are paged in steps (the rest of this group,
then the groups after it): ``source_id`` can be NULL (a removed source), and NULL compares to
nothing, so the articles of no source are a group of their own, first going up and last going
down, where SQLite's ORDER BY puts them.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from reader.core.views import Row, ViewKind

SortKey = Literal["date", "title", "section", "source"]
SORT_KEYS: tuple[SortKey, ...] = ("date", "title", "section", "source")

#: The grouping expression of the grouped orders.
_GROUP = {"section": "section_id", "source": "source_id"}

# The indexes the orders walk, made again (schema 12) with every column a view filters on at
# their end, so that a walk reads the view's filter from the index: a filter SQLite must look
# up in the table costs a row lookup per row walked (counting 375,000 unread rows: 160 ms, not
# 30), and every view now leaves out the Trash (``deleted_at IS NULL``, schema 11). One index
# per order serves every view: a view's rows are found along it by their filter, so a jump
# walks at most about half the library, like a jump in All. An index per view and order
# (sixteen) walks only the view's rows, but costs the import's writer 60% more CPU (20,000
# short articles: 2.5-2.8 s against 1.6-1.75; these six: 1.8-1.9). Starred, a small view, has
# its own partial indexes, which an import never writes (new articles are not starred).
_FILTERS = "deleted_at, read, starred"
_STARRED = "starred = 1"
_INDEXES: dict[str, tuple[str, str | None]] = {
    "articles_added": ("added_at, id, deleted_at", None),
    "articles_read_added": ("read, added_at, id, deleted_at", None),
    "articles_starred_added": ("starred, added_at, id, deleted_at", None),
    # added_at last (schema 14): a big Today (a first import of a million articles) walks this
    # index by title and read its date from the table, a row lookup per row: 5-6 s a jump.
    "articles_title": (
        f"title COLLATE NOCASE, id, {_FILTERS}, section_id, source_id, added_at",
        None,
    ),
    "articles_section_added": (f"section_id, added_at, id, {_FILTERS}, source_id", None),
    "articles_source_added": (f"source_id, added_at, id, {_FILTERS}, section_id", None),
    "articles_starred_title": ("title COLLATE NOCASE, id, starred, deleted_at", _STARRED),
    "articles_starred_section": ("section_id, added_at, id, starred, deleted_at", _STARRED),
    "articles_starred_source": ("source_id, added_at, id, starred, deleted_at", _STARRED),
}
SORT_INDEXES = tuple(
    f"CREATE INDEX {name} ON articles ({cols})" + (f" WHERE {where}" if where else "")
    for name, (cols, where) in _INDEXES.items()
)

_ORDER_INDEXES: dict[SortKey, str] = {
    "title": "articles_title",
    "section": "articles_section_added",
    "source": "articles_source_added",
}
#: The index each view walks in each order (INDEXED BY: the planner, with no statistics,
#: would often pick the filter's index and sort the whole view instead). Today and the Trash,
#: small, are collected and sorted (big, they walk All's index: see ViewQuery.set_size).
PLANS: dict[tuple[str, SortKey], str] = {
    ("all", "date"): "articles_added",
    ("unread", "date"): "articles_read_added",
    ("starred", "date"): "articles_starred_added",
    ("today", "date"): "articles_added",
    ("section", "date"): "articles_section_added",
    ("source", "date"): "articles_source_added",
    **{
        (view, key): index
        for view in ("all", "unread", "section", "source")
        for key, index in _ORDER_INDEXES.items()
    },
    ("starred", "title"): "articles_starred_title",
    ("starred", "section"): "articles_starred_section",
    ("starred", "source"): "articles_starred_source",
}


def widen_title_index(conn: sqlite3.Connection) -> None:
    """Migration 14: the title order's index made again with the date at its end (about 3 s on
    a million articles), so that a big Today walks it by title without a row lookup per row.
    A library that was just given migration 12 has it already."""
    (sql,) = conn.execute(
        "SELECT coalesce(max(sql), '') FROM sqlite_master WHERE name = 'articles_title'"
    ).fetchone()
    if sql != _statement("articles_title"):
        _make_again(conn, "articles_title")


def _statement(name: str) -> str:
    return dict(zip(_INDEXES, SORT_INDEXES, strict=True))[name]


def _make_again(conn: sqlite3.Connection, name: str) -> None:
    conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute(_statement(name))


def add_sort_indexes(conn: sqlite3.Connection) -> None:
    """Migration 12: the indexes of :data:`PLANS` (2-4 s each on a million articles)."""
    for name in _INDEXES:
        _make_again(conn, name)


class Sort(NamedTuple):
    """An order of the list: a key, one way, ties broken by id the same way.

    A named tuple: a frozen dataclass ran its generated methods through the compiler at every
    start of the window (3M instructions).
    """

    key: SortKey = "date"
    descending: bool = True

    @property
    def group(self) -> str | None:
        """The grouping expression of a grouped order (section, source), else None."""
        return _GROUP.get(self.key)

    @property
    def column(self) -> str:
        """The ordering expression of an ungrouped order (within a group: the date)."""
        return "title COLLATE NOCASE" if self.key == "title" else "added_at"

    def within(self, view: ViewKind) -> Sort:
        """The order as the view sees it: grouping a section by section is ordering by date."""
        if self.key == view:
            return Sort("date", self.descending)
        return self

    def _dir(self, reverse: bool) -> tuple[str, str]:
        desc = self.descending != reverse
        return ("DESC", "<") if desc else ("ASC", ">")

    def order_by(self, reverse: bool = False) -> str:
        d, _ = self._dir(reverse)
        group = f"{self.group} {d}, " if self.group else ""
        return f"{group}{self.column} {d}, id {d}"

    def after(self, reverse: bool = False) -> str:
        """Keyset condition, within a group for grouped orders: rows after (value, id)."""
        _, op = self._dir(reverse)
        if self.key == "title":
            # The collation goes on the right: with it on the column, SQLite cannot use the
            # title index for the range and scans it all.
            return f"(title, id) {op} (? COLLATE NOCASE, ?)"
        return f"(added_at, id) {op} (?, ?)"

    def beyond(self, key: tuple, reverse: bool = False) -> list[tuple[str, tuple]]:
        """Conditions, in order, that together select the rows after ``key`` (a grouped
        order: the rest of key's group, then the groups after it, then perhaps no source's)."""
        _, op = self._dir(reverse)
        if self.group is None:
            return [(self.after(reverse), tuple(key))]
        group, *rest = key
        g = self.group
        if group is None:
            # Source-less rows come first going up: every group follows them; going down last.
            same = [(f"{g} IS NULL AND {self.after(reverse)}", tuple(rest))]
            return same + ([(f"{g} IS NOT NULL", ())] if op == ">" else [])
        same = [(f"{g} = ? AND {self.after(reverse)}", (group, *rest))]
        later = [(f"{g} {op} ?", (group,))]
        return same + later + ([(f"{g} IS NULL", ())] if op == "<" else [])

    @property
    def key_columns(self) -> str:
        """The columns of :meth:`value`, for reading a row's sort key from the index alone."""
        if self.key == "title":
            return "title, id"
        return f"{self.group}, added_at, id" if self.group else "added_at, id"

    def value(self, row: Row) -> tuple:
        """The sort key of a row, for keyset paging: (group,) value, id."""
        if self.key == "title":
            return (row.title, row.id)
        if self.key == "section":
            return (row.section_id, row.added_at, row.id)
        if self.key == "source":
            return (row.source_id, row.added_at, row.id)
        return (row.added_at, row.id)
