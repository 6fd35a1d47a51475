"""The window's read-side queries, on real library files."""

from __future__ import annotations

from reader.core import marking, views
from reader.core.views import ALL, STARRED, TODAY, UNREAD, Sort, View, ViewQuery
from tests.ui_helpers import Spec, add_articles, add_source, numbered


def walk(q: ViewQuery, page: int) -> list[views.Row]:
    """Every row of a view, page by page with keyset paging."""
    out: list[views.Row] = []
    key = None
    while True:
        rows = q.page_after(key, page)
        out += rows
        if len(rows) < page:
            return out
        key = q.sort.value(rows[-1])


def test_view_keys_round_trip():
    for v in (ALL, UNREAD, STARRED, TODAY, View("section", 3), View("source", 12)):
        assert View.from_key(v.key) == v
    assert View.from_key("section:x") is None
    assert View.from_key("nonsense") is None


def test_keyset_paging_matches_offset_order_in_every_sort(lib):
    conn = lib.conn
    specs = numbered(50)
    # Same timestamps for some rows: ties are broken by id.
    for s in specs[10:20]:
        s.hours_ago = 100
    specs[3].title = "aardvark"
    specs[4].title = "Zebra"
    add_articles(conn, specs)
    for sort in (
        Sort("date", True),
        Sort("date", False),
        Sort("title", False),
        Sort("title", True),
    ):
        q = ViewQuery(lib, ALL, sort)
        expected = conn.execute(f"SELECT id FROM articles ORDER BY {sort.order_by()}").fetchall()
        expected = [r[0] for r in expected]
        assert [r.id for r in walk(q, 7)] == expected
        assert q.count() == 50
        # Random jumps from both ends agree with the walk.
        for offset in (0, 6, 24, 25, 26, 43, 49):
            assert [r.id for r in q.page_at(offset, 7, 50)] == expected[offset : offset + 7]
        # Backwards from a row.
        row = q.page_at(30, 1, 50)[0]
        assert [r.id for r in q.page_before(sort.value(row), 5)] == expected[25:30]
        for pos in (0, 17, 49):
            assert q.position_of(expected[pos]) == pos
    assert [r.title for r in walk(ViewQuery(lib, ALL, Sort("title", False)), 100)][:2] == [
        "aardvark",
        "Story 0",
    ]


def test_views_filter_and_counts(lib):
    conn = lib.conn
    src = add_source(conn, "monday.txt", new_count=3)
    add_articles(
        conn,
        [
            Spec("Fresh world", "World", hours_ago=1, source_id=src),
            Spec("Fresh sport read", "Sport", hours_ago=2, read=1, source_id=src),
            Spec("Old starred", "Business", hours_ago=72, starred=1, source_id=src),
            Spec("Old read starred", "Business", hours_ago=80, starred=1, read=1),
        ],
    )
    sec = {s.name: s.id for s in views.sections(lib)}
    assert [s.name for s in views.sections(lib)][:3] == ["World", "Politics", "Business"]

    def titles(view):
        q = ViewQuery(lib, view)
        return [r.title for r in walk(q, 10)], q.count()

    assert titles(ALL) == (
        ["Fresh world", "Fresh sport read", "Old starred", "Old read starred"],
        4,
    )
    assert titles(UNREAD) == (["Fresh world", "Old starred"], 2)
    assert titles(STARRED) == (["Old starred", "Old read starred"], 2)
    assert titles(TODAY) == (["Fresh world", "Fresh sport read"], 2)
    assert titles(View("section", sec["Business"]))[1] == 2
    assert titles(View("source", src))[1] == 3

    c = views.counts(lib)
    assert c.total == 4
    assert c.get(ALL) == 2 and c.get(UNREAD) == 2
    assert c.get(STARRED) == 1
    assert c.get(TODAY) == 1
    assert c.get(View("section", sec["Business"])) == 1
    assert c.get(View("section", sec["Sport"])) == 0
    assert c.get(View("source", src)) == 3


def test_set_flag_reports_only_real_changes_and_undo_restores(lib):
    conn = lib.conn
    ids = add_articles(conn, numbered(5))
    before = views.counts(lib)
    change = marking.set_flag(lib, ids[:3], "read", True)
    assert change.count == 3 and set(change.ids) == set(ids[:3])
    again = marking.set_flag(lib, ids[:3], "read", True)
    assert again.count == 0
    c = views.counts(lib)
    assert c.get(UNREAD) == 2
    # Counts adjusted incrementally agree with a recount.
    adjusted = before
    assert marking.apply_change_to_counts(adjusted, change)
    assert adjusted.unread == c.unread
    marking.undo(lib, change)
    assert views.counts(lib).get(UNREAD) == 5


