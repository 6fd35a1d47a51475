"""How many articles a search's filters can let through, from counts the library already keeps.

The search picks its plan from this (see :mod:`reader.core.search`): walking the match newest
first costs a row lookup per match to check the filters (1-5 µs, more on a cold library), which
is fast when the page fills soon and slow when few matches pass; when the filters let few
articles through, their ids are gathered first from an index (a few hundredths of a µs each) and
the match is walked checking only membership in that set (no row lookups). Counting the filtered
articles would itself cost a walk, so the estimate is read from what is kept anyway: the
sidebar's per-section counts (articles, unread, starred, starred unread: exact for any mix of
section: and is: filters) and each source's article count. Dates have no such count: a filter
on dates alone gives no estimate.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.query import ParsedQuery
    from reader.core.store import Library
    from reader.core.views import View

# Source filters narrow the match to their stretch of ids when their sources brought at most
# this many articles (finding the stretch reads an index entry per article).
SPAN_MAX_ARTICLES = 200_000

# Looking up a match's row to check the filters costs about this many times what gathering one
# filtered id from an index costs (1.2 against 0.2 µs of CPU on a warm 50,000-article library).
LOOKUP_VS_GATHER = 6

# is: value -> (read wanted, starred wanted); None: either.
_FLAGS = {"unread": (0, None), "read": (1, None), "starred": (None, 1), "unstarred": (None, 0)}


def _flags(values: list[str]) -> tuple[int | None, int | None] | None:
    """(read, starred) asked for by the is: filters; None when they contradict each other."""
    read: int | None = None
    starred: int | None = None
    for v in values:
        r, s = _FLAGS[v]
        if r is not None:
            if read is not None and read != r:
                return None
            read = r
        if s is not None:
            if starred is not None and starred != s:
                return None
            starred = s
    return read, starred


def _in_section(articles: int, unread: int, starred: int, su: int, read: int | None,
                star: int | None) -> int:  # fmt: skip
    """How many of a section's live articles have the flags (from its kept counts)."""
    if read is None:
        return articles if star is None else (starred if star else articles - starred)
    if star is None:
        return unread if read == 0 else articles - unread
    if read == 0:
        return su if star else unread - su
    return starred - su if star else articles - unread - starred + su


def _sections(conn: sqlite3.Connection, q: ParsedQuery, scope: View | None) -> set[int] | None:
    """The sections the filters allow; None when they do not name any."""
    allowed: set[int] | None = None
    excluded: set[int] = set()
    for f in q.filters:
        if f.field != "section":
            continue
        ids = {
            r[0]
            for r in conn.execute("SELECT id FROM sections WHERE name LIKE ? ESCAPE '\\'", f.params)
        }
        if f.negated:
            excluded |= ids
        else:
            allowed = ids if allowed is None else allowed & ids
    if scope is not None and scope.kind == "section":
        allowed = {scope.id or 0} if allowed is None else allowed & {scope.id or 0}
    if excluded:
        if allowed is None:
            allowed = {r[0] for r in conn.execute("SELECT id FROM sections")}
        allowed -= excluded
    return allowed


def gather_first(
    lib: Library,
    q: ParsedQuery,
    scope: View | None,
    matches: int,
    cap: int,
    want: int | None = None,
) -> bool:
    """Whether to gather the filtered articles first rather than look up each match's row.

    ``matches``: how many of the newest ``cap`` matches there are; ``want``: the rows wanted
    newest first (None: every one of those matches is checked, as ranking and counting do).
    Looking up a row costs about ``LOOKUP_VS_GATHER`` times what gathering an id costs; a
    newest-first walk stops once ``want`` rows passed, after about ``want`` times the library
    over the filtered articles (filters taken as independent of the words).
    """
    filtered = estimate_filtered(lib, q, scope)
    if filtered is None:
        return False
    walked = float(matches)
    if want is not None:
        (live,) = lib.conn.execute("SELECT total(articles) FROM section_counts").fetchone()
        walked = want * live / max(filtered, 1)
        if matches < cap:
            walked = min(walked, matches)
    return filtered <= LOOKUP_VS_GATHER * walked


def estimate_filtered(lib: Library, q: ParsedQuery, scope: View | None) -> int | None:
    """At most how many live articles pass the filters and scope; None when nothing tells.

    Exact for section:, is: and a section, Unread or Starred scope; for source: and a source
    scope, the articles their imports brought (an upper bound; a running import's count lags,
    which only ever makes the plan choice a worse one, never the results wrong).
    """
    conn = lib.conn
    if scope is not None and scope.kind in ("trash", "today"):
        return None
    flag_values = [f.value for f in q.filters if f.field == "is"]
    if scope is not None and scope.kind in ("unread", "starred"):
        flag_values.append(scope.kind)
    flags = _flags(flag_values)
    if flags is None:
        return 0
    sections = _sections(conn, q, scope)
    bounds: list[int] = []
    if sections is not None or flag_values:
        read, star = flags
        rows = conn.execute(
            "SELECT section_id, articles, unread, starred, starred_unread FROM section_counts"
        ).fetchall()
        bounds.append(
            sum(
                _in_section(r[1], r[2], r[3], r[4], read, star)
                for r in rows
                if sections is None or r[0] in sections
            )
        )
    for f in q.filters:
        if f.field == "source" and not f.negated:
            bounds.append(
                conn.execute(
                    "SELECT COALESCE(sum(new_count), 0) FROM sources"
                    " WHERE name LIKE ?1 ESCAPE '\\' OR path LIKE ?1 ESCAPE '\\'",
                    (f.value,),
                ).fetchone()[0]
            )
    if scope is not None and scope.kind == "source":
        bounds.append(
            conn.execute(
                "SELECT COALESCE(sum(new_count), 0) FROM sources WHERE id = ?", (scope.id,)
            ).fetchone()[0]
        )
    return min(bounds) if bounds else None


