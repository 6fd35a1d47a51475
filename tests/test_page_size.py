"""A new library's page size (store.PAGE_SIZE); a library made with another size keeps it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.importing import import_file
from reader.core.store import PAGE_SIZE, Library
from tests.test_importing import many_articles


def _page_size(path: Path) -> int:
    with path.open("rb") as f:
        header = f.read(100)
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def test_a_new_library_is_made_with_the_larger_pages(tmp_path):
    db = tmp_path / "lib.sqlite3"
    Library(db).close()
    assert PAGE_SIZE != 4096  # else this test would not tell anything
    assert _page_size(db) == PAGE_SIZE


def test_an_empty_file_becomes_a_library_with_the_larger_pages(tmp_path):
    db = tmp_path / "lib.sqlite3"
    db.touch()  # as a file manager's "new file" leaves it
    Library(db).close()
    assert _page_size(db) == PAGE_SIZE


def test_a_library_made_with_smaller_pages_keeps_them_and_takes_imports(tmp_path):
    db = tmp_path / "lib.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("VACUUM")  # an earlier Dispatch's library: SQLite's default size
    conn.close()
    with Library(db) as lib:
        import_file(lib, many_articles(tmp_path / "a.txt", 300))
        ids = lib.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Tessford'"
        ).fetchall()
        assert len(ids) == 60
        assert lib.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        assert lib.integrity_ok()
    assert _page_size(db) == 4096
    with Library(db) as lib:  # and opens again as it is
        assert lib.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 300
