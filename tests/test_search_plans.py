"""Every way the search can find a page gives the results of the plainest query that could.

The search chooses between plans (walk the match newest first and check the filters, gather the
filtered articles first, narrow to a source's ids, answer from the sidebar's counts...). Whatever
it chooses, a page must hold what one plain SQL statement (MATCH and every filter in one WHERE,
sorted as the page says) returns. Each query form is checked with the choice left to the search
and with each plan forced.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.core import search as search_mod
from reader.core import search_plans
from reader.core.query import parse_query
from reader.core.search import count, matching_ids, search
from reader.core.store import Library
from reader.core.views import STARRED, UNREAD, View, view_filter

WORDS = {  # word: share of the articles that contain it
    "harbour": 0.8,
    "council": 0.45,
    "glacier": 0.2,
    "ferry": 0.08,
    "lantern": 0.02,
}
FILLER = "members met on tuesday to discuss the budget for the coming year".split()
N_ARTICLES = 400


def _text(rng: random.Random, n: int) -> str:
    words = [rng.choice(FILLER) for _ in range(n)]
    for word, share in WORDS.items():
        if rng.random() < share:
            words.insert(rng.randrange(len(words) + 1), word)
    if rng.random() < 0.15:
        words[-1:] = ["harbour", "master"]
    return " ".join(words)


def _build(path: Path) -> Library:
    rng = random.Random(17)
    lib = Library(path)
    conn = lib.conn
    sections = [r[0] for r in conn.execute("SELECT id FROM sections ORDER BY position")]
    sources = []
    with conn:
        for name, n in (("old-wire.txt", 150), ("mid-wire.txt", 150), ("new-wire.txt", 100)):
            cur = conn.execute(
                "INSERT INTO sources (path, name, imported_at, status, new_count)"
                " VALUES (?, ?, '2025-01-01 00:00:00.000', 'done', ?)",
                (f"/dumps/{name}", name, n),
            )
            sources += [cur.lastrowid] * n
        for i in range(N_ARTICLES):
            day = 1 + i * 700 // N_ARTICLES  # ids grow with time, as an import adds them
            published = None if rng.random() < 0.3 else f"-{rng.randint(0, 3)} days"
            conn.execute(
                "INSERT INTO articles (title, summary, body, section_id, source_id, fingerprint,"
                " words, added_at, published_at, read, starred, deleted_at) VALUES (?, ?, ?, ?,"
                " ?, ?, 30, strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', ?),"
                " strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', ?, ?), ?, ?, ?)",
                (
                    _text(rng, 5).capitalize(),
                    _text(rng, 8) if rng.random() < 0.5 else "",
                    _text(rng, 25),
                    rng.choice(sections[: 3 + i % 5]),
                    sources[i] if rng.random() < 0.95 else None,
                    f"fp{i}",
                    f"+{day} days",
                    f"+{day} days",
                    published,
                    int(rng.random() < 0.3 + 0.6 * (1 - i / N_ARTICLES)),
                    int(rng.random() < 0.06),
                    "2025-06-01 00:00:00.000" if rng.random() < 0.03 else None,
                ),
            )
    return lib


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = _build(tmp_path_factory.mktemp("plans") / "library.sqlite3")
    yield lib
    lib.close()


QUERIES = [
    "glacier ",
    "harbour ",
    "glacier ferry ",
    '"harbour master" ',
    "lantern OR ferry ",
    "council -glacier ",
    "council NOT ferry ",
    "title:glacier ",
    "title:harbour council ",
    "harbour section:world ",
    "harbour -section:world ",
    "glacier section:sci ",
    "harbour source:old-wire ",
    "council source:new ",
    "harbour -source:old-wire ",
    "harbour source:nowhere ",
    "harbour is:unread ",
    "harbour is:read ",
    "council is:starred ",
    "council is:unstarred ",
    "harbour -is:starred ",
    "glacier after:2024-09-01 ",
    "harbour before:2024-03-01 ",
    "harbour -after:2024-06 ",
    "harbour section:world is:starred ",
    "council section:business is:unread after:2024-06-01 ",
    "harbour source:mid is:starred before:2025-01-01 ",
    '"harbour master" section:world is:unread ',
    "lantern OR ferry is:starred ",
    "harbour -glacier is:starred ",
    "glac",  # typed, not finished: a prefix
    "is:starred harb",
    "is:starred ",
    "section:world is:unread ",
    "source:old-wire after:2024-02-01 ",
    "-glacier ",
    "-glacier is:starred ",
    "zzyzx ",
    "zzyzx is:starred ",
]


def _oracle(lib: Library, text: str, order: str, scope: View | None = None) -> list[int]:
    """The page's ids from one plain statement: everything in one WHERE, sorted as promised."""
    q = parse_query(text)
    where = [f.sql for f in q.filters]
    params: list = [p for f in q.filters for p in f.params]
    if scope is None:
        where.append("a.deleted_at IS NULL")
    else:
        sql, scope_params = view_filter(scope)
        where.append(sql)
        params += scope_params
    conn = lib.conn
    if q.match:
        rows = conn.execute(
            f"SELECT a.id, bm25(articles_fts, {', '.join(map(str, search_mod.WEIGHTS))})"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {' AND '.join(where)}",
            [q.match, *params],
        ).fetchall()
        if order == "rank":
            return [r[0] for r in sorted(rows, key=lambda r: (r[1], -r[0]))]
        return sorted((r[0] for r in rows), reverse=True)
    if q.exclude:
        where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(q.exclude)
    return [
        r[0]
        for r in conn.execute(
            f"SELECT a.id FROM articles a WHERE {' AND '.join(where)}"
            " ORDER BY a.added_at DESC, a.id DESC",
            params,
        )
    ]


