"""Searching a library: ranked (weighted bm25) or newest-first pages, snippets and highlights.

How a page is found, and why (figures: /work/shared/notes/performance.md, bench/bench_search.py):

* The FTS5 match always drives, and other filters are applied to its rows: looked up row by
  row, or, when few articles pass the filters (estimated from kept counts), by membership in
  their ids gathered first from an index (:mod:`reader.core.search_plans` chooses, by cost).
  Filters in the same WHERE as MATCH can make SQLite drive the query from an index and run the
  match once per row (about 0.1 ms each), which only a handful of filtered articles afford.
* Newest first walks the match in rowid order (ids grow with import time) and stops at the page.
* bm25 costs about 2 µs per matching article, so ranking every article that contains "the"
  would take seconds. Ranking therefore scores only the newest ``RANK_CAP`` matches (filters are
  then applied to those) and says so (``Page.ranked_among``), so that the window can tell the
  user the best matches among the newest N are shown and offer date order for the rest. bm25
  also counts, once per query, every article matching each phrase (its IDF): about 80 ms for a
  word in every article, more for a phrase of two very common words.
* A prefix whose completions are very common is matched as a whole word (``bound_prefixes``).
* Snippets and highlights are made only for the rows of the page.

Snippets and highlights (the markers, the reading pane's matches) are in
:mod:`reader.core.snippets`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from reader.core.query import ParsedQuery, parse_query, stems
from reader.core.search_plans import (
    _EMPTY,
    _by_date_filtered_first,
    _count_in_set,
    _few_pass,
    _filtered_first,
    _id_span,
    _newest,
    _size,
    _span_sql,
    _with_budget,
    estimate_filtered,
    gather_first,
    in_set_sql,
)
from reader.core.snippets import lead, marked_snippets, marked_to_html, strip_marks
from reader.core.views import LIVE_FILTER, TRASH_FILTER, View, view_filter

if TYPE_CHECKING:
    from reader.core.store import Library

Order = Literal["rank", "date"]

# Title above summary above body.
WEIGHTS = (10.0, 4.0, 1.0)
RANK_CAP = 10_000
PAGE_SIZE = 50
# A newest-first walk with filters that has not filled its page after this long switches to
# gathering the filtered articles first (see _by_date).
FILTER_FIRST_AFTER_MS = 100
# Looking up a match's row costs about this many rows of a scan of the whole table (1.4 µs
# against 0.27 µs of CPU, 10,000,000 articles).
LOOKUP_VS_SCAN = 5
# Looking an article up in the full-text index by id costs about this many steps of a walk along
# the match checking membership in a set (100 µs against 0.1 µs, 1,000,000-article library; it
# grows with the index's segments: _fts_lookup_steps).
FTS_LOOKUP_VS_STEP = 1000
# A prefix whose completions occur more often than this in the library is matched as a whole
# word (see bound_prefixes).
PREFIX_BUDGET = 100_000


_BM25 = "bm25(articles_fts, {}, {}, {})".format(*WEIGHTS)


@dataclass(frozen=True)
class Hit:
    """One result row. ``title_marked`` and ``snippet`` carry the highlight markers."""

    id: int
    title: str
    title_marked: str
    snippet: str
    section_id: int
    section: str
    dateline: str | None
    added_at: str
    published_at: str | None
    read: bool
    starred: bool
    score: float | None = None  # bm25 (lower is better) when ranked

    @property
    def snippet_text(self) -> str:
        return strip_marks(self.snippet)

    @property
    def snippet_html(self) -> str:
        return marked_to_html(self.snippet)

    @property
    def title_html(self) -> str:
        return marked_to_html(self.title_marked)


@dataclass(frozen=True)
class Page:
    query: ParsedQuery
    hits: list[Hit]
    order: Order  # the order used: "date" when nothing can be ranked (filters only)
    offset: int = 0
    more: bool = False  # another page follows
    # Ranking scored only the newest N matches (N = this); None when every match was ranked.
    ranked_among: int | None = None
    # Results in the ranked set (exact when ranked_among is None); None in date order.
    total: int | None = None
    elapsed_ms: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def notice(self) -> str:
        """One line for the search field: malformed query, capped ranking."""
        return " ".join(self.notes)


def _scope_sql(scope: View | None, cutoff: str | None) -> tuple[str, tuple]:
    if scope is None:
        return "", ()
    sql, params = view_filter(scope, cutoff)
    # view_filter's columns are unqualified; articles is the only table they can belong to here.
    return f"({sql})", tuple(params)


def search(
    lib: Library,
    query: str | ParsedQuery,
    *,
    order: Order = "rank",
    limit: int = PAGE_SIZE,
    offset: int = 0,
    scope: View | None = None,
    cutoff: str | None = None,
    rank_cap: int = RANK_CAP,
) -> Page:
    """One page of results. ``scope`` limits the search to a view of the window."""
    t0 = time.perf_counter()
    conn = lib.conn
    q = query if isinstance(query, ParsedQuery) else parse_query(query)
    notes = [q.message] if q.message else []
    limit = max(1, int(limit))
    offset = max(0, int(offset))
    if q.is_empty:
        return Page(q, [], order, offset, notes=notes)
    q = bound_prefixes(lib, q, notes)
    where, params = _filters(conn, q, scope, cutoff)
    ranked_among = None
    total = None
    span = _id_span(conn, q, scope) if q.match else None
    newest = (
        _newest(conn, q.match, span, rank_cap) if q.match and where and span != _EMPTY else None
    )
    rows: Sequence[tuple[int, float | None]]
    matches = _size(newest, rank_cap)
    if span == _EMPTY or (newest is not None and newest[0] == 0):
        rows = []
        total = 0 if newest is not None and order == "rank" else None
    elif q.match and order == "rank":
        in_set = gather_first(lib, q, scope, newest[0], rank_cap) if newest else None
        rows, total, capped = _ranked(
            conn, q.match, where, params, limit, offset, rank_cap, span, in_set, newest
        )
        if capped and where and offset == 0 and len(rows) < limit:
            # The filters let through less than a page of the newest matches: older ones may
            # pass. Newest first finds them all, so show that, and say so.
            order = "date"
            total = None
            span, matches = _date_span(conn, q, scope, span, matches, rank_cap)
            in_set = gather_first(lib, q, scope, matches or 0, rank_cap, limit + 1)
            rows = _by_date(
                conn, q.match, where, params, limit, offset, span, in_set, matches,
                estimate_filtered(lib, q, scope),
            )  # fmt: skip
            notes.append(f"Few of the newest {rank_cap:,} matches pass the filters: newest first.")
        elif capped:
            ranked_among = rank_cap
            notes.append(
                f"Ranked among the newest {rank_cap:,} matches; sort by date to see all of them."
            )
    elif q.match:
        span, matches = _date_span(conn, q, scope, span, matches, rank_cap)
        want = limit + 1 + offset
        in_set = gather_first(lib, q, scope, matches, rank_cap, want) if matches else None
        filtered = estimate_filtered(lib, q, scope) if where else None
        rows = _by_date(
            conn, q.match, where, params, limit, offset, span, in_set, matches, filtered
        )
    else:
        order = "date"
        rows = _filtered(conn, q.exclude, where, params, limit, offset)
    more = len(rows) > limit
    rows = rows[:limit]
    hits = _hits(lib, q, rows, contiguous=order == "date")
    return Page(
        query=q,
        hits=hits,
        order=order,
        offset=offset,
        more=more,
        ranked_among=ranked_among,
        total=total,
        elapsed_ms=(time.perf_counter() - t0) * 1000,
        notes=notes,
    )


def _date_span(
    conn: sqlite3.Connection,
    q: ParsedQuery,
    scope: View | None,
    span: tuple[int, int] | None,
    matches: float | None,
    cap: int,
) -> tuple[tuple[int, int] | None, float | None]:
    """(stretch of ids, about how many articles match in it) for a newest-first page: also a
    big source's stretch when finding it costs less than the walk outside it (``_id_span``).

    A newest-first page is in id order, so the stretch never changes it. Ranking keeps the
    stretch it always had: which matches are the newest ``cap`` it ranks depends on it.
    """
    match = q.match
    if span is not None or not match:
        return span, matches

    def size() -> float | None:
        return matches if matches is not None else _size(_newest(conn, match, None, cap), cap)

    wide = _id_span(conn, q, scope, size)
    if wide is None:
        return span, matches
    if wide == _EMPTY:
        return wide, 0.0
    return wide, _size(_newest(conn, match, wide, cap), cap)


def bound_prefixes(lib: Library, q: ParsedQuery, notes: list[str] | None = None) -> ParsedQuery:
    """The query with each too costly prefix turned into a whole word.

    Without a prefix index FTS5 gathers every completion of a prefix before it returns a row, so
    "gov*" costs as much as reading the index of "government" (in most articles). Over
    ``PREFIX_BUDGET`` occurrences the word is matched whole, which is what a user who typed "the"
    means anyway. When the whole word matches nothing, ``notes`` gets a line asking for more
    letters.
    """
    conn = lib.conn
    if not q.has_prefix:
        return q
    groups = []
    changed = False
    for group in q.groups:
        terms = []
        for t in group:
            if t.prefix and _prefix_too_costly(conn, t.tokens[-1]):
                t = replace(t, prefix=False)
                changed = True
                if notes is not None and not _matches_any(conn, t.fts):
                    notes.append(
                        f"Many words start with “{t.tokens[-1]}”: searching for it as a whole"
                        " word. Type more of it, or finish it with a space."
                    )
            terms.append(t)
        groups.append(tuple(terms))
    return replace(q, groups=tuple(groups)) if changed else q


def _matches_any(conn: sqlite3.Connection, match: str) -> bool:
    sql = "SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1"
    return conn.execute(sql, (match,)).fetchone() is not None


def _prefix_too_costly(conn: sqlite3.Connection, token: str) -> bool:
    """Whether the completions of ``token`` occur more than ``PREFIX_BUDGET`` times in the index.

    Counts through fts5vocab's instance view, which streams and stops at the budget: a bounded
    probe (about 0.4 µs an occurrence) instead of FTS5's unbounded gathering.
    """
    stem = stems([token])[0]
    if not stem:
        return False
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.dispatch_fts_instances"
            " USING fts5vocab(main, articles_fts, instance)"
        )
        n = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM temp.dispatch_fts_instances"
            " WHERE term >= ? AND term < ? LIMIT ?)",
            (stem, stem + "\U0010ffff", PREFIX_BUDGET + 1),
        ).fetchone()[0]
    except sqlite3.DatabaseError:
        return False  # cannot tell: let FTS5 do the prefix itself
    return n > PREFIX_BUDGET


def _filters(
    conn: sqlite3.Connection, q: ParsedQuery, scope: View | None, cutoff: str | None
) -> tuple[list[str], list]:
    where: list[str] = []
    params: list = []
    if scope is None and _has_trash(conn):
        # (A scope's filter leaves the Trash out; only a library with a Trash pays for this.)
        where.append(f"a.{LIVE_FILTER}")
    for f in q.filters:
        where.append(f.sql)
        params.extend(f.params)
    scope_sql, scope_params = _scope_sql(scope, cutoff)
    if scope_sql:
        where.append(scope_sql)
        params.extend(scope_params)
    return where, params


def _has_trash(conn: sqlite3.Connection) -> bool:
    """Whether any article is in the Trash (one probe of a partial index)."""
    sql = f"SELECT EXISTS (SELECT 1 FROM articles WHERE {TRASH_FILTER})"
    try:
        return bool(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # a library older than schema 11 has no Trash
        return False


def _ranked(
    conn: sqlite3.Connection,
    match: str,
    where: list[str],
    params: list,
    limit: int,
    offset: int,
    cap: int,
    span: tuple[int, int] | None = None,
    in_set: str | None = None,
    newest: tuple[int, int | None, int | None] | None = None,
) -> tuple[list[tuple[int, float]], int, bool]:
    """(page rows as (id, score), results in the ranked set, whether matches were left out).

    Only the newest ``cap`` matches are scored. With filters, the rowid of the cap-th newest
    match is found first (FTS5 alone, no bm25) so that the filtered, scored scan stops there:
    filters cost a row lookup per match (``in_set``: a look in the set of the few filtered
    articles), which must stay bounded however rare the filter is.
    """
    floor = None
    capped = False
    span_sql, span_args = _span_sql(span)
    if where:
        n, low, _ = newest or _newest(conn, match, span, cap)
        if n == 0:
            return [], 0, False
        capped = n >= cap
        floor = low if capped else None
        at_floor = " AND f.rowid >= ?" if floor is not None else ""
        floor_args = [floor] if floor is not None else []
        if in_set:  # a look in the set of the few filtered articles per match
            source, filters = "articles_fts f", in_set_sql(where, in_set)
        else:
            # The match drives (CROSS JOIN fixes the loop order); filters are checked per match.
            source = "articles_fts f CROSS JOIN articles a ON a.id = f.rowid"
            filters = f" AND {' AND '.join(where)}"
        inner = (
            f"SELECT f.rowid, {_BM25} FROM {source} WHERE articles_fts MATCH ?"
            f"{_span_sql(span, 'f.rowid')[0]}{at_floor}{filters}"
        )
        args = [match, *span_args, *floor_args, *params]
    else:
        inner = (
            f"SELECT rowid, {_BM25} FROM articles_fts WHERE articles_fts MATCH ?{span_sql}"
            " ORDER BY rowid DESC LIMIT ?"
        )
        args = [match, *span_args, cap]
    sql = (
        f"WITH m(mid, mscore) AS MATERIALIZED ({inner})"
        " SELECT mid, mscore, (SELECT count(*) FROM m) FROM m"
        " ORDER BY mscore, mid DESC LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*args, limit + 1, offset]).fetchall()
    if rows:
        total = rows[0][2]
    elif offset == 0:
        total = 0
    else:
        total = conn.execute(f"SELECT count(*) FROM ({inner})", args).fetchone()[0]
    if not where:
        capped = total >= cap
    return [(r[0], r[1]) for r in rows], total, capped


def _by_date(
    conn: sqlite3.Connection,
    match: str,
    where: list[str],
    params: list,
    limit: int,
    offset: int,
    span: tuple[int, int] | None = None,
    in_set: str | None = None,
    matches: float | None = None,
    filtered: float | None = None,
) -> list[tuple[int, None]]:
    if where and in_set:
        rows = _by_date_filtered_first(
            conn, match, where, params, limit, offset, matches, in_set, filtered
        )
        return [(r[0], None) for r in rows]
    if where:
        # Newest matches first, filters checked per match: fast unless few matches pass. Given
        # FILTER_FIRST_AFTER_MS, it is stopped, and the filtered articles are gathered first.
        span_sql, span_args = _span_sql(span, "f.rowid")
        sql = (
            "SELECT f.rowid FROM articles_fts f CROSS JOIN articles a ON a.id = f.rowid"
            f" WHERE articles_fts MATCH ?{span_sql} AND {' AND '.join(where)}"
            " ORDER BY f.rowid DESC LIMIT ? OFFSET ?"
        )
        args = [match, *span_args, *params, limit + 1, offset]
        if filtered is None and matches and _walk_beats_a_scan(conn, matches):
            rows = conn.execute(sql, args).fetchall()  # nothing cheaper to switch to
        else:
            rows = _with_budget(
                conn, FILTER_FIRST_AFTER_MS, lambda: conn.execute(sql, args).fetchall()
            )
        if rows is None:
            rows = _by_date_filtered_first(
                conn, match, where, params, limit, offset, matches, filtered=filtered
            )
        return [(r[0], None) for r in rows]
    span_sql, span_args = _span_sql(span)
    sql = (
        f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?{span_sql}"
        " ORDER BY rowid DESC LIMIT ? OFFSET ?"
    )
    args = [match, *span_args, limit + 1, offset]
    return [(r[0], None) for r in conn.execute(sql, args)]


def _walk_beats_a_scan(conn: sqlite3.Connection, matches: float) -> bool:
    """Whether walking the whole match, a row lookup each, costs less than reading every article.

    For filters no kept count or index bounds (dates), gathering the filtered articles first
    reads the whole table: 2.7 s of CPU at 10,000,000 articles, where the walk along a word in
    35,000 of them that the time budget stopped (a loaded machine) needs about 50 ms more.
    """
    (top,) = conn.execute("SELECT max(id) FROM articles").fetchone()
    return matches * LOOKUP_VS_SCAN < (top or 0)


def _filtered(
    conn: sqlite3.Connection,
    exclude: str | None,
    where: list[str],
    params: list,
    limit: int,
    offset: int,
) -> list[tuple[int, None]]:
    """Filters only (and perhaps excluded words): newest first, like the window's lists."""
    where = list(where)
    params = list(params)
    if exclude:
        where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(exclude)
    sql = (
        f"SELECT a.id FROM articles a WHERE {' AND '.join(where) or '1'}"
        " ORDER BY a.added_at DESC, a.id DESC LIMIT ? OFFSET ?"
    )
    return [(r[0], None) for r in conn.execute(sql, [*params, limit + 1, offset])]


