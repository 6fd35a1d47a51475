"""Every order the list offers, in every view: keyset paging, jumps and positions agree with
SQLite's own ORDER BY, and each (view, order) pair walks an index (never a sort of the view)."""

from __future__ import annotations

import random

import pytest

from reader.core import views
from reader.core.sort_orders import PLANS, SORT_KEYS, Sort
from reader.core.views import ALL, STARRED, TODAY, UNREAD, View, ViewQuery
from tests.ui_helpers import Spec, add_articles, add_source

SECTIONS = ("World", "Sport", "Business", "Culture")


def _library(lib, n: int = 120) -> dict:
    """n articles over four sections and three sources (and none: a removed source), with
    equal titles and equal times so that ties are broken by id."""
    conn = lib.conn
    sources = [add_source(conn, f"wire-{k}.txt") for k in range(3)] + [None]
    rnd = random.Random(7)
    specs = []
    for i in range(n):
        specs.append(
            Spec(
                rnd.choice(("alpha", "Beta", "beta", "gamma", f"Story {i}", "Äther")),
                rnd.choice(SECTIONS),
                hours_ago=rnd.choice((1, 2, 3, 30, 60, 60, float(i))),
                read=int(rnd.random() < 0.4),
                starred=int(rnd.random() < 0.3),
                source_id=rnd.choice(sources),
            )
        )
    add_articles(conn, specs)
    sec = {s.name: s.id for s in views.sections(lib)}
    return {"section": sec["Sport"], "source": sources[1]}


def _every_view(ids: dict) -> list[View]:
    return [
        ALL,
        UNREAD,
        STARRED,
        TODAY,
        View("section", ids["section"]),
        View("source", ids["source"]),
    ]


def _expected(lib, q: ViewQuery) -> list[int]:
    order = q.sort.order_by()
    sql = f"SELECT id FROM articles NOT INDEXED WHERE {q.count_where} ORDER BY {order}"
    return [r[0] for r in lib.conn.execute(sql, q.params)]


def _walk(q: ViewQuery, page: int) -> list[int]:
    out: list[int] = []
    key = None
    while True:
        rows = q.page_after(key, page)
        out += [r.id for r in rows]
        if len(rows) < page:
            return out
        key = q.sort.value(rows[-1])