def _pages(lib: Library, text: str, order: str, scope: View | None, size: int) -> list[int]:
    ids: list[int] = []
    while True:
        page = search(lib, text, order=order, scope=scope, limit=size, offset=len(ids))
        ids += [h.id for h in page.hits]
        if not page.more:
            return ids
        assert page.hits, text


# Each forces one plan; "chosen" leaves the choice to the search.
PLANS = {
    "chosen": {},
    "walk-timed-out": {"_with_budget": lambda conn, ms, run: None},
    "walk-timed-out-few-0": {"_with_budget": lambda conn, ms, run: None, "FEW": 0},
    "walk-timed-out-few-3": {"_with_budget": lambda conn, ms, run: None, "FEW": 3},
    "walk-timed-out-scan-cheaper": {
        "_with_budget": lambda conn, ms, run: None,
        "LOOKUP_VS_SCAN": 10**9,
    },
    "no-source-span": {"SPAN_MAX_ARTICLES": 0, "LOOKUP_VS_SPAN": 0},
    "source-span-when-it-pays": {"SPAN_MAX_ARTICLES": 0},
    "source-span-always": {"SPAN_MAX_ARTICLES": 0, "LOOKUP_VS_SPAN": 10**12},
    "probe-every-filtered": {"_with_budget": lambda conn, ms, run: None, "SEGMENT_VS_STEP": 0},
    "probe-none": {"_with_budget": lambda conn, ms, run: None, "SEGMENT_VS_STEP": 10**12},
    "probe-when-words-common": {
        "_with_budget": lambda conn, ms, run: None,
        "SEGMENT_VS_STEP": 0.01,
        "GATHER_VS_STEP": 10**9,
    },
    "never-gather-first": {"LOOKUP_VS_GATHER": -1},
    "always-gather-first": {"LOOKUP_VS_GATHER": 10**12},
}


@pytest.fixture(params=list(PLANS))
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in PLANS[request.param].items():
        monkeypatch.setattr(search_mod if hasattr(search_mod, name) else search_plans, name, value)
    return request.param


