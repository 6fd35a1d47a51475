"""The library file: schema, migrations, refusals, and the full-text index kept in step."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from reader.core.store import (
    DEFAULT_SECTIONS,
    MIGRATIONS,
    SCHEMA_VERSION,
    Library,
    LibraryError,
    Migration,
    default_library_path,
    migrate,
)
from tests.ui_helpers import tables

ARTICLE_SQL = (
    "INSERT INTO articles (title, summary, body, section_id, fingerprint, words, added_at) "
    "VALUES (?, ?, ?, ?, ?, ?, '2026-01-02 03:04:05.000')"
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fts_ids(lib: Library, query: str) -> list[int]:
    rows = lib.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", (query,)
    )
    return [r[0] for r in rows]


def test_new_library_has_schema_defaults_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "library.sqlite3"
    with Library(path) as lib:
        assert lib.path == path and path.is_file()
        assert lib.schema_version == SCHEMA_VERSION
        assert [name for _, name, _ in lib.sections()] == list(DEFAULT_SECTIONS)
        assert [pos for _, _, pos in lib.sections()] == list(range(len(DEFAULT_SECTIONS)))
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert lib.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert lib.conn.execute("PRAGMA journal_size_limit").fetchone()[0] == 64 * 1024 * 1024
        assert {"articles", "sections", "sources", "articles_fts", "schema_migrations"} <= set(
            tables(lib).table_names()
        )
        versions = [r["version"] for r in tables(lib)["schema_migrations"].rows]
        assert versions == [m.version for m in MIGRATIONS]
        assert lib.integrity_ok()


def test_reopening_runs_no_migration_again(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    with Library(path) as lib:
        assert tables(lib)["schema_migrations"].count == len(MIGRATIONS)
        assert tables(lib)["sections"].count == len(DEFAULT_SECTIONS)


def test_default_path_is_in_the_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_library_path() == tmp_path / "data" / "Dispatch" / "library.sqlite3"
    with Library() as lib:
        assert lib.path == tmp_path / "data" / "Dispatch" / "library.sqlite3"
    assert (tmp_path / "data" / "Dispatch" / "library.sqlite3").is_file()


def test_newer_library_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")  # a newer Dispatch might have left it so
    conn.close()
    before = _digest(path)
    with pytest.raises(LibraryError, match="newer version of Dispatch"):
        Library(path)
    assert _digest(path) == before
    assert not (tmp_path / "lib.sqlite3-wal").exists()


def test_empty_file_becomes_a_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"")
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION


def _v2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE articles ADD COLUMN note TEXT")
    conn.execute("UPDATE articles SET note = 'migrated: ' || title")


def test_migration_from_an_older_version_keeps_data_and_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.conn.execute(ARTICLE_SQL, ("Old story", "", "Kept across versions.", 1, "fp1", 3))
        lib.conn.commit()
    newer = (*MIGRATIONS, Migration(SCHEMA_VERSION + 1, "article notes", _v2))
    conn = sqlite3.connect(path)
    assert migrate(conn, newer) == [SCHEMA_VERSION + 1]
    assert migrate(conn, newer) == []  # recorded: never twice
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert conn.execute("SELECT note FROM articles").fetchone()[0] == "migrated: Old story"
    names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names[-1] == "article notes"
    conn.close()
    # This version of Dispatch knows only up to SCHEMA_VERSION: it must now refuse the file.
    with pytest.raises(LibraryError, match="newer"):
        Library(path)


def test_failing_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    conn = sqlite3.connect(path)
    with pytest.raises(RuntimeError):
        migrate(conn, (*MIGRATIONS, Migration(SCHEMA_VERSION + 1, "broken", broken)))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    conn.close()
    with Library(path) as lib:
        assert lib.integrity_ok()


def test_migrating_a_fresh_database_from_version_zero(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "lib.sqlite3")
    assert migrate(conn) == [m.version for m in MIGRATIONS]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, "not an SQLite database"),
        (b"just some words, not a database\n", "not an SQLite database"),
    ],
)
def test_not_a_library_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(content)
    with pytest.raises(LibraryError, match=message):
        Library(path)
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(LibraryError, match="another program"):
        Library(path)
    assert _digest(path) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="folder"):
        Library(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only files")
def test_read_only_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    path.chmod(0o444)
    try:
        with pytest.raises(LibraryError, match="permission"):
            Library(path)
    finally:
        path.chmod(0o644)


def test_sections_lookup_is_case_insensitive_and_new_ones_go_last(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        sport = lib.section_id("Sport")
        assert sport is not None
        assert lib.section_id("sport") == sport == lib.section_id("  SPORT ")
        assert lib.section_id("Gardening") is None
        garden = lib.ensure_section("Gardening")
        assert lib.ensure_section("gardening") == garden
        assert lib.sections()[-1] == (garden, "Gardening", len(DEFAULT_SECTIONS))
        with pytest.raises(ValueError):
            lib.ensure_section("   ")


def test_fts_stays_in_step_after_insert_update_delete(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        c = lib.conn
        c.execute(
            ARTICLE_SQL, ("Harbour cranes idle", "Dockers strike", "The port is quiet.", 1, "a", 6)
        )
        c.execute(ARTICLE_SQL, ("Orchard frost", "", "Apple growers count losses.", 3, "b", 4))
        c.commit()
        assert _fts_ids(lib, "harbour") == [1]
        assert _fts_ids(lib, "apples") == [2]  # porter stemming
        assert lib.integrity_ok()

        c.execute("UPDATE articles SET title = 'Harbor cranes restart' WHERE id = 1")
        c.commit()
        assert _fts_ids(lib, "harbour") == []
        assert _fts_ids(lib, "harbor") == [1]
        assert _fts_ids(lib, "dockers") == [1]
        assert lib.integrity_ok()

        c.execute("UPDATE articles SET read = 1, starred = 1 WHERE id = 2")
        c.commit()
        assert _fts_ids(lib, "orchard") == [2]
        assert lib.integrity_ok()

        c.execute("DELETE FROM articles WHERE id = 2")
        c.commit()
        assert _fts_ids(lib, "orchard") == []
        assert lib.integrity_ok()


def test_diacritics_are_folded_in_search(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.conn.execute(
            ARTICLE_SQL, ("Café society", "", "Zoë met the mayor in São Paulo.", 8, "x", 7)
        )
        lib.conn.commit()
        assert _fts_ids(lib, "cafe") == [1]
        assert _fts_ids(lib, "sao paulo") == [1]


def test_integrity_ok_notices_an_index_out_of_step(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.conn.execute(ARTICLE_SQL, ("Tide tables", "", "High water at noon.", 1, "t", 4))
        lib.conn.commit()
        assert lib.integrity_ok()
        # Someone bypasses the triggers (drops them) and edits the text: the check must say so.
        lib.conn.execute("DROP TRIGGER articles_fts_update")
        lib.conn.execute("UPDATE articles SET body = 'Low water at dawn.'")
        lib.conn.commit()
        assert not lib.integrity_ok()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib, pytest.raises(sqlite3.IntegrityError):
        lib.conn.execute(ARTICLE_SQL, ("Lost", "", "No such section.", 999, "f", 3))


def test_one_library_per_thread(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with Library(path) as lib:
                lib.conn.execute(
                    ARTICLE_SQL, ("From a worker", "", "Written elsewhere.", 1, "w", 2)
                )
                lib.conn.commit()
        except BaseException as e:  # reported to the test thread
            errors.append(e)

    with Library(path) as lib:
        t = threading.Thread(target=writer)
        t.start()
        t.join()
        assert not errors
        assert lib.conn.execute("SELECT title FROM articles").fetchall() == [("From a worker",)]
        assert _fts_ids(lib, "worker") == [1]


def test_a_library_from_an_older_dispatch_is_upgraded_at_open(tmp_path: Path) -> None:
    """A real upgrade: a file written with only the first migration, then opened by this version."""
    path = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(path)
    assert migrate(conn, MIGRATIONS[:1]) == [1]
    conn.execute(ARTICLE_SQL, ("Kept through the upgrade", "", "Old text.", 7, "old", 2))
    conn.commit()
    conn.close()
    if SCHEMA_VERSION == 1:
        pytest.skip("only one schema version exists")
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        applied = [r["version"] for r in tables(lib)["schema_migrations"].rows]
        assert applied == [m.version for m in MIGRATIONS]
        assert lib.conn.execute("SELECT title, section_id FROM articles").fetchall() == [
            ("Kept through the upgrade", 7)
        ]
        assert _fts_ids(lib, "upgrade") == [1]
        assert lib.integrity_ok()


def _kept_counts(lib: Library) -> dict[int, tuple[int, int, int, int]]:
    rows = lib.conn.execute(
        "SELECT section_id, articles, unread, starred, starred_unread FROM section_counts"
    )
    return {r[0]: tuple(r[1:]) for r in rows if any(r[1:])}


def test_section_counts_follow_every_change_to_articles(tmp_path: Path) -> None:
    """Inserts, markings, moves and deletes, by the app or by hand, keep the kept counts exact."""
    with Library(tmp_path / "lib.sqlite3") as lib:
        world, sport = lib.section_id("World"), lib.section_id("Sport")
        with lib.conn:
            for i in range(5):
                lib.conn.execute(ARTICLE_SQL, (f"Story {i}", "", "Text.", world, f"fp{i}", 1))
        assert _kept_counts(lib) == {world: (5, 5, 0, 0)}
        with lib.conn:
            lib.conn.execute("UPDATE articles SET read = 1 WHERE id IN (1, 2)")
            lib.conn.execute("UPDATE articles SET starred = 1 WHERE id IN (2, 3)")
            lib.conn.execute("UPDATE articles SET read = 1 WHERE id = 1")  # no change at all
        assert _kept_counts(lib) == {world: (5, 3, 2, 1)}
        with lib.conn:
            lib.conn.execute("UPDATE articles SET section_id = ? WHERE id IN (3, 4)", (sport,))
        assert _kept_counts(lib) == {world: (3, 1, 1, 0), sport: (2, 2, 1, 1)}
        with lib.conn:
            lib.conn.execute(
                "UPDATE articles SET read = 0, starred = 0, section_id = ? WHERE id = 2", (sport,)
            )
            lib.conn.execute("DELETE FROM articles WHERE id = 3")
        assert _kept_counts(lib) == {world: (2, 1, 0, 0), sport: (2, 2, 0, 0)}
        assert lib.integrity_ok()
        with lib.conn:
            lib.conn.execute("DELETE FROM articles WHERE section_id = ?", (sport,))
            lib.conn.execute("DELETE FROM sections WHERE id = ?", (sport,))
        assert lib.conn.execute(
            "SELECT count(*) FROM section_counts WHERE section_id = ?", (sport,)
        ).fetchone() == (0,)
        assert lib.integrity_ok()


def test_integrity_ok_notices_counts_out_of_step(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.sqlite3") as lib:
        with lib.conn:
            lib.conn.execute(ARTICLE_SQL, ("One", "", "Text.", 1, "fp", 1))
        assert lib.integrity_ok()
        with lib.conn:
            lib.conn.execute("UPDATE section_counts SET unread = unread + 1")
        assert not lib.integrity_ok()


def test_upgrading_to_kept_counts_counts_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:3])
    for i in range(4):
        conn.execute(ARTICLE_SQL, (f"Old {i}", "", "Text.", 1 + i % 2, f"fp{i}", 1))
    conn.execute("UPDATE articles SET read = 1, starred = 1 WHERE id = 1")
    conn.commit()
    conn.close()
    with Library(path) as lib:
        assert _kept_counts(lib) == {1: (2, 1, 1, 0), 2: (2, 2, 0, 0)}
        assert lib.integrity_ok()


def test_a_v5_library_gains_bylines_and_keeps_everything(tmp_path: Path) -> None:
    """v7 adds byline and title_derived; what a v5 Dispatch stored is all still there."""
    path = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(path)
    assert migrate(conn, MIGRATIONS[:5])[-1] == 5
    conn.execute(ARTICLE_SQL, ("Stored by v5", "", "Old text.", 2, "fp5", 2))
    conn.execute(
        "UPDATE articles SET published_at = '2021-07-02 00:00:00.000', dateline = 'LONDON', "
        "read = 1, starred = 1"
    )
    conn.commit()
    before = conn.execute("SELECT * FROM articles").fetchall()
    conn.close()
    with Library(path) as lib:
        assert lib.schema_version == SCHEMA_VERSION >= 7
        rows = lib.conn.execute("SELECT * FROM articles").fetchall()
        columns = [d[0] for d in lib.conn.execute("SELECT * FROM articles").description]
        assert [tuple(r[: len(before[0])]) for r in rows] == before
        assert {"byline", "title_derived"} <= set(columns)
        assert lib.conn.execute("SELECT byline, title_derived FROM articles").fetchall() == [
            (None, None)
        ]
        assert _fts_ids(lib, "stored") == [1]
        assert lib.integrity_ok()


def test_full_text_index_merges_in_bigger_steps(tmp_path: Path) -> None:
    from reader.core.store import FTS_AUTOMERGE, FTS_HASHSIZE

    with Library(tmp_path / "lib.sqlite3") as lib:
        config = dict(lib.conn.execute("SELECT k, v FROM articles_fts_config"))
        assert config["automerge"] == FTS_AUTOMERGE and config["hashsize"] == FTS_HASHSIZE


def test_years_once_guessed_from_datelines_are_forgotten(tmp_path: Path) -> None:
    """Before v7 'LONDON, July 2 (Reuters)' was dated July 2 of the import's year: made up.
    The upgrade forgets exactly those; dated datelines and dates from elsewhere stay."""
    path = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:6])
    cases = [
        ("LONDON, July 2 (Reuters)", "2026-07-02 00:00:00.000", None),  # the old guess
        ("LONDON, Nov 24 (Reuters)", "2025-11-24 00:00:00.000", None),  # guessed in the year before
        ("GENEVA, March 5, 2019 (AFP)", "2019-03-05 00:00:00.000", "2019-03-05 00:00:00.000"),
        ("KYIV, Sept. 4", "2019-01-01 00:00:00.000", "2019-01-01 00:00:00.000"),  # not a guess
        ("KYIV, Sept. 4", "2026-09-04 08:30:00.000", "2026-09-04 08:30:00.000"),  # has a time
        (None, "2020-05-05 00:00:00.000", "2020-05-05 00:00:00.000"),
        ("OSLO", None, None),
    ]
    for i, (dateline, published, _) in enumerate(cases):
        conn.execute(ARTICLE_SQL, (f"Story {i}", "", "Text.", 1, f"fp{i}", 1))
        conn.execute(
            "UPDATE articles SET dateline = ?, published_at = ? WHERE fingerprint = ?",
            (dateline, published, f"fp{i}"),
        )
    conn.commit()
    conn.close()
    with Library(path) as lib:
        got = lib.conn.execute("SELECT published_at FROM articles ORDER BY id").fetchall()
        assert [g for (g,) in got] == [expected for *_, expected in cases]
        assert lib.conn.execute("SELECT count(*) FROM articles").fetchone() == (len(cases),)


def test_dates_written_since_v7_are_not_taken_for_guesses(tmp_path: Path) -> None:
    """A date line's date on an article with a year-less dateline is real: it stays."""
    path = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, MIGRATIONS[:8])
    conn.execute(ARTICLE_SQL, ("Dated by its date line", "", "Text.", 1, "fp", 1))
    conn.execute(
        "UPDATE articles SET dateline = 'LONDON, July 2 (Reuters)', "
        "published_at = '2021-07-02 00:00:00.000', title_derived = 0"
    )
    conn.commit()
    conn.close()
    with Library(path) as lib:
        assert lib.conn.execute("SELECT published_at FROM articles").fetchone() == (
            "2021-07-02 00:00:00.000",
        )
