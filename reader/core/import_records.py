"""The rows an import writes: its articles, its source's row, and the sections it writes to."""

from __future__ import annotations

import json
import sqlite3
from itertools import chain
from pathlib import Path

from reader.core.fix_ops import TEXT_COLUMNS
from reader.core.libfile import process_owner
from reader.core.store import INTERRUPTED, Library, now_utc, reconcile_interrupted

# A row's text columns as every writer of articles orders them, then where it goes and whence.
_COLUMNS = (
    *TEXT_COLUMNS,
    "section_id",
    "section_reason",
    "section_by_user",
    "source_id",
    "added_at",
)
# Rows per INSERT statement. Each statement that runs triggers (the counts', the index's) opens
# a statement savepoint and closes it, and each execution costs a VDBE reset and a round of
# binding: per row, that was a third of the articles' INSERT time. 16 rows per statement
# (224 parameters, well under SQLite's oldest limit of 999): the 300 MB dump's 63,915 rows took
# 1.80-2.33 s of the writer's CPU instead of 2.79-3.54 s (3 interleaved pairs); 32 or 64 rows
# gained nothing more.
ROWS_PER_INSERT = 16


def _insert_sql(rows: int) -> str:
    one = "(" + ", ".join(["?"] * len(_COLUMNS)) + ")"
    values = ", ".join([one] * rows)
    return f"INSERT OR IGNORE INTO articles ({', '.join(_COLUMNS)}) VALUES {values}"


_INSERT = _insert_sql(1)
_INSERT_MANY = _insert_sql(ROWS_PER_INSERT)


def insert_articles(lib: Library, rows: list[tuple[object, ...]]) -> int:
    """Insert ``rows`` (in _COLUMNS' order, in order) unless their fingerprint is stored;
    how many were inserted. ROWS_PER_INSERT rows per statement, the rest one by one."""
    conn = lib.conn
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    inserted = 0
    if whole:
        flat = chain.from_iterable
        params = [
            tuple(flat(rows[i : i + ROWS_PER_INSERT])) for i in range(0, whole, ROWS_PER_INSERT)
        ]
        inserted += conn.executemany(_INSERT_MANY, params).rowcount
    if whole < len(rows):
        inserted += conn.executemany(_INSERT, rows[whole:]).rowcount
    return inserted


def begin_source(lib: Library, path: Path, size: int) -> tuple[int, int]:
    """(the file's row in ``sources``, the articles it holds already): a new row, or the one an
    interrupted import of the same file left.

    Resuming keeps one row per file: articles the interrupted run stored come back as
    duplicates and are counted as this row's own, so the totals come out as if the import had
    never stopped.
    """
    conn = lib.conn
    reconcile_interrupted(conn)  # a run killed since the library was opened
    where = str(path.absolute())
    owner = process_owner()
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute(
            "SELECT id, new_count FROM sources WHERE path = ? AND status = 'cancelled' "
            "AND error LIKE ? ORDER BY id DESC LIMIT 1",
            (where, INTERRUPTED + "%"),
        ).fetchone()
        if row is not None:
            conn.execute(
                "UPDATE sources SET status = 'running', error = NULL, finished_at = NULL, "
                "owner = ?, size = ?, imported_at = ? WHERE id = ?",
                (owner, size, now_utc(), row[0]),
            )
            source = (int(row[0]), int(row[1]))
        else:
            cur = conn.execute(
                "INSERT INTO sources (path, name, size, imported_at, status, owner) "
                "VALUES (?, ?, ?, ?, 'running', ?)",
                (where, path.name or str(path), size, now_utc(), owner),
            )
            assert cur.lastrowid is not None
            source = (cur.lastrowid, 0)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return source


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


class SectionIds:
    """Each section name's id, cached across an import's batches.

    The reader may delete or rename a section while an import runs: ids cached from earlier
    batches are checked against the table (one query) and a missing one is looked up again by
    name, or the section made again, inside the batch's transaction: no foreign key can fail.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def __call__(self, conn: sqlite3.Connection, names: set[str]) -> dict[str, int]:
        cached = [self._ids[k] for k in {_key(n) for n in names} if k in self._ids]
        alive = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM sections WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(cached),),
            )
        }
        out = {}
        for name in names:
            key = _key(name)
            sid = self._ids.get(key)
            if sid is None or sid not in alive:
                clean = " ".join(name.split())
                row = conn.execute("SELECT id FROM sections WHERE name = ?", (clean,)).fetchone()
                if row is None:
                    row = conn.execute(
                        "INSERT INTO sections (name, position) "
                        "SELECT ?, COALESCE(MAX(position), -1) + 1 FROM sections RETURNING id",
                        (clean,),
                    ).fetchone()
                sid = self._ids[key] = row[0]
                alive.add(sid)
            out[name] = sid
        return out