def test_the_fixture_has_what_the_plans_choose_between(library: Library) -> None:
    conn = library.conn
    read, starred, trashed, sourceless = conn.execute(
        "SELECT sum(read), sum(starred), sum(deleted_at IS NOT NULL), sum(source_id IS NULL)"
        " FROM articles"
    ).fetchone()
    assert 100 < read < 300 and 5 < starred < 60 and trashed and sourceless
    sizes = {q: len(_oracle(library, q, "date")) for q in QUERIES}
    assert sizes["harbour "] > 250 and 0 < sizes["lantern OR ferry is:starred "] < 10
    assert sum(1 for n in sizes.values() if n == 0) <= 3, sizes  # the rest find something


@pytest.mark.parametrize("order", ["rank", "date"])
def test_every_query_form_gives_the_plain_results(library: Library, plan: str, order: str) -> None:
    for text in QUERIES:
        expected = _oracle(library, text, order)
        got = search(library, text, order=order, limit=1000)
        if got.order != order:  # nothing to rank: filters or exclusions only
            assert parse_query(text).match is None, text
            expected = _oracle(library, text, got.order)
        assert [h.id for h in got.hits] == expected, (plan, order, text)
        assert got.ranked_among is None
        assert _pages(library, text, order, None, 40) == expected, (plan, order, text)
        assert count(library, text) == (len(expected), True), (plan, text)
        assert sorted(matching_ids(library, text)) == sorted(expected), (plan, text)


SCOPES = [UNREAD, STARRED, View("section", 1), View("source", 2), View("all")]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda v: v.key)
def test_scoped_searches_give_the_plain_results(library: Library, plan: str, scope: View) -> None:
    for text in ("harbour ", "glacier is:unread ", "council -ferry section:world ", "is:read "):
        for order in ("rank", "date"):
            got = search(library, text, order=order, scope=scope, limit=1000)
            expected = _oracle(library, text, got.order, scope)
            assert [h.id for h in got.hits] == expected, (plan, scope, order, text)
            assert _pages(library, text, order, scope, 33) == expected, (plan, scope, text)
        assert count(library, text, scope=scope) == (len(expected), True)


def test_capped_ranking_ranks_the_newest_matches(library: Library, plan: str) -> None:
    """Over the cap, the newest ``cap`` matches of the words are ranked, those that pass the
    filters; when less than a page of them pass, the page is newest first instead."""
    cap = 40
    for text in ("harbour ", "harbour is:unread ", "council section:world ", "harbour -glacier ",
                 "harbour is:starred ", "harbour source:old-wire "):  # fmt: skip
        page = search(library, text, rank_cap=cap, limit=1000)
        passing = _oracle(library, text, "date")
        if page.order == "date":
            assert [h.id for h in page.hits] == passing, (plan, text)
            assert "newest first" in page.notice
            continue
        q = parse_query(text)
        newest = _oracle(library, q.match or "", "date", View("all"))[:cap]
        if "source:" in text:  # the newest matches among the source's stretch of ids
            newest = [i for i in _oracle(library, q.match or "", "date", View("all"))
                      if min(passing) <= i <= max(passing)][:cap]  # fmt: skip
        expected = [i for i in _oracle(library, text, "rank") if i in set(newest)]
        assert page.ranked_among == cap, (plan, text)
        assert [h.id for h in page.hits] == expected, (plan, text)


