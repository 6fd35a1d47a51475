"""A copy of the library before every upgrade of its schema, the last two kept."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from reader.core import backups
from reader.core.store import SCHEMA_VERSION, Library, LibraryError
from tests.library_files import older_library


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


ARTICLES = "SELECT id, title, summary, body, read, starred FROM articles ORDER BY id"


def test_an_upgrade_backs_the_library_up_first(tmp_path: Path) -> None:
    db = older_library(tmp_path / "library.sqlite3", version=9)
    before = rows(db, ARTICLES)
    Library(db).close()
    (copy,) = backups.backups_of(db)
    assert copy.parent == tmp_path / "backups"
    assert copy.name.startswith("library-schema9-") and copy.suffix == ".sqlite3"
    # A whole, self-contained library of the old schema: no journal beside it.
    assert rows(copy, "PRAGMA user_version") == [(9,)]
    assert rows(copy, "PRAGMA journal_mode") == [("delete",)]
    assert rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert rows(copy, ARTICLES) == before
    assert not Path(f"{copy}-wal").exists()
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_no_backup_without_an_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    Library(db).close()  # a new library: nothing to keep
    Library(db).close()  # up to date: nothing to do
    assert backups.backups_of(db) == []
    assert not (tmp_path / "backups").exists()


def test_only_the_last_two_backups_are_kept(tmp_path: Path) -> None:
    db = older_library(tmp_path / "library.sqlite3", version=8)
    other = older_library(tmp_path / "other.sqlite3", version=8)
    Library(other).close()  # another library's backup in the same folder stays
    made = []
    for _ in range(3):
        conn = sqlite3.connect(db)
        made.append(backups.back_up(conn, db, 8))
        conn.close()
    kept = backups.backups_of(db)
    assert kept == [made[2], made[1]]
    assert not made[0].exists()
    assert len(backups.backups_of(other)) == 1


def test_no_upgrade_when_the_backup_cannot_be_written(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes in read-only folders")
    db = older_library(tmp_path / "library.sqlite3", version=9)
    folder = tmp_path / "backups"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(LibraryError, match="backup could not be written"):
            Library(db)
    finally:
        folder.chmod(0o700)
    assert rows(db, "PRAGMA user_version") == [(9,)]
    assert list(folder.iterdir()) == []


def test_a_failed_copy_leaves_no_partial_file(tmp_path: Path) -> None:
    db = older_library(tmp_path / "library.sqlite3", version=9)
    (tmp_path / "backups").write_text("a file where the folder should be")
    with pytest.raises(LibraryError, match="left as it was"):
        Library(db)
    assert rows(db, "PRAGMA user_version") == [(9,)]
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_no_copy_is_started_that_the_disk_cannot_hold(tmp_path: Path, monkeypatch) -> None:
    """A copy bigger than the free space is refused before a byte is written (a 20 GB
    library's copy would fill the disk first), saying how much it needs and what is free."""
    db = older_library(tmp_path / "library.sqlite3", version=9)
    free = backups.shutil.disk_usage(tmp_path).free
    monkeypatch.setattr(backups, "SPARE_BYTES", free)  # the copy can no longer fit
    with pytest.raises(LibraryError, match=r"backup needs \d+ MB and .* has [\d,.]+ [GM]B free"):
        Library(db)
    assert rows(db, "PRAGMA user_version") == [(9,)]
    assert list((tmp_path / "backups").iterdir()) == []
    monkeypatch.setattr(backups, "SPARE_BYTES", 0)
    Library(db).close()  # room again: upgraded, with its copy
    assert len(backups.backups_of(db)) == 1
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_an_upgrade_that_only_makes_indexes_again_takes_no_backup(tmp_path: Path) -> None:
    """Schema 14 only makes the title index again: a copy of the whole library first (95 s for
    8 GB, and as much disk) would guard nothing; an upgrade from 13 is done without one."""
    from reader.core.store import MIGRATIONS, Migration, needs_backup

    db = older_library(tmp_path / "library.sqlite3", version=13)
    before = rows(db, ARTICLES)
    Library(db).close()
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(db, ARTICLES) == before
    assert backups.backups_of(db) == []
    # Any pending migration that changes more than indexes still asks for one.
    assert needs_backup(11) and not needs_backup(13)
    later = (*MIGRATIONS, Migration(SCHEMA_VERSION + 1, "a new column", lambda conn: None))
    assert needs_backup(13, later)
    assert not needs_backup(0)  # a new library: nothing to keep
