"""Schema 11: the Trash (``articles.deleted_at``) and removed sources (``sources.removed_at``).

Kept apart from :mod:`reader.core.store`, which applies it as migration 11, to keep that file
small.
"""

from __future__ import annotations

import sqlite3

# v11: the Trash. A deleted article keeps its row (and its full-text entry) with ``deleted_at``
# set: deleting and undoing 100,000 articles is an UPDATE (about a second), where moving rows out
# and back re-indexes their text (13 s each way, measured). Views, counts and search leave
# trashed articles out; the counts' triggers weigh each article by whether it is live.
# ``sources.removed_at``: a file removed with its articles leaves the sidebar but stays
# restorable with them (Ctrl+Z) until the Trash is emptied.
_LIVE_DELTA = """
    INSERT INTO section_counts (section_id, articles, unread, starred, starred_unread)
    VALUES ({r}.section_id, {sign}({r}.deleted_at IS NULL),
            {sign}({r}.deleted_at IS NULL AND {r}.read = 0),
            {sign}({r}.deleted_at IS NULL AND {r}.starred = 1),
            {sign}({r}.deleted_at IS NULL AND {r}.starred = 1 AND {r}.read = 0))
    ON CONFLICT (section_id) DO UPDATE SET
        articles = articles + excluded.articles,
        unread = unread + excluded.unread,
        starred = starred + excluded.starred,
        starred_unread = starred_unread + excluded.starred_unread;"""
_V10 = [
    "ALTER TABLE articles ADD COLUMN deleted_at TEXT",
    "CREATE INDEX articles_deleted ON articles (deleted_at, id) WHERE deleted_at IS NOT NULL",
    "ALTER TABLE sources ADD COLUMN removed_at TEXT",
    "DROP TRIGGER section_counts_insert",
    "DROP TRIGGER section_counts_delete",
    "DROP TRIGGER section_counts_update",
    "CREATE TRIGGER section_counts_insert AFTER INSERT ON articles"
    " WHEN new.deleted_at IS NULL BEGIN" + _LIVE_DELTA.format(r="new", sign="") + " END",
    "CREATE TRIGGER section_counts_delete AFTER DELETE ON articles"
    " WHEN old.deleted_at IS NULL BEGIN" + _LIVE_DELTA.format(r="old", sign="-") + " END",
    "CREATE TRIGGER section_counts_update"
    " AFTER UPDATE OF read, starred, section_id, deleted_at ON articles"
    " WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred"
    " OR old.section_id IS NOT new.section_id OR old.deleted_at IS NOT new.deleted_at BEGIN"
    + _LIVE_DELTA.format(r="old", sign="-")
    + _LIVE_DELTA.format(r="new", sign="")
    + " END",
]


def migrate_trash(conn: sqlite3.Connection) -> None:
    for statement in _V10:
        conn.execute(statement)