def _hits(
    lib: Library,
    q: ParsedQuery,
    rows: Sequence[tuple[int, float | None]],
    contiguous: bool,
) -> list:
    conn = lib.conn
    if not rows:
        return []
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids))
    info = {
        r[0]: r
        for r in conn.execute(
            "SELECT a.id, a.title, a.section_id, s.name, a.dateline, a.added_at, a.published_at,"
            " a.read, a.starred, substr(a.summary, 1, 400), substr(a.body, 1, 400)"
            f" FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id IN ({marks})",
            ids,
        )
    }
    marked: dict[int, tuple[str, str]] = {}
    if q.match:
        # A newest-first page of filtered matches can spread over most of the library: walking
        # the match across it costs more than seeking each row (about 0.1 ms each).
        spread = max(ids) - min(ids) > FTS_LOOKUP_VS_STEP * len(ids)
        per_row = (spread or not contiguous) and not q.has_prefix
        marked = marked_snippets(lib, q, ids, per_row=per_row)
    hits = []
    for article_id, score in rows:
        r = info.get(article_id)
        if r is None:  # deleted between the two queries
            continue
        title_marked, snippet = marked.get(article_id, (None, None))
        if snippet is None:
            snippet = lead(r[9], r[10])
        hits.append(
            Hit(
                id=r[0],
                title=r[1],
                title_marked=title_marked if title_marked is not None else r[1],
                snippet=snippet,
                section_id=r[2],
                section=r[3],
                dateline=r[4],
                added_at=r[5],
                published_at=r[6],
                read=bool(r[7]),
                starred=bool(r[8]),
                score=score,
            )
        )
    return hits


