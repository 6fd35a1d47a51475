"""How many articles a search's filters can let through, from counts the library already keeps.

The search picks its plan from this (see :mod:`reader.core.search`): walking the match newest
first costs a row lookup per match to check the filters (1-5 µs, more on a cold library), which
is fast when the page fills soon and slow when few matches pass; when the filters let few
articles through, their ids are gathered first from an index (a few hundredths of a µs each) and
the match is walked checking only membership in that set (no row lookups). Counting the filtered
articles would itself cost a walk, so the estimate is read from what is kept anyway: the
sidebar's per-section counts (articles, unread, starred, starred unread: exact for any mix of
section: and is: filters) and each source's article count. Dates have no such count: their share
is sampled from a few articles (``_date_share``), and dates alone give no estimate (no index
could gather them). The plan is chosen by cost (``gather_first``), the index to gather through
too (``_index_costs``): SQLite, without statistics, would often take the wrong one.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.core.views import view_filter

if TYPE_CHECKING:
    from reader.core.query import ParsedQuery
    from reader.core.store import Library
    from reader.core.views import View

# Source filters narrow the match to their stretch of ids when their sources brought at most
# this many articles (finding the stretch reads an index entry per article), and beyond that when
# the matches the stretch saves looking up cost more (``LOOKUP_VS_SPAN``).
SPAN_MAX_ARTICLES = 200_000
# Looking up a match's row costs about this many index entries read finding a source's stretch
# of ids (1.2-1.5 µs against 0.09 µs: 44 ms CPU for a 500,000-article source, 6.5M library).
LOOKUP_VS_SPAN = 15

# Looking up a match's row to check the filters costs about this many index entries read while
# gathering (a row 1.2-1.5 µs of CPU; an id gathered with its set's upkeep about 0.2 µs).
LOOKUP_VS_GATHER = 6
# Reading an article's row for a column its index lacks costs about this many index entries
# (1.5 against 0.05 µs, 1,000,000-article library).
UNCOVERED = 30
# A step of the match checking membership in a gathered set, in index entries (0.1 µs).
STEP = 2
# Dates have no kept count: the share of articles a date filter lets through is read from
# this many articles spread evenly over the ids (well under a millisecond).
DATE_SAMPLE = 64

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
    matches: float,
    cap: int,
    want: int | None = None,
) -> str | None:
    """The FROM to gather the filtered articles with, or None to walk the match instead.

    ``matches``: about how many articles match (only the newest ``cap`` count when ranking or
    counting: ``want`` is None); ``want``: the rows wanted newest first, which a walk finds
    after about ``want`` times the library over the filtered articles (filters taken as
    independent of the words). Costs in index entries read: a walk looks up each match's row
    (``LOOKUP_VS_GATHER``); gathering reads the chosen index (and rows for what it lacks), then
    steps along the same matches checking membership (``STEP``).
    """
    filtered, index, gather = _estimate(lib, q, scope)
    if filtered is None:
        return None
    passing = float(filtered)
    dated = [f for f in q.filters if not f.field]
    if dated:  # no index has the date: every gathered entry reads its row
        passing *= _date_share(lib, dated)
        gather *= UNCOVERED
    walked = min(matches, cap)
    if want is not None:
        (live,) = lib.conn.execute("SELECT total(articles) FROM section_counts").fetchone()
        walked = min(matches, want * live / max(passing, 0.5))
    if gather + STEP * walked > LOOKUP_VS_GATHER * walked:
        return None
    return _source(lib, index, q, scope)


def _date_share(lib: Library, dated: list) -> float:
    """About which share of the articles the date filters let through (never quite none)."""
    cond = " AND ".join(f.sql for f in dated)
    params = [p for f in dated for p in f.params]
    (top,) = lib.conn.execute("SELECT max(id) FROM articles").fetchone()
    (passed,) = lib.conn.execute(
        "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ?)"
        f" SELECT total((SELECT ({cond}) FROM articles a WHERE a.id >= 1 + k.i * ? / ?"
        " ORDER BY a.id LIMIT 1)) FROM k",
        [DATE_SAMPLE - 1, *params, top or 0, DATE_SAMPLE],
    ).fetchone()
    return (passed + 0.5) / (DATE_SAMPLE + 1)


def _source(lib: Library, index: str | None, q: ParsedQuery, scope: View | None) -> str:
    """The FROM of the gathering: through ``index`` when SQLite can use it for these filters
    (it refuses a statement whose INDEXED BY it cannot follow)."""
    if index is None:
        return "articles a"
    source = f"articles a INDEXED BY {index}"
    where = [f.sql for f in q.filters]
    params = [p for f in q.filters for p in f.params]
    if scope is not None:
        sql, scope_params = view_filter(scope)
        where.append(sql)
        params += scope_params
    try:
        lib.conn.execute(
            f"SELECT a.id FROM {source} WHERE {' AND '.join(where) or '1'} LIMIT 0", params
        ).fetchall()
    except sqlite3.OperationalError:
        return "articles a"
    return source


def estimate_filtered(lib: Library, q: ParsedQuery, scope: View | None) -> int | None:
    """At most how many live articles pass the filters and scope; None when nothing tells.

    Exact for section:, is: and a section, Unread or Starred scope; for source: and a source
    scope, the articles their imports brought (an upper bound; a running import's count lags,
    which only ever makes the plan choice a worse one, never the results wrong).
    """
    return _estimate(lib, q, scope)[0]


def _estimate(
    lib: Library, q: ParsedQuery, scope: View | None
) -> tuple[int | None, str | None, float]:
    """(estimate_filtered, the index to gather them from (None: SQLite's choice), what gathering
    them costs in index entries)."""
    conn = lib.conn
    if scope is not None and scope.kind in ("trash", "today"):
        return None, None, 0.0
    flag_values = [f.value for f in q.filters if f.field == "is"]
    if scope is not None and scope.kind in ("unread", "starred"):
        flag_values.append(scope.kind)
    flags = _flags(flag_values)
    if flags is None:
        return 0, None, 0.0
    read, star = flags
    sections = _sections(conn, q, scope)
    rows = conn.execute(
        "SELECT section_id, articles, unread, starred, starred_unread FROM section_counts"
    ).fetchall()
    bounds: list[int] = []
    if sections is not None or flag_values:
        bounds.append(
            sum(
                _in_section(r[1], r[2], r[3], r[4], read, star)
                for r in rows
                if sections is None or r[0] in sections
            )
        )
    sources: list[int] = []
    for f in q.filters:
        if f.field == "source" and not f.negated:
            sources.append(
                conn.execute(
                    "SELECT COALESCE(sum(new_count), 0) FROM sources"
                    " WHERE name LIKE ?1 ESCAPE '\\' OR path LIKE ?1 ESCAPE '\\'",
                    (f.value,),
                ).fetchone()[0]
            )
    if scope is not None and scope.kind == "source":
        sources.append(
            conn.execute(
                "SELECT COALESCE(sum(new_count), 0) FROM sources WHERE id = ?", (scope.id,)
            ).fetchone()[0]
        )
    bounds += sources
    if not bounds:
        return None, None, 0.0
    seek_sections = sections is not None and not any(
        f.field == "section" and f.negated for f in q.filters
    )
    costs = _index_costs(rows, sections if seek_sections else None, read, star, sources)
    if not costs:  # SQLite picks; say it reads a row per filtered article
        return min(bounds), None, float(min(bounds) * UNCOVERED)
    index = min(costs, key=costs.__getitem__)
    return min(bounds), index, costs[index]


def _index_costs(
    rows: list, sections: set[int] | None, read: int | None, star: int | None, sources: list[int]
) -> dict[str, float]:
    """What gathering through each index that can seek the filters costs (index entries read,
    an entry whose row must be read for a column the index lacks counting ``UNCOVERED``).

    Without statistics SQLite takes is:starred's index for "section:science is:starred" and
    reads 20,000 rows to check their sections (30 ms at 1,000,000 articles) where the
    section's index holds every column the filters ask for.
    """
    mine = [r for r in rows if sections is None or r[0] in sections]
    total = sum(r[1] for r in rows)
    costs: dict[str, float] = {}
    if sources:  # the source's index holds section, read and starred
        costs["articles_source_added"] = min(sources)
    if sections is not None:
        costs["articles_section_added"] = sum(r[1] for r in mine)
        if star == 1:  # a partial index of the starred articles, without read or source
            lookups = read is not None or bool(sources)
            costs["articles_starred_section"] = sum(r[3] for r in mine) * (
                UNCOVERED if lookups else 1
            )
    others = sections is not None or bool(sources)
    if star is not None:
        starred = sum(r[3] for r in rows)
        n = starred if star else total - starred
        costs["articles_starred_added"] = n * (UNCOVERED if others or read is not None else 1)
    if read is not None:
        unread = sum(r[2] for r in rows)
        n = unread if read == 0 else total - unread
        costs["articles_read_added"] = n * (UNCOVERED if others or star is not None else 1)
    return costs


# A lookup of an article by id in the full-text index seeks its words in every segment of the
# index: about this many steps of a walk along a match checking membership in a set, per segment
# (4.7 µs against 0.1 µs of CPU: 700 lookups of "government" took 95 ms, 29 segments, 7.4M).
SEGMENT_VS_STEP = 45


def _fts_lookup_steps(conn: sqlite3.Connection) -> float:
    """What looking an article up in the full-text index by id costs, in steps of a walk along
    the match (``SEGMENT_VS_STEP`` per segment, read from FTS5's structure record)."""
    return max(1.0, SEGMENT_VS_STEP * max(1, _fts_segments(conn)))


def _fts_segments(conn: sqlite3.Connection) -> int:
    """How many segments the full-text index has (FTS5's structure record: a 4-byte cookie,
    then varints for the levels and the segments; 0 when it cannot be read)."""
    try:
        row = conn.execute("SELECT block FROM articles_fts_data WHERE id = 10").fetchone()
    except sqlite3.DatabaseError:
        return 0
    block = bytes(row[0]) if row and row[0] is not None else b""
    at = 8 if block[4:8] == b"\xff\x00\x00\x01" else 4  # a newer FTS5 marks its version 2
    _levels, at = _varint(block, at)
    segments, _ = _varint(block, at)
    return segments


def _varint(block: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint at ``at`` (0 past the end) and where the next one starts."""
    value = 0
    for k in range(9):
        if at >= len(block):
            return 0, at
        byte = block[at]
        at += 1
        if k == 8:
            return (value << 8) | byte, at
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    return value, at


# --- plans the search shares ----------------------------------------------------------------

# Gathering a filtered article's id into a set costs about this many steps (0.2 against 0.1 µs).
GATHER_VS_STEP = 2
# Up to this many filtered articles, each is looked up in the full-text index by id (about
# 0.1 ms each) instead of walking the match.
FEW = 2000


_EMPTY = (1, 0)


def _id_span(
    conn: sqlite3.Connection,
    q: ParsedQuery,
    scope: View | None,
    matches: Callable[[], float | None] | None = None,
) -> tuple[int, int] | None:
    """The stretch of ids the filters and scope allow, when some of them are clustered by id.

    Articles of one source are one import, so they sit together; walking the match only there
    turns "common word in an old source" from a walk over the whole library into a short one.
    Finding the stretch reads an index entry per article of the sources: up to
    ``SPAN_MAX_ARTICLES`` always, beyond when ``matches()`` (about how many articles match) is
    given and says the walk outside the stretch would cost more (an old 500,000-article import
    under "the", newest first: 44 ms against 280 ms). The stretch is the sources' lowest and
    highest id, so a newest-first page never depends on the choice (ranking passes no
    ``matches``: the newest matches it ranks are those of the stretch). None: no such filter;
    ``_EMPTY`` (lo > hi): nothing can pass.
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
        if size_sql:
            size = conn.execute(size_sql, params).fetchone()[0]
            if size > SPAN_MAX_ARTICLES and not _span_pays(conn, size, matches):
                continue
        a, b = conn.execute(sql, params).fetchone()
        if a is None:
            return _EMPTY
        lo = a if lo is None else max(lo, a)
        hi = b if hi is None else min(hi, b)
    if lo is None or hi is None:
        return None
    return (lo, hi) if lo <= hi else _EMPTY


def _span_pays(
    conn: sqlite3.Connection, size: int, matches: Callable[[], float | None] | None
) -> bool:
    """Whether finding the stretch of ``size`` articles costs less than looking up the rows of
    the matches outside it (taken as spread evenly over the library)."""
    if matches is None:
        return False
    m = matches()
    if not m:
        return False
    (live,) = conn.execute("SELECT total(articles) FROM section_counts").fetchone()
    outside = m * max(0.0, 1 - size / max(live, 1))
    return size < LOOKUP_VS_SPAN * outside


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


def in_set_sql(where: list[str], source: str = "articles a") -> str:
    """A condition on the match's rows: among the articles passing ``where`` (its parameters
    follow the match's). SQLite gathers them once, from an index, into a set; "+" keeps FTS5
    from looking each one up in the full-text index instead (100 µs or more each)."""
    return f" AND +f.rowid IN (SELECT a.id FROM {source} WHERE {' AND '.join(where)})"


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


def _count_in_set(
    conn: sqlite3.Connection,
    match: str,
    where: list[str],
    params: list,
    limit: int,
    source: str = "articles a",
) -> int:
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts f"
        f" WHERE articles_fts MATCH ?{in_set_sql(where, source)} LIMIT ?)"
    )
    return conn.execute(sql, [match, *params, limit]).fetchone()[0]


def _few_pass(conn: sqlite3.Connection, where: list[str], params: list) -> bool:
    sql = f"SELECT count(*) FROM (SELECT 1 FROM articles a WHERE {' AND '.join(where)} LIMIT ?)"
    return conn.execute(sql, [*params, FEW + 1]).fetchone()[0] <= FEW


def _by_date_filtered_first(
    conn: sqlite3.Connection,
    match: str,
    where: list[str],
    params: list,
    limit: int,
    offset: int,
    matches: float | None = None,
    source: str = "articles a",
    filtered: float | None = None,
) -> list[tuple]:
    """Newest-first page found from the filtered articles' side.

    The newest filtered articles are first looked up in the full-text index one by one (a seek
    in every segment of the index: 0.1-0.15 ms each, a thousand or more times a step of a walk
    along the match), stopping once the page is full: at most ``FEW``, and fewer than those
    that cost as much as walking all ``matches`` (the estimated size of the match). Every
    filtered article is looked up when there are no more than that (none passing is then known
    at once); when there are more, only if the words are common enough among them that finding
    the page that way costs less than gathering the ``filtered`` articles (an estimate) and
    walking the match among them until the page is full (filters and words taken as
    independent). Otherwise the match is walked among all filtered articles. Prefix queries
    skip the lookups: each would gather the prefix's completions again.
    """
    want = limit + 1 + offset
    lookup = _fts_lookup_steps(conn)
    few = FEW if matches is None else min(FEW, int(matches / lookup))
    newest = (
        f"SELECT a.id FROM {source} WHERE {' AND '.join(where)}"
        # "+a.id": let an index answer the filters and sort what passes, rather than walk
        # every article newest first looking for the few that do.
        " ORDER BY +a.id DESC LIMIT ?"
    )
    ids = [r[0] for r in conn.execute(newest, [*params, few + 1])]
    if not ids:
        return []
    (top,) = conn.execute("SELECT max(id) FROM articles").fetchone()
    expected = few * (matches or 0) / max(top or 1, 1)  # matches among the ``few`` looked up
    probing = few >= want and expected >= want
    if probing and matches and filtered:  # against gathering them and walking the match
        probes = want * (top or 1) / matches
        walk = GATHER_VS_STEP * filtered + min(matches, want * (top or 1) / max(filtered, 1))
        probing = probes * lookup < walk
    if "*" not in match and (len(ids) <= few or probing):
        found: list[tuple] = []
        one = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?"
        for article_id in ids[:few]:
            if conn.execute(one, (match, article_id)).fetchone():
                found.append((article_id,))
                if len(found) >= want:
                    return found[offset:]
        if len(ids) <= few:  # every filtered article was looked at
            return found[offset:]
    return _walk_in_set(conn, match, where, params, limit, offset, source)


def _walk_in_set(
    conn: sqlite3.Connection,
    match: str,
    where: list[str],
    params: list,
    limit: int,
    offset: int,
    source: str = "articles a",
) -> list[tuple]:
    """Newest-first page: the match walked among the filtered articles, gathered first."""
    sql = (
        f"SELECT f.rowid FROM articles_fts f WHERE articles_fts MATCH ?{in_set_sql(where, source)}"
        " ORDER BY f.rowid DESC LIMIT ? OFFSET ?"
    )
    return conn.execute(sql, [match, *params, limit + 1, offset]).fetchall()