# --- plans the search shares ----------------------------------------------------------------

_EMPTY = (1, 0)


def _id_span(
    conn: sqlite3.Connection, q: ParsedQuery, scope: View | None
) -> tuple[int, int] | None:
    """The stretch of ids the filters and scope allow, when some of them are clustered by id.

    Articles of one source are one import, so they sit together; walking the match only there
    turns "common word in an old source" from a walk over the whole library into a short one.
    None: no such filter; ``_EMPTY`` (lo > hi): nothing can pass.
    """
    ranges = [(f.id_range_sql, f.id_range_size_sql, f.params) for f in q.filters if f.id_range_sql]
    if scope is not None and scope.kind == "source":
        ranges.append(
            (
                "SELECT min(id), max(id) FROM articles WHERE source_id = ?",
                "SELECT COALESCE(sum(new_count), 0) FROM sources WHERE id = ?",
                (scope.id,),
            )
        )
    lo, hi = None, None
    for sql, size_sql, params in ranges:
        # Finding the range reads an index entry per article of the sources: skip it when they
        # are a large part of the library (the range would be most of it anyway).
        if size_sql and conn.execute(size_sql, params).fetchone()[0] > SPAN_MAX_ARTICLES:
            continue
        a, b = conn.execute(sql, params).fetchone()
        if a is None:
            return _EMPTY
        lo = a if lo is None else max(lo, a)
        hi = b if hi is None else min(hi, b)
    if lo is None or hi is None:
        return None
    return (lo, hi) if lo <= hi else _EMPTY


def _span_sql(span: tuple[int, int] | None, column: str = "rowid") -> tuple[str, list]:
    if span is None:
        return "", []
    return f" AND {column} BETWEEN ? AND ?", [span[0], span[1]]


def _with_budget(conn: sqlite3.Connection, ms: float, run):
    """``run()``, or None when it took longer than ``ms`` (SQLite interrupts it between steps)."""
    deadline = time.perf_counter() + ms / 1000
    conn.set_progress_handler(lambda: int(time.perf_counter() > deadline), 2000)
    try:
        return run()
    except sqlite3.OperationalError as e:
        # Ours when past the deadline; otherwise someone else interrupted (a newer search).
        if "interrupt" in str(e) and time.perf_counter() > deadline:
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)


def _filtered_first(where: list[str]) -> str:
    """A CTE of the articles passing the filters, to walk the match only among them.

    For a filter that few articles pass (a tiny section, old starred articles): the match walked
    newest first would look up a row for each of possibly a million matches to find a handful.
    """
    return f"WITH s(sid) AS MATERIALIZED (SELECT a.id FROM articles a WHERE {' AND '.join(where)})"


def in_set_sql(where: list[str]) -> str:
    """A condition on the match's rows: among the articles passing ``where`` (its parameters
    follow the match's). SQLite gathers them once, from an index, into a set; "+" keeps FTS5
    from looking each one up in the full-text index instead (100 µs or more each)."""
    return f" AND +f.rowid IN (SELECT a.id FROM articles a WHERE {' AND '.join(where)})"


def _newest(
    conn: sqlite3.Connection, match: str, span: tuple[int, int] | None, cap: int
) -> tuple[int, int | None, int | None]:
    """(how many of the newest ``cap`` matches there are, the oldest and newest one's ids):
    FTS5 alone, about 0.03 µs a match, to bound the ranked scan and to choose a plan."""
    span_sql, span_args = _span_sql(span)
    n, low, high = conn.execute(
        "SELECT count(*), min(r), max(r) FROM (SELECT rowid AS r FROM articles_fts"
        f" WHERE articles_fts MATCH ?{span_sql} ORDER BY rowid DESC LIMIT ?)",
        (match, *span_args, cap),
    ).fetchone()
    return n, low, high


def _size(newest: tuple[int, int | None, int | None] | None, cap: int) -> float | None:
    """About how many articles match, from the newest ``cap``: all of them when there are
    fewer, else as many as their density over the stretch of ids they span would give."""
    if newest is None:
        return None
    n, low, high = newest
    if n < cap or low is None or high is None:
        return float(n)
    return n * high / (high - low + 1)
