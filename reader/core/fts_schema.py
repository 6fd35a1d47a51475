"""The full-text index declared so that outside tools find it (schema 10).

sqlite-utils (``search``, ``Table.detect_fts``) and Datasette find a table's FTS index by looking
for ``content="articles"`` or ``content=[articles]`` in the virtual table's CREATE statement;
Dispatch's first schema wrote ``content='articles'``, which means the same to SQLite but which
they do not recognise ("Table 'articles' is not configured for full-text search").

FTS5 reads its options when a connection first uses the table, and both quotings give it the
same string, so the index itself needs no change: only the text of the declaration does. That
is one row of ``sqlite_master``, edited the way SQLite documents for changes that leave the
file's content as it is (``PRAGMA writable_schema``, then a new ``schema_version``): instant on
a library of any size. An SQLite built to refuse that (``SQLITE_DBCONFIG_DEFENSIVE``) gets the
index made again under the new declaration instead, its options (tokenizer, merge settings)
kept; that reads every article, about 30 s a million.

The migration also sets the index's default rank to Dispatch's column weights, so that tools
that order by FTS5's ``rank`` (sqlite-utils, Datasette) rank as the window does.
"""

from __future__ import annotations

import logging
import re
import sqlite3

log = logging.getLogger(__name__)

#: bm25 with Dispatch's weights (title, summary, body); the same as reader.core.search.WEIGHTS.
RANK = "bm25(10.0, 4.0, 1.0)"
_OLD = re.compile(r"content\s*=\s*'articles'")
_NEW = 'content="articles"'
# The options FTS5 keeps in articles_fts_config that are ours to carry over ('version' is its own).
_CARRIED = ("hashsize", "automerge", "crisismerge", "usermerge", "pgsz", "rank")


def _declaration(conn: sqlite3.Connection) -> str:
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'"
    ).fetchone()
    return row[0] if row else ""


def declared_for_tools(sql: str) -> bool:
    """Whether sqlite-utils' and Datasette's detection finds this declaration."""
    return _NEW in sql or "content=[articles]" in sql


def migrate_fts_declaration(conn: sqlite3.Connection, edit_in_place: bool = True) -> None:
    """Schema 10: ``content="articles"`` in the index's declaration, and Dispatch's rank.

    Runs inside the migration's transaction. ``edit_in_place=False`` makes the index again
    (what an SQLite that refuses schema edits gets; the tests use it to check that path too).
    """
    sql = _declaration(conn)
    if not declared_for_tools(sql):
        fixed = _OLD.sub(_NEW, sql, count=1)
        if not declared_for_tools(fixed):
            raise sqlite3.DatabaseError(f"unexpected declaration of articles_fts: {sql}")
        if not (edit_in_place and _edit_declaration(conn, fixed)):
            _remake(conn, fixed)
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', ?)", (RANK,))


def _edit_declaration(conn: sqlite3.Connection, fixed: str) -> bool:
    """Rewrite the CREATE statement in sqlite_master; False when this SQLite refuses."""
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'articles_fts'",
            (fixed,),
        )
    except sqlite3.DatabaseError as e:  # "table sqlite_master may not be modified"
        log.info("declaration of articles_fts not edited in place (%s): making it again", e)
        return False
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    # Every connection, this one included, reads the schema again.
    conn.execute(f"PRAGMA schema_version = {int(version) + 1}")
    return True


def _remake(conn: sqlite3.Connection, fixed: str) -> None:
    """Drop the index and make it again from the articles under the new declaration."""
    marks = ",".join("?" * len(_CARRIED))
    kept = conn.execute(
        f"SELECT k, v FROM articles_fts_config WHERE k IN ({marks})", _CARRIED
    ).fetchall()
    conn.execute("DROP TABLE articles_fts")
    conn.execute(fixed)
    for key, value in kept:
        conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES (?, ?)", (key, value))
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
