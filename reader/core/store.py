"""The library: one SQLite file, a versioned schema, full-text search kept in step.

Schema contract: /work/notes/SCHEMA.md. Migrations are plain functions recorded in
``schema_migrations`` and mirrored in ``PRAGMA user_version``; a library written by a newer Dispatch
is refused before anything is written to it. One ``Library`` per thread: SQLite connections are not
shared across threads, so a worker opens its own.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from reader.core.backups import back_up
from reader.core.fts_schema import migrate_fts_declaration
from reader.core.guessed_dates import forget_guessed_years
from reader.core.hand_fix_schema import migrate_hand_fixes
from reader.core.journal_modes import use_wal
from reader.core.libfile import (
    Identity,
    LibraryDamaged,
    LibraryError,
    check_writable,
    full_check,
    identify,
    is_corruption,
    owner_alive,
    plain_error,
    ro_uri,
)
from reader.core.sort_orders import add_sort_indexes, widen_title_index
from reader.core.trash_schema import migrate_trash

log = logging.getLogger(__name__)

DEFAULT_SECTIONS = (
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Sport",
    "Culture",
    "Other",
)
FALLBACK_SECTION = "Other"
#: ``articles.section_reason`` of an article the reader moved by hand.
MOVED_REASON = "Moved by you"
FTS_HASHSIZE = 8 * 1024 * 1024
# FTS5 merges a level's segments once it holds this many (default 4). At 16 an import writes
# about a quarter less (100 MB dump: 529 -> 393 MB) and searches took as long (21,000 articles,
# ten queries: within noise).
FTS_AUTOMERGE = 16
WAL_SIZE_LIMIT = 64 * 1024 * 1024
# A new library's pages (SQLite's: 4 KiB; one keeps its own): a 300 MB import 15-19 s, not 16-20.
PAGE_SIZE = 16 * 1024


def default_library_path() -> Path:
    import platformdirs  # here, not at the top: only the default path needs it (7 ms to import)

    return Path(platformdirs.user_data_dir("Dispatch")) / "library.sqlite3"


def now_utc() -> str:
    """UTC time in the library's text format, which sorts as time: 'YYYY-MM-DD HH:MM:SS.SSS'."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


# --- schema ---------------------------------------------------------------------------------

