"""sqlite-utils and Datasette find the full-text index of a real library (schema 10).

The commands run as a user runs them: the sqlite-utils CLI in a subprocess, on a library the
real importer filled, after a real upgrade from schema 9.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from reader.core import fts_schema
from reader.core.search import WEIGHTS, search
from reader.core.store import Library
from tests.library_files import imported_library, older_library

QUERIES = ("harbour", "storm OR court", "sea level", "caf*", "minister -election", "cafe")


def sqlite_utils(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("sqlite-utils")
    command = [str(exe)] if exe.exists() else [shutil.which("sqlite-utils") or "sqlite-utils"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def declaration(conn: sqlite3.Connection) -> str:
    sql = "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
    return conn.execute(sql).fetchone()[0]


def results(conn: sqlite3.Connection) -> dict[str, list[tuple[int, float | None]]]:
    """Dispatch's own search, ranked and by date, for every query."""
    lib = SimpleNamespace(conn=conn)
    found = {}
    for q in QUERIES:
        for order in ("rank", "date"):
            page = search(lib, q, order=order, limit=200)  # type: ignore[arg-type]
            found[f"{q} {order}"] = [(h.id, h.score and round(h.score, 9)) for h in page.hits]
    return found


def titles_with(db: Path, word: str) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT title FROM articles WHERE title || summary || body LIKE ?", (f"%{word}%",)
        )
        return {r[0] for r in rows}
    finally:
        conn.close()


def test_sqlite_utils_search_finds_the_articles_of_an_imported_library(tmp_path: Path) -> None:
    db = imported_library(tmp_path / "library.sqlite3")
    done = sqlite_utils("search", str(db), "articles", "harbour", "-c", "id", "-c", "title")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows, "no article found"
    assert {r["title"] for r in rows} == titles_with(db, "arbour")
    # Ranked with Dispatch's weights: a title match comes before body-only matches.
    conn = sqlite3.connect(db)
    try:
        ranked = conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'harbour'"
            " ORDER BY bm25(articles_fts, ?, ?, ?)",
            WEIGHTS,
        ).fetchall()
    finally:
        conn.close()
    assert [r["id"] for r in rows] == [r[0] for r in ranked]

    tables = sqlite_utils("tables", str(db), "--fts5")
    assert tables.returncode == 0, tables.stderr
    assert json.loads(tables.stdout) == [{"table": "articles_fts"}]


def test_detection_as_sqlite_utils_and_datasette_do_it(tmp_path: Path) -> None:
    sqlite_utils_db = pytest.importorskip("sqlite_utils")
    db = imported_library(tmp_path / "library.sqlite3")
    assert sqlite_utils_db.Database(db)["articles"].detect_fts() == "articles_fts"
    # Datasette's detect_fts_sql (datasette/utils/__init__.py), which is not a test dependency.
    datasette_sql = """
        select name from sqlite_master where rootpage = 0 and (
            sql like '%VIRTUAL TABLE%USING FTS%content="{table}"%'
            or sql like '%VIRTUAL TABLE%USING FTS%content=[{table}]%'
            or (tbl_name = "{table}" and sql like '%VIRTUAL TABLE%USING FTS%'))
    """.format(table="articles")
    conn = sqlite3.connect(db)
    try:
        assert conn.execute(datasette_sql).fetchall() == [("articles_fts",)]
    finally:
        conn.close()


@pytest.mark.parametrize("edit_in_place", [True, False], ids=["edited", "made-again"])
def test_upgrade_keeps_every_search_result(tmp_path: Path, edit_in_place: bool) -> None:
    db = older_library(tmp_path / "library.sqlite3", version=9)
    conn = sqlite3.connect(db, isolation_level=None)
    before = results(conn)
    assert sum(map(len, before.values())) > 20  # the queries find something
    assert not fts_schema.declared_for_tools(declaration(conn))
    assert sqlite_utils("search", str(db), "articles", "harbour").returncode != 0

    if edit_in_place:
        conn.close()
        Library(db).close()  # the real upgrade at open
        conn = sqlite3.connect(db, isolation_level=None)
    else:  # what an SQLite that refuses schema edits gets
        conn.execute("BEGIN IMMEDIATE")
        fts_schema.migrate_fts_declaration(conn, edit_in_place=False)
        conn.execute("COMMIT")
    try:
        sql = declaration(conn)
        assert 'content="articles"' in sql
        assert "tokenize='porter unicode61 remove_diacritics 2'" in sql
        config = dict(conn.execute("SELECT k, v FROM articles_fts_config").fetchall())
        assert config["rank"] == "bm25({}, {}, {})".format(*WEIGHTS)
        assert config["automerge"] == 16 and config["hashsize"] == 8 * 1024 * 1024
        assert results(conn) == before
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    assert sqlite_utils("search", str(db), "articles", "harbour").returncode == 0


def test_the_index_follows_edits_after_the_upgrade(tmp_path: Path) -> None:
    db = older_library(tmp_path / "library.sqlite3", version=9)
    with Library(db) as lib:
        conn = lib.conn
        with conn:
            conn.execute("UPDATE articles SET title = 'Zebra crossing' WHERE id = 1")
        hits = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'zebra'")
        assert hits.fetchall() == [(1,)]
        with conn:
            conn.execute("DELETE FROM articles WHERE id = 1")
        assert lib.integrity_ok()