# --- counts -----------------------------------------------------------------------------------


def count(
    lib: Library,
    query: str | ParsedQuery,
    *,
    scope: View | None = None,
    cutoff: str | None = None,
    unread_only: bool = False,
    limit: int = 100_000,
) -> tuple[int, bool]:
    """How many articles match, counting at most ``limit``; (n, exact).

    For a saved search's unread count in the sidebar (``unread_only``), or "1,234 results".
    """
    conn = lib.conn
    q = query if isinstance(query, ParsedQuery) else parse_query(query)
    if q.is_empty:
        return 0, True
    where, params = _filters(conn, q, scope, cutoff)
    if unread_only:
        where.append("a.read = 0")
    if q.match:
        span = _id_span(conn, q, scope)
        if span == _EMPTY:
            return 0, True
        span_sql, span_args = _span_sql(span, "f.rowid")
        if where:
            sql = (
                "SELECT count(*) FROM (SELECT 1 FROM articles_fts f CROSS JOIN articles a"
                f" ON a.id = f.rowid WHERE articles_fts MATCH ?{span_sql}"
                f" AND {' AND '.join(where)} LIMIT ?)"
            )
        else:
            sql = (
                "SELECT count(*) FROM (SELECT 1 FROM articles_fts f WHERE articles_fts MATCH ?"
                f"{span_sql} LIMIT ?)"
            )
        args = [q.match, *span_args, *params, limit]
        gather = (
            gather_first(lib, q, scope, _newest(conn, q.match, span, limit)[0], limit)
            if where
            else None
        )
        if gather:
            n = _count_in_set(conn, q.match, where, params, limit, gather)
        elif where:
            got = _with_budget(
                conn, FILTER_FIRST_AFTER_MS, lambda: conn.execute(sql, args).fetchone()
            )
            if got is None and _few_pass(conn, where, params) and not q.has_prefix:
                got = conn.execute(
                    f"{_filtered_first(where)} SELECT count(*) FROM (SELECT 1 FROM s"
                    " CROSS JOIN articles_fts f ON f.rowid = s.sid WHERE articles_fts MATCH ?"
                    " LIMIT ?)",
                    [*params, q.match, limit],
                ).fetchone()
            n = got[0] if got is not None else _count_in_set(conn, q.match, where, params, limit)
        else:
            n = conn.execute(sql, args).fetchone()[0]
    else:
        if q.exclude:
            where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(q.exclude)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM articles a WHERE {' AND '.join(where)} LIMIT ?)"
        n = conn.execute(sql, [*params, limit]).fetchone()[0]
    return n, n < limit