@pytest.mark.parametrize(
    "text",
    ["is:unread", "is:read", "is:starred", "is:unstarred", "is:unread is:starred",
     "is:read is:starred", "is:read -is:starred", "-is:read is:unstarred", "is:read is:unread",
     "section:world", "-section:world", "section:s", "section:world is:starred",
     "-section:sci is:unread -is:starred", "section:world section:sci", "section:nowhere"],
)  # fmt: skip
def test_the_estimate_from_kept_counts_is_exact_for_sections_and_flags(
    library: Library, text: str
) -> None:
    q = parse_query(text)
    where = " AND ".join([f.sql for f in q.filters] + ["a.deleted_at IS NULL"])
    params = [p for f in q.filters for p in f.params]
    (n,) = library.conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()
    assert search_plans.estimate_filtered(library, q, None) == n
    for scope in (UNREAD, STARRED, View("section", 1)):
        sql, scope_params = view_filter(scope)
        (n,) = library.conn.execute(
            f"SELECT count(*) FROM articles a WHERE {where} AND {sql}", [*params, *scope_params]
        ).fetchone()
        assert search_plans.estimate_filtered(library, q, scope) == n, scope


def test_the_estimate_bounds_sources_and_knows_nothing_of_dates(library: Library) -> None:
    estimate = search_plans.estimate_filtered
    assert estimate(library, parse_query("source:old-wire"), None) == 150
    assert estimate(library, parse_query("source:wire is:starred"), None) < 40
    assert estimate(library, parse_query("source:nowhere"), None) == 0
    assert estimate(library, parse_query("harbour"), View("source", 3)) == 100
    assert estimate(library, parse_query("after:2024-06-01"), None) is None
    assert estimate(library, parse_query("-source:old"), None) is None
    assert estimate(library, parse_query("harbour"), View("today")) is None


@pytest.mark.parametrize("text", ["after:2024-09-01", "before:2024-03-01", "after:2030-01-01"])
def test_the_share_of_dates_is_sampled_close_enough_to_choose_a_plan(
    library: Library, text: str
) -> None:
    q = parse_query(text)
    (passing,) = library.conn.execute(
        f"SELECT avg({q.filters[0].sql}) FROM articles a", q.filters[0].params
    ).fetchone()
    share = search_plans._date_share(library, list(q.filters))
    assert 0 < share < 1
    assert abs(share - passing) < 0.1, (share, passing)


def test_the_segment_count_is_read_from_the_index_structure(tmp_path: Path) -> None:
    """The lookup cost follows the segments of the full-text index: the count read from FTS5's
    structure record must be the number of segments its index table holds."""
    lib = Library(tmp_path / "segments.sqlite3")
    conn = lib.conn
    counts = []
    for batch in range(5):  # each committed batch leaves a segment of its own (no merge yet)
        with conn:
            for i in range(3):
                conn.execute(
                    "INSERT INTO articles (title, body, section_id, fingerprint, words, added_at)"
                    " VALUES (?, 'harbour ferry', 1, ?, 2, '2025-01-01 00:00:00.000')",
                    (f"Story {batch} {i}", f"seg{batch}-{i}"),
                )
        (segments,) = conn.execute("SELECT count(DISTINCT segid) FROM articles_fts_idx").fetchone()
        counts.append((search_plans._fts_segments(conn), segments))
    lib.close()
    assert [got for got, _ in counts] == [want for _, want in counts]
    assert counts[-1][1] > 1  # the test saw several segments


def test_a_big_sources_stretch_changes_no_page(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source too big for its stretch to be found always is narrowed to it only where the page
    is in id order: ranking capped to the newest matches must rank the same ones either way."""
    monkeypatch.setattr(search_plans, "SPAN_MAX_ARTICLES", 0)
    pages = {}
    for factor in (0, 10**12):
        monkeypatch.setattr(search_plans, "LOOKUP_VS_SPAN", factor)
        pages[factor] = [
            (p.order, [h.id for h in p.hits], p.ranked_among)
            for text in ("harbour source:old-wire ", "council source:mid ", "glacier source:new ")
            for order in ("rank", "date")
            for cap in (40, 10_000)
            for p in [search(library, text, order=order, rank_cap=cap, limit=30)]
        ]
    assert pages[0] == pages[10**12]
    assert {o for o, _, _ in pages[0]} == {"rank", "date"} and all(ids for _, ids, _ in pages[0])