def test_mark_view_read_big_uses_temp_table_and_undoes(lib):
    conn = lib.conn
    add_articles(conn, numbered(2500, section="Science"))
    add_articles(conn, numbered(3, section="Sport"))
    sci = next(s.id for s in views.sections(lib) if s.name == "Science")
    change = marking.mark_view_read(lib, View("section", sci))
    assert change.table is not None and change.count == 2500
    assert change.section_ids == {sci}
    assert views.counts(lib).get(UNREAD) == 3
    back = marking.undo(lib, change)
    assert back.count == 2500
    assert views.counts(lib).get(UNREAD) == 2503


def test_whole_view_marking_keeps_the_kept_counts_exact(lib):
    """Shift+A on a big view and its undo: the counts kept by triggers stay exact."""
    conn = lib.conn
    specs = numbered(1500, section="World") + numbered(1200, section="Science")
    for i, spec in enumerate(specs):
        spec.starred = int(i % 7 == 0)
        spec.read = int(i % 11 == 0)
    add_articles(conn, specs)
    change = marking.mark_view_read(lib, ALL)
    assert change.table is not None
    c = views.counts(lib)
    assert (c.get(UNREAD), c.get(STARRED), c.total) == (0, 0, 2700)
    assert lib.integrity_ok()
    # One of them marked unread again by hand before the undo.
    first = conn.execute(f"SELECT min(id) FROM {change.table}").fetchone()[0]
    marking.set_flag(lib, [first], "read", False)
    marking.undo(lib, change)
    assert views.counts(lib).get(UNREAD) == sum(1 for s in specs if not s.read)
    assert lib.integrity_ok()


def test_kept_rows_stay_listed_after_leaving_the_filter(lib):
    conn = lib.conn
    ids = add_articles(conn, numbered(6))
    q = ViewQuery(lib, UNREAD)
    marking.set_flag(lib, [ids[2]], "read", True)
    q.keep([ids[2]])
    assert [r.id for r in walk(q, 4)] == ids
    assert q.count() == 6
    assert q.position_of(ids[2]) == 2
    assert [r.id for r in q.page_at(4, 4, 6)] == ids[4:]
    # next unread skips the kept (read) row
    first = q.page_at(1, 1, 6)[0]
    assert q.next_unread(q.sort.value(first)).id == ids[3]
    assert q.next_unread(q.sort.value(q.page_at(3, 1, 6)[0]), backwards=True).id == ids[1]
    # Marked unread again: it matches the filter and is no longer "kept".
    marking.set_flag(lib, [ids[2]], "read", False)
    q.keep([ids[2]])
    assert q.kept == set()
    assert q.count() == 6


def test_article_record(lib):
    conn = lib.conn
    src = add_source(conn, "tuesday.txt")
    (aid,) = add_articles(
        conn, [Spec("Headline", "Health", dateline="OSLO", summary=("one", "two"), source_id=src)]
    )
    a = views.article(lib, aid)
    assert a.title == "Headline" and a.section == "Health" and a.source == "tuesday.txt"
    assert a.summary == "one\ntwo" and a.dateline == "OSLO"
    assert views.article(lib, 999) is None


def test_todays_counts_are_exact_on_either_side_of_the_cutoff(lib, monkeypatch):
    """Today is counted on the smaller side of its cutoff (after a first import every article
    is today's): both ways give what a plain COUNT gives, with read, starred and trashed ones."""
    from reader.core import trash

    conn = lib.conn
    specs = [
        Spec(f"Story {i}", ("World", "Sport")[i % 2], hours_ago=(1, 5, 30, 100)[i % 4],
             read=int(i % 3 == 0), starred=int(i % 7 == 0))
        for i in range(60)
    ]  # fmt: skip
    ids = add_articles(conn, specs)
    trash.trash_articles(lib, ids[:9])
    cutoff = views.today_cutoff()

    def plain(unread: bool) -> int:
        flag = "read = 0 AND " if unread else ""
        return conn.execute(
            f"SELECT count(*) FROM articles WHERE {flag}added_at >= ? AND deleted_at IS NULL",
            (cutoff,),
        ).fetchone()[0]

    for probe in (1_000, 3):  # the newer side counted; the older side taken from the total
        monkeypatch.setattr(views, "_SINCE_PROBE", probe)
        assert views.counts(lib, cutoff).unread["today"] == plain(True)
        assert views.view_size(lib, TODAY, cutoff) == plain(False)
        marking.set_flag(lib, ids[10:20], "read", True)
        assert views.counts(lib, cutoff).unread["today"] == plain(True)
        marking.set_flag(lib, ids[10:20], "read", False)
    assert plain(True) > 3 and plain(False) > 3