_V1 = [
    """CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        position INTEGER NOT NULL
    )""",
    """CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER,
        imported_at TEXT NOT NULL,
        finished_at TEXT,
        new_count INTEGER NOT NULL DEFAULT 0,
        duplicate_count INTEGER NOT NULL DEFAULT 0,
        skipped_count INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('running','done','cancelled','failed')),
        error TEXT
    )""",
    """CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        dateline TEXT,
        summary TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        section_id INTEGER NOT NULL REFERENCES sections(id),
        source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
        fingerprint TEXT NOT NULL UNIQUE,
        words INTEGER NOT NULL,
        added_at TEXT NOT NULL,
        published_at TEXT,
        read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0,1)),
        starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0,1)),
        section_reason TEXT,
        section_by_user INTEGER NOT NULL DEFAULT 0 CHECK (section_by_user IN (0,1))
    )""",
    "CREATE INDEX articles_added ON articles (added_at, id)",
    "CREATE INDEX articles_section_added ON articles (section_id, added_at, id)",
    "CREATE INDEX articles_section_read ON articles (section_id, read)",
    "CREATE INDEX articles_read_added ON articles (read, added_at, id)",
    "CREATE INDEX articles_starred_added ON articles (starred, added_at, id)",
    "CREATE INDEX articles_source_added ON articles (source_id, added_at, id)",
    "CREATE INDEX articles_title ON articles (title COLLATE NOCASE, id)",
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, summary, body,
        content='articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    # While the import pipeline holds a row here (only ever inside its own write transaction, so no
    # other connection can see it) it indexes its batch itself with one INSERT ... SELECT, which is
    # much faster than a trigger per row. Anyone else's insert is indexed by the trigger.
    "CREATE TABLE fts_deferred (flag INTEGER PRIMARY KEY CHECK (flag = 1))",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
        WHEN NOT EXISTS (SELECT 1 FROM fts_deferred)
        BEGIN
            INSERT INTO articles_fts (rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
        END""",
    # Only a change of indexed text re-indexes: marking read or starred must stay cheap.
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
            INSERT INTO articles_fts (rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
]


def _migrate_v1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)
    # FTS5 buffers this much new index in memory before writing a segment (default 1 MB).
    # Fewer, larger segments: an import writes about 15% less and merges less. An SQLite
    # without the option keeps its default, which works, only a little slower.
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,)
        )
    conn.executemany(
        "INSERT INTO sections (name, position) VALUES (?, ?)",
        [(name, i) for i, name in enumerate(DEFAULT_SECTIONS)],
    )


# v2: the reader's moves, kept as training examples (the text comes from the article itself), and
# which shipped section's knowledge each section carries, so that a renamed default ("Sport" ->
# "Sports") keeps sorting. Deleting an article or a section drops its examples.
_V2 = [
    """CREATE TABLE section_examples (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
        moved_at TEXT NOT NULL
    )""",
    "CREATE INDEX section_examples_section ON section_examples (section_id, moved_at)",
    "ALTER TABLE sections ADD COLUMN builtin TEXT",
    "CREATE UNIQUE INDEX sections_builtin ON sections (builtin)",
]


def _migrate_v2(conn: sqlite3.Connection) -> None:
    for statement in _V2:
        conn.execute(statement)
    conn.executemany(
        "UPDATE sections SET builtin = ? WHERE name = ?", [(n, n) for n in DEFAULT_SECTIONS]
    )


# v3: saved searches, shown as smart views in the sidebar (reader.core.search keeps them).
# An index on COALESCE(published_at, added_at) for before:/after: was measured on the 1M bench
# library and left out: 'the before:' 1.7 s -> 0.38 s, but the planner then prefers it to the
# starred index ('the is:starred before:' 0.26 s -> 0.92 s) and filter-only 'before:' got slower
# (1.5 s -> 2.4 s, it sorts the whole stretch by id).
_V3 = [
    """CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        query TEXT NOT NULL,
        scope TEXT,
        position INTEGER NOT NULL,
        created_at TEXT NOT NULL
    )""",
]


def _migrate_v3(conn: sqlite3.Connection) -> None:
    for statement in _V3:
        conn.execute(statement)


# v4: the sidebar's counts, kept by triggers. Counting a million articles takes 50-190 ms at every
# start (and again after each import); reading one row per section takes under a millisecond.
# Triggers rather than the application keep them right whoever edits the file (sqlite-utils,
# Datasette). Cost: a few microseconds per inserted, deleted or re-marked article.
_COUNT_DELTA = """
    INSERT INTO section_counts (section_id, articles, unread, starred, starred_unread)
    VALUES ({r}.section_id, {sign}1, {sign}({r}.read = 0), {sign}({r}.starred = 1),
            {sign}({r}.starred = 1 AND {r}.read = 0))
    ON CONFLICT (section_id) DO UPDATE SET
        articles = articles + excluded.articles,
        unread = unread + excluded.unread,
        starred = starred + excluded.starred,
        starred_unread = starred_unread + excluded.starred_unread;"""
_V4 = [
    """CREATE TABLE section_counts (
        section_id INTEGER PRIMARY KEY,
        articles INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        starred_unread INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE TRIGGER section_counts_insert AFTER INSERT ON articles BEGIN"
    + _COUNT_DELTA.format(r="new", sign="")
    + " END",
    "CREATE TRIGGER section_counts_delete AFTER DELETE ON articles BEGIN"
    + _COUNT_DELTA.format(r="old", sign="-")
    + " END",
    "CREATE TRIGGER section_counts_update AFTER UPDATE OF read, starred, section_id ON articles"
    " WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred"
    " OR old.section_id IS NOT new.section_id BEGIN"
    + _COUNT_DELTA.format(r="old", sign="-")
    + _COUNT_DELTA.format(r="new", sign="")
    + " END",
    """CREATE TRIGGER section_counts_section_deleted AFTER DELETE ON sections BEGIN
        DELETE FROM section_counts WHERE section_id = old.id;
    END""",
    """INSERT INTO section_counts (section_id, articles, unread, starred, starred_unread)
        SELECT section_id, count(*), sum(read = 0), sum(starred = 1),
               sum(starred = 1 AND read = 0)
        FROM articles GROUP BY section_id""",
]

#: What the maintained counts must equal (checked by :meth:`Library.integrity_ok`): articles
#: in the Trash (schema 11) count nowhere.
RECOUNT_SQL = """
    SELECT section_id, count(*), sum(read = 0), sum(starred = 1), sum(starred = 1 AND read = 0)
    FROM articles WHERE deleted_at IS NULL GROUP BY section_id ORDER BY section_id"""


def _migrate_v4(conn: sqlite3.Connection) -> None:
    for statement in _V4:
        conn.execute(statement)


def _migrate_v5(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', ?)", (FTS_AUTOMERGE,)
    )


# v6: which process runs an import ('running' sources), so that a later open can tell an import
# still running elsewhere from one whose process was killed (see reconcile_interrupted).
def _migrate_v6(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE sources ADD COLUMN owner TEXT")


# v7: who wrote an article and whether its title was made from its first sentence (the parser
# found no headline). published_at exists since v1; NULL title_derived means "not known" (articles
# imported before v7), which readers treat like 0.
_V7 = [
    "ALTER TABLE articles ADD COLUMN byline TEXT",
    "ALTER TABLE articles ADD COLUMN title_derived INTEGER",
]


def _migrate_v7(conn: sqlite3.Connection) -> None:
    for statement in _V7:
        conn.execute(statement)


# v8: why an import's parse looks doubtful ("3 articles look merged", a garbled encoding), so
# that the import log still says so after a restart. NULL when the parse looked sound.
def _migrate_v8(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE sources ADD COLUMN warning TEXT")


class Migration(NamedTuple):
    """One schema step. A named tuple, as InterruptedImport: a frozen dataclass ran its generated
    methods through the compiler at every start of the window (about 4M instructions each)."""

    version: int
    name: str
    apply: Callable[[sqlite3.Connection], None]
    # Only makes indexes again from the rows as they are: it cannot get the data wrong, and a
    # failed one rolls back, so it needs no backup (a copy of an 8 GB library took 95 s).
    indexes_only: bool = False


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, sections, sources, full-text index", _migrate_v1),
    Migration(2, "section training examples, built-in knowledge of sections", _migrate_v2),
    Migration(3, "saved searches", _migrate_v3),
    Migration(4, "sidebar counts kept by triggers", _migrate_v4),
    Migration(5, "full-text index merges in bigger steps", _migrate_v5),
    Migration(6, "the process that runs an import", _migrate_v6),
    Migration(7, "bylines and derived titles", _migrate_v7),
    Migration(8, "import warnings", _migrate_v8),
    Migration(9, "publication years once guessed are forgotten", forget_guessed_years),
    Migration(10, "full-text index declared for outside tools", migrate_fts_declaration),
    Migration(11, "the Trash, removed sources", migrate_trash),
    Migration(12, "an index for every order of every view", add_sort_indexes, indexes_only=True),
    Migration(13, "hand fixes of the parse, copies of imported dumps", migrate_hand_fixes),
    Migration(
        14, "the title order's index holds the date too", widen_title_index, indexes_only=True
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def needs_backup(version: int, migrations: Sequence[Migration] = MIGRATIONS) -> bool:
    """Whether upgrading a library of schema ``version`` changes more than its indexes."""
    return version > 0 and any(m.version > version and not m.indexes_only for m in migrations)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Bring the database up to the last migration; returns the versions applied.

    All pending migrations run in one transaction: SQLite's DDL is transactional, so a failure
    leaves the library exactly as it was.
    """
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise LibraryError(_newer_message(current, latest))
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated between our read and our lock.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        pending = [m for m in migrations if m.version > current]
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
        )
        for m in pending:
            m.apply(conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (m.version, m.name, now_utc()),
            )
            conn.execute(f"PRAGMA user_version = {int(m.version)}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return [m.version for m in pending]


def _newer_message(found: int, supported: int) -> str:
    return (
        f"This library was written by a newer version of Dispatch (schema {found}; this version "
        f"knows up to {supported}). Update Dispatch to open it; the file was left untouched."
    )


# --- the library ----------------------------------------------------------------------------


class Library:
    """An open library file. Not shared between threads: each thread opens its own.

    ``read_only`` opens without writing anything (a library on a read-only disk or owned by
    someone else can still be read and searched); otherwise the file must be writable.
    """

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser() if path is not None else default_library_path()
        self.read_only = read_only
        self.conn = _open_read_only(self.path) if read_only else _open(self.path)

    # context manager ---------------------------------------------------------------------------
    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            self.conn = None  # type: ignore[assignment]
            # A full disk or a damaged file can make even these fail: closing never raises.
            with contextlib.suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.rollback()
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    # queries -------------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def section_id(self, name: str) -> int | None:
        name = " ".join(name.split())
        row = self.conn.execute("SELECT id FROM sections WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def sections(self) -> list[tuple[int, str, int]]:
        return self.conn.execute(
            "SELECT id, name, position FROM sections ORDER BY position, id"
        ).fetchall()

    def ensure_section(self, name: str) -> int:
        """The id of section ``name`` (case-insensitive), created at the end of the list if new."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("a section needs a name")
        found = self.section_id(name)
        if found is not None:
            return found
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO sections (name, position) "
                "SELECT ?, COALESCE(MAX(position), -1) + 1 FROM sections",
                (name,),
            )
        assert cur.lastrowid is not None  # set by every INSERT
        return cur.lastrowid

    def integrity_ok(self) -> bool:
        """SQLite's own check plus the full-text index checked against the articles it mirrors.

        Reads every page of the file: seconds on a large library, so not for every open.
        """
        rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            return False
        try:
            # rank = 1 makes FTS5 compare the index with the external content table.
            self.conn.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError:
            if self.conn.in_transaction:
                self.conn.rollback()
            return False
        if self.conn.in_transaction:
            self.conn.commit()
        kept = self.conn.execute(
            "SELECT section_id, articles, unread, starred, starred_unread FROM section_counts"
            " WHERE articles != 0 OR unread != 0 OR starred != 0 OR starred_unread != 0"
            " ORDER BY section_id"
        ).fetchall()
        return kept == self.conn.execute(RECOUNT_SQL).fetchall()

    def damage(self) -> str | None:
        """SQLite's quick_check of the whole file: None when sound, else what is wrong.

        Reads every page (seconds on a big library): for when an error reported corruption.
        """
        return full_check(self.conn)

    def checkpoint(self) -> bool:
        """Fold the write-ahead log back into the file (after a big import); False if it could not.

        A checkpoint that fails (a full disk, a read-only log) loses nothing: the log keeps the
        committed data and SQLite folds it back at a later open.
        """
        if self.read_only:
            return False
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error as e:
            log.info("checkpoint of %s failed: %s", self.path, e)
            return False
        return True


def _refuse(path: Path, ident: Identity) -> None:
    """Raise the user's message for a file that is not a library to open; return for one that is."""
    if ident.kind == "not-sqlite":
        raise LibraryError(f"{path} is not a Dispatch library (not an SQLite database).")
    if ident.kind == "foreign":
        raise LibraryError(
            f"{path} is an SQLite database of another program, not a Dispatch library; "
            "it was left untouched."
        )
    if ident.kind == "newer":
        raise LibraryError(_newer_message(ident.version, SCHEMA_VERSION))
    if ident.kind == "damaged":
        raise LibraryDamaged(path, ident.detail)


def _open(path: Path) -> sqlite3.Connection:
    if path.is_dir():
        raise LibraryError(f"{path} is a folder, not a library file.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LibraryError(f"Cannot create the folder for the library {path}: {e.strerror}.") from e
    ident = identify(path, SCHEMA_VERSION)  # before anything writes, even journal_mode
    _refuse(path, ident)
    check_writable(path)
    try:
        conn = sqlite3.connect(str(path), timeout=5.0)
    except sqlite3.Error as e:
        raise LibraryError(f"Cannot open the library {path}: {e}.") from e
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA foreign_keys = ON")
        if ident.kind in ("missing", "empty"):  # fixed once the first page is written
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        mode = use_wal(conn)  # waits for an import that writes with a rollback journal
        if mode != "wal":
            raise LibraryError(f"Cannot use the library {path}: its journal could not be set up.")
        conn.execute("PRAGMA synchronous = NORMAL")
        # After a big import the write-ahead log is reset, not shrunk, unless told to.
        conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        if needs_backup(ident.version):  # an upgrade: a copy first (reader.core.backups)
            back_up(conn, path, ident.version)
        migrate(conn)
        _check_tables(conn, path)
        reconcile_interrupted(conn)
    except LibraryError:
        conn.close()
        raise
    except sqlite3.DatabaseError as e:
        conn.close()
        raise _open_error(path, e) from e
    return conn


def _open_error(path: Path, e: sqlite3.DatabaseError) -> LibraryError:
    if is_corruption(e):
        return LibraryDamaged(path, plain_error(e))
    text = str(e)
    if "readonly" in text or "read-only" in text:
        return LibraryError(f"Cannot write to the library {path}: it is read-only.")
    if "disk is full" in text or "disk I/O" in text:
        return LibraryError(f"Cannot write to the library {path}: {text} (is the disk full?).")
    return LibraryError(f"Cannot open the library {path}: {text}.")


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes: for searching a library the user cannot write to."""
    if path.is_dir():
        raise LibraryError(f"{path} is a folder, not a library file.")
    ident = identify(path, SCHEMA_VERSION)
    if ident.kind in ("missing", "empty"):
        raise LibraryError(f"There is no library at {path} yet.")
    _refuse(path, ident)
    if ident.version < SCHEMA_VERSION:
        raise LibraryError(
            f"{path} was written by an older Dispatch and must be upgraded, which needs write "
            "access to it."
        )
    try:
        conn = sqlite3.connect(ro_uri(path, immutable=False), uri=True, timeout=5.0)
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.OperationalError:
            conn.close()
            # A read-only folder with no -shm beside the file: SQLite can only read it as a
            # file nobody changes, which is what a read-only folder promises.
            if Path(f"{path}-wal").exists():
                raise
            conn = sqlite3.connect(ro_uri(path, immutable=True), uri=True, timeout=5.0)
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.DatabaseError as e:
        raise _open_error(path, e) from e
    return conn


def _check_tables(conn: sqlite3.Connection, path: Path) -> None:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = {"articles", "sections", "sources", "articles_fts"} - names
    if missing:
        raise LibraryError(
            f"{path} is an SQLite file but not a Dispatch library "
            f"(missing tables: {', '.join(sorted(missing))})."
        )


# --- imports whose process died -------------------------------------------------------------------

#: ``sources.error`` of an import that stopped before its end (killed, logged out, Ctrl-C).
INTERRUPTED = "interrupted"


def reconcile_interrupted(conn: sqlite3.Connection) -> int:
    """Mark 'running' imports whose process is gone as interrupted; how many were.

    Cheap (one small query) when there are none. A lock held by a running import only delays
    this to a later open.
    """
    try:
        rows = conn.execute("SELECT id, owner FROM sources WHERE status = 'running'").fetchall()
        dead = [(INTERRUPTED, sid) for sid, owner in rows if not owner_alive(owner)]
        if dead:
            with conn:
                conn.executemany(
                    "UPDATE sources SET status = 'cancelled', error = ?, owner = NULL "
                    "WHERE id = ? AND status = 'running'",
                    dead,
                )
    except sqlite3.OperationalError as e:  # busy, read-only: next time
        log.info("interrupted imports not reconciled now: %s", e)
        return 0
    return len(dead)


class InterruptedImport(NamedTuple):
    """An import that stopped before its end; importing ``path`` again resumes it."""

    source_id: int
    path: str
    name: str
    imported_at: str
    new_count: int
    error: str


def interrupted_imports(lib: Library) -> list[InterruptedImport]:
    """Imports whose process was killed or stopped (newest first), for offering 'Import again'."""
    rows = lib.conn.execute(
        "SELECT id, path, name, imported_at, new_count, error FROM sources "
        "WHERE status = 'cancelled' AND error LIKE ? ORDER BY id DESC",
        (INTERRUPTED + "%",),
    ).fetchall()
    return [InterruptedImport(*r) for r in rows]
