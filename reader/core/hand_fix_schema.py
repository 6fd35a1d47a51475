"""Schema 13: the reader's hand fixes (reader.core.hand_fixes) and the dumps' copies
(reader.core.dump_copies).

Kept apart from both (store.py applies it) so that opening a library imports neither: the
window's start needs no hashing.
"""

from __future__ import annotations

import sqlite3

# v13 (see store.MIGRATIONS): the fixes, and a compressed copy of each imported dump
# (reader.core.dump_copies) for re-parsing it later. Fixes have no foreign key to their source:
# importing the dump again after its source was removed still applies them.
_TABLES = [
    """CREATE TABLE hand_fixes (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('split', 'join', 'title')),
        anchor TEXT NOT NULL,
        anchor_len INTEGER NOT NULL,
        context TEXT,
        old_title TEXT,
        new_title TEXT,
        source_id INTEGER,
        made_at TEXT NOT NULL
    )""",
    """CREATE TABLE dump_copies (
        source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
        codec TEXT NOT NULL,
        raw_size INTEGER NOT NULL,
        stored_size INTEGER NOT NULL,
        digest TEXT NOT NULL,
        layout TEXT,
        stored_at TEXT NOT NULL
    )""",
    """CREATE TABLE dump_chunks (
        source_id INTEGER NOT NULL REFERENCES dump_copies(source_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (source_id, seq)
    )""",
]


def migrate_hand_fixes(conn: sqlite3.Connection) -> None:
    for statement in _TABLES:
        conn.execute(statement)