def unread_matches(lib: Library, query: str | ParsedQuery, **scope_and_cutoff) -> list[int]:
    """The ids of every unread article a search finds: what "mark the results read" marks."""
    return matching_ids(lib, query, unread_only=True, **scope_and_cutoff)


def matching_ids(
    lib: Library,
    query: str | ParsedQuery,
    *,
    scope: View | None = None,
    cutoff: str | None = None,
    unread_only: bool = False,
) -> list[int]:
    """The ids of every article a search finds (what "delete every result" deletes)."""
    conn = lib.conn
    q = query if isinstance(query, ParsedQuery) else parse_query(query)
    if q.is_empty:
        return []
    where, params = _filters(conn, q, scope, cutoff)
    if unread_only:
        where.append("a.read = 0")
    where = where or ["1"]
    if q.match:
        sql = (
            "SELECT a.id FROM articles_fts f CROSS JOIN articles a ON a.id = f.rowid"
            f" WHERE articles_fts MATCH ? AND {' AND '.join(where)}"
        )
        args = [q.match, *params]
    else:
        if q.exclude:
            where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            params.append(q.exclude)
        sql = f"SELECT a.id FROM articles a WHERE {' AND '.join(where)}"
        args = params
    return [r[0] for r in conn.execute(sql, args)]