@pytest.mark.parametrize("key", SORT_KEYS)
@pytest.mark.parametrize("descending", (True, False))
@pytest.mark.parametrize("either_way", (False, True))
def test_every_order_of_every_view_pages_jumps_and_counts_positions(
    lib, key, descending, either_way, monkeypatch
):
    if either_way:  # positions past the middle are counted from the end, as in big views
        monkeypatch.setattr(views, "_COUNT_EITHER_WAY", 1)
        monkeypatch.setattr(views, "_NEAR_START", 2)
    ids = _library(lib)
    for view in _every_view(ids):
        q = ViewQuery(lib, view, Sort(key, descending))
        total = q.count()
        expected = _expected(lib, q)
        assert total == len(expected) > 0, view
        assert _walk(q, 7) == expected, (view, key)
        for offset in sorted({0, 1, total // 3, total // 2, total // 2 + 1, total - 3, total - 1}):
            got = [r.id for r in q.page_at(offset, 7, total)]
            assert got == expected[offset : offset + 7], (view, key, offset)
        for pos in sorted({0, 1, total // 2 - 1, total // 2, total // 2 + 1, total - 1}):
            assert q.position_of(expected[pos]) == pos, (view, key, pos)
        mid = q.page_at(total // 2, 1, total)[0]
        before = [r.id for r in q.page_before(q.sort.value(mid), 9)]
        assert before == expected[max(0, total // 2 - 9) : total // 2]


@pytest.mark.parametrize("key", SORT_KEYS)
def test_kept_rows_stay_in_order_in_every_order(lib, key, monkeypatch):
    monkeypatch.setattr(views, "_COUNT_EITHER_WAY", 1)
    monkeypatch.setattr(views, "_NEAR_START", 3)
    ids = _library(lib, 60)
    q = ViewQuery(lib, UNREAD, Sort(key, True))
    total = q.count()
    listed = _expected(lib, q)
    read_now = listed[5:40:3]
    lib.conn.execute(f"UPDATE articles SET read = 1 WHERE id IN ({','.join(map(str, read_now))})")
    lib.conn.commit()
    q.keep(read_now)
    assert q.count() == total
    assert _walk(q, 4) == listed
    assert [r.id for r in q.page_at(total - 5, 5, total)] == listed[-5:]
    for article_id in (read_now[0], read_now[-1], listed[-1], listed[len(listed) // 2]):
        assert q.position_of(article_id) == listed.index(article_id)
    assert ids  # the library had its section and source


def test_trashed_articles_are_left_out_of_every_order(lib):
    ids = _library(lib, 40)
    gone = [r[0] for r in lib.conn.execute("SELECT id FROM articles WHERE id % 3 = 0")]
    with lib.conn:
        lib.conn.execute("UPDATE articles SET deleted_at = '2026-01-01' WHERE id % 3 = 0")
    for key in SORT_KEYS:
        for view in _every_view(ids):
            q = ViewQuery(lib, view, Sort(key, False))
            listed = _walk(q, 5)
            assert listed == _expected(lib, q) and not set(listed) & set(gone), (view, key)
            assert q.count() == len(listed)


def test_next_unread_in_grouped_orders_crosses_groups(lib):
    conn = lib.conn
    a, b = add_source(conn, "a.txt"), add_source(conn, "b.txt")
    add_articles(
        conn,
        [
            Spec("one", source_id=a, hours_ago=1, read=1),
            Spec("two", source_id=a, hours_ago=2, read=1),
            Spec("three", source_id=b, hours_ago=3),
            Spec("four", source_id=None, hours_ago=4),
        ],
    )
    q = ViewQuery(lib, ALL, Sort("source", True))
    rows = q.page_after(None, 10)
    assert [r.title for r in rows] == ["three", "one", "two", "four"]
    nxt = q.next_unread(q.sort.value(rows[1]))
    assert nxt is not None and nxt.title == "four"
    back = q.next_unread(q.sort.value(rows[3]), backwards=True)
    assert back is not None and back.title == "three"


@pytest.mark.parametrize(("view_kind", "key"), sorted(PLANS))
def test_each_view_and_order_walks_its_index_without_sorting(lib, view_kind, key):
    """A temp b-tree in a plan means the whole view is sorted: seconds at a million."""
    ids = _library(lib, 20)
    view = View(view_kind, ids.get(view_kind))  # type: ignore[arg-type]
    q = ViewQuery(lib, view, Sort(key, True))
    q.set_size(10**6)  # a big view: the plan of a million articles
    total = q.count()
    queries = [(f"SELECT * {q._from()} ORDER BY {q.sort.order_by()} LIMIT 5 OFFSET 9", q.params)]
    # A jump's walk reads only the sort key: from the index alone.
    jump = f"SELECT {q.sort.key_columns} {q._from()} ORDER BY {q.sort.order_by()} LIMIT 1 OFFSET 9"
    plan = " ".join(r[3] for r in lib.conn.execute(f"EXPLAIN QUERY PLAN {jump}", q.params))
    assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan, (view, key, plan)
    # From the first and the last row (the source-less group), both ways.
    for row in (q.page_at(0, 1, total)[0], q.page_at(total - 1, 1, total)[0]):
        for reverse in (False, True):
            order = q.sort.order_by(reverse)
            queries += [
                (f"SELECT * {q._from()}{extra} ORDER BY {order} LIMIT 5", (*q.params, *p))
                for extra, p in q._beyond(q.sort.value(row), reverse)
            ]
    for sql, params in queries:
        plan = " ".join(r[3] for r in lib.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "TEMP B-TREE" not in plan, (view, key, plan)
        assert "USING" in plan and "INDEX" in plan, (view, key, plan)
        # Counting (positions) and skipping (OFFSET) read the view's filter from the index:
        # a row lookup for each row walked would cost 5x.
        counting = sql.replace("SELECT *", "SELECT count(*)").split(" ORDER BY")[0]
        plan = " ".join(r[3] for r in lib.conn.execute(f"EXPLAIN QUERY PLAN {counting}", params))
        assert "COVERING INDEX" in plan, (view, key, plan)


def test_a_big_today_in_title_order_walks_the_title_index(lib):
    _library(lib, 10)
    q = ViewQuery(lib, TODAY, Sort("title", False))
    q.set_size(10**6)
    plan = " ".join(
        r[3]
        for r in lib.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT * {q._from()} ORDER BY {q.sort.order_by()} LIMIT 5",
            q.params,
        )
    )
    assert "TEMP B-TREE" not in plan and "articles_title" in plan


def test_the_trash_expiry_probe_keeps_to_the_trash_index(lib):
    """The starred index holds deleted_at since schema 12: a probe of the Trash that SQLite
    sent along it walked every unstarred article at each start (0.2-0.65 s at a million)."""
    from reader.core import trash

    _library(lib, 20)
    where, params = trash._trash_where("2026-01-01", unstarred=True)
    sql = f"EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM articles WHERE {where})"
    plan = " ".join(r[3] for r in lib.conn.execute(sql, params))
    assert "articles_deleted" in plan, plan


def test_a_big_today_jumps_by_title_reading_the_index_alone(lib):
    """A first import of a million articles makes Today as big as All: walking the title index,
    a jump read each row's date from the table (5-6 s at a million); schema 14 keeps the date in
    the index, so the walk to the page's key and the position count never touch the table."""
    _library(lib, 10)
    q = ViewQuery(lib, TODAY, Sort("title", False))
    q.set_size(10**6)
    for sql in (
        f"SELECT {q.sort.key_columns} {q._from()} ORDER BY {q.sort.order_by()} LIMIT 1 OFFSET 3",
        f"SELECT count(*) {q._from()} AND {q.sort.after()}",
    ):
        params = q.params if "OFFSET" in sql else (*q.params, "m", 0)
        plan = " ".join(r[3] for r in lib.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "COVERING INDEX articles_title" in plan, plan


def test_migration_14_puts_the_date_into_an_older_title_index(tmp_path):
    from reader.core.store import Library

    path = tmp_path / "old.sqlite3"
    with Library(path) as lib:
        _library(lib, 30)
        lib.conn.execute("DROP INDEX articles_title")
        lib.conn.execute(
            "CREATE INDEX articles_title ON articles (title COLLATE NOCASE, id, deleted_at, read,"
            " starred, section_id, source_id)"
        )
        lib.conn.execute("PRAGMA user_version = 13")
        lib.conn.execute("DELETE FROM schema_migrations WHERE version >= 14")
        lib.conn.commit()
    with Library(path) as lib:
        (sql,) = lib.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'articles_title'"
        ).fetchone()
        assert sql.endswith("source_id, added_at)")
        assert lib.conn.execute("PRAGMA user_version").fetchone()[0] >= 14
        q = ViewQuery(lib, TODAY, Sort("title", True))
        assert [r.id for r in q.page_after(None, 100)] == _expected(lib, q)


@pytest.mark.parametrize("key", SORT_KEYS)
def test_a_position_past_the_middle_does_not_count_the_view_again(lib, key, monkeypatch):
    """The list already knows its size: finding a row from the end counts only the rows after
    it (a second COUNT of the whole view walked a million-article source each time)."""
    monkeypatch.setattr(views, "_COUNT_EITHER_WAY", 1)
    monkeypatch.setattr(views, "_NEAR_START", 2)
    ids = _library(lib)
    q = ViewQuery(lib, View("source", ids["source"]), Sort(key, True))
    total = q.count()
    expected = _expected(lib, q)
    whole = f"SELECT count(*) FROM articles WHERE {q.count_where}"
    for param in q.params:  # the trace shows statements with their values in place
        whole = whole.replace("?", repr(param), 1)
    seen: list[str] = []
    lib.conn.set_trace_callback(seen.append)
    try:
        positions = {pos: q.position_of(expected[pos]) for pos in (total - 4, total - 1)}
    finally:
        lib.conn.set_trace_callback(None)
    assert positions == {total - 4: total - 4, total - 1: total - 1}
    assert not [s for s in seen if s.strip() == whole], seen
