"""The Trash, removed sources and retention, on real library files (imports of real dumps)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core import retention, search, trash, views
from reader.core.importing import import_file
from reader.core.sources import clear_failed, clearable_count, remove_source, source_info
from reader.core.store import SCHEMA_VERSION, Library, migrate
from reader.core.views import ALL, STARRED, TRASH, UNREAD, View, ViewQuery
from tests.ui_helpers import Spec, add_articles, numbered

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def _dump() -> Path:
    return sorted(LAYOUTS.glob("*.txt"))[0]


def _ids(lib: Library, view: View) -> list[int]:
    q = ViewQuery(lib, view)
    return [r.id for r in q.page_after(None, 100_000)]


def _imported(lib: Library) -> tuple[int, list[int]]:
    result = import_file(lib, _dump(), process_parse_bytes=1 << 40)
    assert result.status == "done" and result.new > 3
    (source_id,) = lib.conn.execute("SELECT max(id) FROM sources").fetchone()
    return source_id, _ids(lib, ALL)


def test_trash_leaves_every_other_view_count_and_search(lib) -> None:
    source_id, ids = _imported(lib)
    title = views.article(lib, ids[0]).title
    word = max(title.split(), key=len)
    before = views.counts(lib)
    deleted = trash.trash_articles(lib, ids[:2])
    assert deleted.count == 2
    for view in (ALL, UNREAD, View("source", source_id)):
        assert not set(ids[:2]) & set(_ids(lib, view)), view
    assert sorted(_ids(lib, TRASH)) == sorted(ids[:2])
    after = views.counts(lib)
    assert after.total == before.total - 2
    assert after.get(UNREAD) == before.get(UNREAD) - 2
    assert after.get(TRASH) == 2
    assert views.view_size(lib, ALL) == len(ids) - 2
    found = {h.id for h in search.search(lib, word).hits}
    assert ids[0] not in found
    assert search.count(lib, f"title:{word}", scope=TRASH)[0] >= 1
    assert lib.integrity_ok()  # the kept counts equal a recount without the Trash


def test_undo_puts_back_exactly_that_delete(lib) -> None:
    _, ids = _imported(lib)
    first = trash.trash_articles(lib, ids[:2])
    second = trash.trash_articles(lib, ids[2:4])
    assert first.stamp != second.stamp
    assert trash.undo_delete(lib, second) == 2
    assert sorted(_ids(lib, TRASH)) == sorted(ids[:2])
    assert trash.undo_delete(lib, first) == 2
    assert _ids(lib, TRASH) == []
    assert sorted(_ids(lib, ALL)) == sorted(ids)
    assert lib.integrity_ok()


def test_restore_and_empty_trash(lib) -> None:
    _, ids = _imported(lib)
    trash.trash_articles(lib, ids[:3])
    assert trash.restore(lib, [ids[0]]) == 1
    assert ids[0] in _ids(lib, ALL)
    fts_before = lib.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    assert trash.empty_trash(lib) == 2
    assert views.article(lib, ids[1]) is None
    assert _ids(lib, TRASH) == []
    # The full-text index lost their entries (FTS5's own check against the table passes).
    assert lib.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] >= 0
    assert fts_before > 0
    assert lib.integrity_ok()


def test_a_trashed_article_imported_again_stays_in_the_trash(lib) -> None:
    _, ids = _imported(lib)
    trash.trash_articles(lib, ids)
    again = import_file(lib, _dump(), process_parse_bytes=1 << 40)
    assert again.new == 0 and again.duplicates == len(ids)
    assert _ids(lib, ALL) == []
    assert len(_ids(lib, TRASH)) == len(ids)
    # Emptied for good, the dump brings them back.
    trash.empty_trash(lib)
    third = import_file(lib, _dump(), process_parse_bytes=1 << 40)
    assert third.new == len(ids)


def test_start_up_emptying_is_by_age_and_never_takes_starred(lib) -> None:
    ids = add_articles(lib.conn, [*numbered(4), Spec("Kept", starred=1)])
    old = trash.trash_articles(lib, ids)
    now = datetime.now(timezone.utc)
    assert trash.expire(lib, 30, now) == 0  # deleted just now
    later = now + timedelta(days=31)
    assert trash.expire(lib, 30, later) == 4
    assert _ids(lib, TRASH) == [ids[4]]  # the starred one stays until emptied by hand
    assert trash.expire(lib, 0, later) == 0  # 0 days = never
    assert trash.empty_trash(lib) == 1
    assert old.count == 5 and lib.integrity_ok()


def test_remove_source_counts_trashes_and_undoes(lib) -> None:
    source_id, ids = _imported(lib)
    info = source_info(lib, source_id)
    assert info is not None and info.articles == len(ids)
    deleted = remove_source(lib, source_id)
    assert deleted.count == len(ids) and deleted.source_name == info.name
    assert source_id not in {s.id for s in views.sources(lib)}
    assert View("source", source_id).key not in views.counts(lib).unread
    assert _ids(lib, ALL) == []
    assert trash.undo_delete(lib, deleted) == len(ids)
    assert source_id in {s.id for s in views.sources(lib)}
    assert sorted(_ids(lib, View("source", source_id))) == sorted(ids)
    # Removed again and the Trash emptied: the entry is gone for good.
    remove_source(lib, source_id)
    trash.empty_trash(lib)
    assert lib.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    assert lib.integrity_ok()


def test_restoring_an_article_of_a_removed_source_brings_the_source_back(lib) -> None:
    source_id, ids = _imported(lib)
    remove_source(lib, source_id)
    trash.restore(lib, [ids[0]])
    assert source_id in {s.id for s in views.sources(lib)}


def test_clear_failed_and_cancelled_entries(lib, tmp_path) -> None:
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    for _ in range(2):  # dropped twice: two entries
        assert import_file(lib, png).status == "failed"
    good, ids = _imported(lib)
    assert clearable_count(lib) == 2
    assert clear_failed(lib) == 2
    assert [s.id for s in views.sources(lib)] == [good]
    assert clearable_count(lib) == 0
    assert sorted(_ids(lib, ALL)) == sorted(ids)


def test_mark_older_read_and_the_delete_rule_never_touch_starred(lib) -> None:
    now = datetime.now(timezone.utc)
    specs = [
        Spec("Old unread", hours_ago=24 * 100),
        Spec("Old read", hours_ago=24 * 100, read=1),
        Spec("Old read starred", hours_ago=24 * 100, read=1, starred=1),
        Spec("Old unread starred", hours_ago=24 * 100, starred=1),
        Spec("New read", hours_ago=24 * 10, read=1),
    ]
    ids = add_articles(lib.conn, specs, now)
    assert retention.unread_older_than(lib, 90, now) == [ids[0]]
    assert retention.read_older_than_count(lib, 90, now) == 1
    done = retention.housekeeping(lib, trash_days=30, delete_read_days=90, now=now)
    assert done.retired is not None and done.retired.count == 1
    assert _ids(lib, TRASH) == [ids[1]]
    assert "1 read article older than 90 days" in (done.message(90) or "")
    # Much later: the rule and the Trash's emptying run again; starred ones are still there.
    later = now + timedelta(days=400)
    retention.housekeeping(lib, trash_days=30, delete_read_days=90, now=later)
    left = {r[0] for r in lib.conn.execute("SELECT id FROM articles")}
    assert {ids[2], ids[3]} <= left
    assert ids[1] not in left
    off = retention.housekeeping(lib, trash_days=30, delete_read_days=0, now=later)
    assert off.retired is None
    assert lib.integrity_ok()


def test_starred_view_and_sections_ignore_trashed_starred(lib) -> None:
    ids = add_articles(lib.conn, [Spec("Starred one", starred=1)])
    trash.trash_articles(lib, ids)
    assert _ids(lib, STARRED) == []
    assert views.view_size(lib, STARRED) == 0
    trash.restore(lib, ids)
    assert _ids(lib, STARRED) == ids


def test_schema_11_upgrades_an_older_library_keeping_its_counts(tmp_path) -> None:
    import sqlite3

    from reader.core.store import MIGRATIONS

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:10])
    add_articles(conn, [*numbered(6), Spec("Starred", starred=1, read=1)])
    conn.close()
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION >= 11
        assert lib.integrity_ok()
        assert views.counts(lib).total == 7
        trash.trash_articles(lib, _ids(lib, ALL)[:2])
        assert views.counts(lib).total == 5 and lib.integrity_ok()


@pytest.mark.parametrize("n", [5000])
def test_chunks_report_progress_and_stop_on_cancel(lib, n) -> None:
    ids = add_articles(lib.conn, numbered(n))
    seen: list[tuple[int, int]] = []
    stop = iter([False, True])
    deleted = trash.trash_articles(
        lib, ids, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: next(stop, True)
    )
    assert deleted.count == trash.CHUNK
    assert seen[0] == (0, n) and seen[-1] == (trash.CHUNK, n)
    assert trash.undo_delete(lib, deleted) == trash.CHUNK
    assert lib.integrity_ok()


def test_the_start_up_checks_say_whether_there_is_work(lib) -> None:
    now = datetime.now(timezone.utc)
    ids = add_articles(lib.conn, [Spec("Old read", hours_ago=24 * 100, read=1)], now)
    assert not trash.anything_expired(lib, 30, now)
    assert retention.any_read_older_than(lib, 90, now)
    assert not retention.any_read_older_than(lib, 0, now)  # the rule is off
    trash.trash_articles(lib, ids)
    assert not retention.any_read_older_than(lib, 90, now)
    assert trash.anything_expired(lib, 30, now + timedelta(days=31))
    assert not trash.anything_expired(lib, 0, now + timedelta(days=31))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_an_import_killed_mid_way_is_repaired_at_the_next_open_then_removable(
    tmp_path: Path,
) -> None:
    """A real ``dispatch import`` killed with SIGKILL leaves its source 'running'; the next
    open marks it interrupted, and the sidebar's menu can then remove it (with its count) or
    clear it."""
    import os
    import signal
    import sqlite3

    from reader.core.importing import PROCESS_PARSE_BYTES
    from reader.core.store import INTERRUPTED
    from tests.test_faults_import import _cli, _wait_until, count_articles
    from tests.test_importing import many_articles

    dump = many_articles(tmp_path / "big.txt", PROCESS_PARSE_BYTES // 280 + 1000)
    db = tmp_path / "library.sqlite3"
    cli = _cli("import", str(dump), "--db", str(db))
    _wait_until(lambda: count_articles(db) > 0)
    os.kill(cli.pid, signal.SIGKILL)
    cli.communicate(timeout=15)
    raw = sqlite3.connect(db)  # as the killed process left it, before any open repairs it
    assert raw.execute("SELECT status FROM sources").fetchone() == ("running",)
    raw.close()
    with Library(db) as lib:
        (source,) = views.sources(lib)
        assert (source.status, source.error) == ("cancelled", INTERRUPTED)
        stored = count_articles(db)
        info = source_info(lib, source.id)
        assert info is not None and info.articles == stored > 0
        assert clearable_count(lib) == 1
        deleted = remove_source(lib, source.id)
        assert deleted.count == stored and views.sources(lib) == []
        trash.undo_delete(lib, deleted)
        assert clear_failed(lib) == 1 and views.sources(lib) == []
        assert views.view_size(lib, ALL) == stored  # the articles stay
        assert lib.integrity_ok()
