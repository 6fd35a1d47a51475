"""`dispatch maintain` and reader.core.maintenance on real library files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import maintenance as M
from reader.core.importing import import_file
from reader.core.store import Library
from tests.library_files import imported_library
from tests.test_importing import many_articles


def test_a_sound_library_is_checked_and_optimized(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    assert main(["maintain", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Integrity check: ok" in out
    assert "index, counts and references in step" in out
    assert "Full-text index: optimized" in out
    assert "VACUUM: not needed" in out
    assert "MB before" in out and "MB after" in out
    with Library(db) as lib:
        assert lib.integrity_ok()
        # One segment after optimize: the structure record and one b-tree of leaves.
        levels = lib.conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0]
        assert levels >= 1


def test_vacuum_when_a_fifth_is_free(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        # Enough articles that deleting most frees a fifth of the file, whose every table and
        # index takes at least one (16 KiB) page.
        import_file(lib, many_articles(tmp_path / "more.txt", 2000))
        with lib.conn:
            lib.conn.execute("DELETE FROM articles WHERE id % 10 != 0")
            lib.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
        lib.checkpoint()
        assert M.free_share(lib) >= 0.2
        kept = lib.conn.execute("SELECT id, title FROM articles ORDER BY id").fetchall()
    before = db.stat().st_size
    assert main(["maintain", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "VACUUM: " in out and "of the file was free" in out
    assert db.stat().st_size < before
    with Library(db) as lib:
        assert M.free_share(lib) < 0.05
        assert lib.conn.execute("SELECT id, title FROM articles ORDER BY id").fetchall() == kept
        assert lib.integrity_ok()


def test_index_and_counts_out_of_step_are_rebuilt(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        conn = lib.conn
        with conn:  # an article the index does not know, and counts gone wrong
            conn.execute("DROP TRIGGER articles_fts_update")
            conn.execute("UPDATE articles SET title = 'Zanzibar quokka' WHERE id = 2")
            conn.execute("UPDATE section_counts SET unread = unread + 5")
        assert not lib.integrity_ok()
    conn = sqlite3.connect(db)
    conn.close()
    with Library(db) as lib:
        report = M.maintain(lib)
        assert report.sound and len(report.repaired) == 2
        assert lib.integrity_ok()
        found = lib.conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'quokka'")
        assert found.fetchall() == [(2,)]
    assert "Derived data: index rebuilt, counts recounted" in "\n".join(report.lines())


def test_damage_is_reported_and_nothing_changed(tmp_path: Path, capsys) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    conn = sqlite3.connect(db)
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'articles_title'"
    ).fetchone()
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as f:  # an index page scribbled over: the tables still open
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff" * 64)
    before = db.read_bytes()
    status = main(["maintain", "--db", str(db)])
    captured = capsys.readouterr()
    if status == 2:  # SQLite noticed at opening: the file was set aside, as every command does
        assert "damaged" in captured.err
        return
    assert status == 1
    assert "The library is damaged" in captured.out and "dispatch recover" in captured.out
    assert db.read_bytes() == before


@pytest.mark.parametrize("at", ["Checking every page", "Optimizing the full-text index"])
def test_cancel_stops_the_step_and_rolls_it_back(tmp_path: Path, at: str, monkeypatch) -> None:
    monkeypatch.setattr(M, "_POLL_EVERY", 50)  # the test library is small: steps are short
    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        before = lib.conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0]
        step = []
        report = M.maintain(lib, progress=step.append, cancelled=lambda: step[-1] == at)
        assert report.stopped and report.sound and step[-1] == at
        assert "Stopped" in report.lines()[-2]
        assert [s.name for s in report.steps] == (
            [] if at.startswith("Checking") else ["Integrity check", "Derived data"]
        )
        # The optimize was rolled back: the index is as it was, and sound.
        assert lib.conn.execute("SELECT count(*) FROM articles_fts_data").fetchone()[0] == before
        assert lib.integrity_ok()
        # The handler is gone: the connection works on.
        assert M.maintain(lib).stopped is False


def test_library_info_from_the_kept_counts(tmp_path: Path) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        with lib.conn:
            lib.conn.execute("UPDATE articles SET read = 1 WHERE id <= 3")
            lib.conn.execute("UPDATE articles SET starred = 1 WHERE id IN (1, 5)")
        info = M.library_info(lib)
        total = lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert info.articles == total and info.unread == total - 3 and info.starred == 2
    assert info.sources == 6 and info.path == db and info.size >= db.stat().st_size
    assert info.last_backup is None


def test_maintain_without_a_library(tmp_path: Path, capsys) -> None:
    assert main(["maintain", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert capsys.readouterr().err.startswith("dispatch maintain: no library at")
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.parametrize("share, vacuumed", [(0.0, True), (1.1, False)])
def test_the_vacuum_threshold(tmp_path: Path, share: float, vacuumed: bool) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        assert M.maintain(lib, vacuum_share=share).vacuumed is vacuumed


def test_library_info_counts_the_trash_apart(tmp_path: Path) -> None:
    from reader.core.trash import trash_articles

    db = imported_library(tmp_path / "library.sqlite3")
    with Library(db) as lib:
        total = lib.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        trash_articles(lib, [1, 2])
        info = M.library_info(lib)
    assert (info.articles, info.trash) == (total - 2, 2)
