"""A damaged library: set it aside (never deleted), copy what SQLite can still read into a new one.

SQLite reports damage as "database disk image is malformed" when a read reaches a bad page. The
file is renamed ``NAME.damaged-YYYYMMDD-HHMMSS`` (its -wal and -shm with it, since the log may
hold committed articles), a new library takes its place, and :func:`recover` copies the damaged
file's readable rows into it, one by one where whole ranges fail, so that a few bad pages cost
only the articles on them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.core.libfile import LibraryError, ro_uri
from reader.core.store import FALLBACK_SECTION, INTERRUPTED, Library

log = logging.getLogger(__name__)

DAMAGED_INFIX = ".damaged-"
_RANGE = 500  # rows read per query before falling back to one at a time
_COMMIT_EVERY = 2000
_PROBE_MISSES = 5000  # ids in a row with no row before probing stops


@dataclass(frozen=True)
class Recovered:
    """What :func:`recover` copied, and what it knows it could not."""

    articles: int
    duplicates: int  # already in the library recovered into
    unreadable: int  # article rows known to exist that SQLite could not read
    sections: int
    sources: int
    saved_searches: int

    def summary(self) -> str:
        text = f"{self.articles:,} article{'s' if self.articles != 1 else ''} recovered"
        if self.duplicates:
            text += f", {self.duplicates:,} already in the library"
        if self.unreadable:
            text += f", {self.unreadable:,} could not be read"
        return text


def set_aside(path: Path) -> Path:
    """Rename a damaged library out of the way (with its -wal and -shm); the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest = path.with_name(f"{path.name}{DAMAGED_INFIX}{stamp}")
    n = 2
    while dest.exists():
        dest = path.with_name(f"{path.name}{DAMAGED_INFIX}{stamp}-{n}")
        n += 1
    try:
        os.replace(path, dest)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{dest}{suffix}"))
    except OSError as e:
        raise LibraryError(
            f"{path.name} is damaged and could not be set aside ({e.strerror}); "
            f"move it away yourself, then run: dispatch recover --db {path} FILE"
        ) from e
    log.info("damaged library %s set aside as %s", path, dest)
    return dest


def damaged_copies(path: Path) -> list[Path]:
    """The damaged files set aside from the library at ``path``, newest first."""
    prefix = path.name + DAMAGED_INFIX
    found = [
        p
        for p in path.parent.glob(f"{path.name}{DAMAGED_INFIX}*")
        if p.name.startswith(prefix) and not p.name.endswith(("-wal", "-shm"))
    ]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(ro_uri(path, immutable=False), uri=True, timeout=5.0)
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error:
        conn.close()
        conn = sqlite3.connect(ro_uri(path, immutable=True), uri=True, timeout=5.0)
    # Damage can leave bytes that are not UTF-8 in a text column: keep what decodes.
    conn.text_factory = lambda b: b.decode("utf-8", "replace")
    return conn


def _claimed_size(path: Path) -> int:
    """The size the file's header says it has (0 when it does not say)."""
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or header[24:28] != header[92:96]:
        return 0
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    return int.from_bytes(header[28:32], "big") * page_size


@contextlib.contextmanager
def _readable(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the damaged file, through a padded copy if it was cut short.

    SQLite refuses every read of a file shorter than its header says, the schema included;
    padded with zeros to that size, only the lost pages fail.
    """
    claimed = _claimed_size(path)
    if claimed <= path.stat().st_size:
        conn = _connect(path)
        try:
            yield conn
        finally:
            conn.close()
        return
    with tempfile.TemporaryDirectory(prefix="dispatch-recover-") as folder:
        copy = Path(folder) / "padded.sqlite3"
        shutil.copyfile(path, copy)
        with copy.open("r+b") as f:
            f.truncate(claimed)
        for suffix in ("-wal",):
            side = Path(f"{path}{suffix}")
            if side.exists():
                shutil.copyfile(side, Path(f"{copy}{suffix}"))
        conn = _connect(copy)
        try:
            yield conn
        finally:
            conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    except sqlite3.DatabaseError:
        return []


def _scan_ids(conn: sqlite3.Connection, sql: str) -> tuple[set[int], bool]:
    """Ids a query yields until it meets a bad page; (ids, whether it got to the end)."""
    ids: set[int] = set()
    try:
        for (i,) in conn.execute(sql):
            if isinstance(i, int):
                ids.add(i)
    except sqlite3.DatabaseError:
        return ids, False
    return ids, True


def _candidate_ids(conn: sqlite3.Connection, table: str, indexes: Iterable[str]) -> set[int]:
    """Row ids of ``table`` found by its own b-tree and by every index that can still be read.

    Where the table's scan stops at a bad page, the ids the indexes know beyond it are looked
    up one by one: a lookup by id takes another path through the tree and may reach them.
    """
    ids, complete = _scan_ids(conn, f"SELECT id FROM {table} ORDER BY id")
    for index in indexes:
        more, _ = _scan_ids(conn, f"SELECT id FROM {table} INDEXED BY {index}")
        ids |= more
    if not complete:
        ids |= _probe(conn, table, ids)
    return ids


def _probe(conn: sqlite3.Connection, table: str, known: set[int]) -> set[int]:
    """Ids found by looking each one up, from 1 to past the highest known id: every id up to
    that (a row may hide behind a bad page), then on until _PROBE_MISSES in a row are absent."""
    top = max(known, default=0)
    found: set[int] = set()
    misses = 0
    i = 1
    while i <= top or misses < _PROBE_MISSES:
        if i in known:
            misses = 0
        else:
            try:
                hit = conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (i,)).fetchone()
            except sqlite3.DatabaseError:
                hit = i <= top  # behind a bad page: counted as unreadable within the known ids
            if hit:
                found.add(i)
                misses = 0
            else:
                misses += 1
        i += 1
    return found


def _rows(
    conn: sqlite3.Connection, table: str, columns: list[str], ids: set[int]
) -> Iterator[tuple | None]:
    """Each id's row (None when it cannot be read; nothing for an id with no row)."""
    cols = ", ".join(columns)
    ordered = sorted(ids)
    for start in range(0, len(ordered), _RANGE):
        chunk = ordered[start : start + _RANGE]
        try:
            rows = conn.execute(
                f"SELECT {cols} FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id",
                (chunk[0], chunk[-1]),
            ).fetchall()
        except sqlite3.DatabaseError:
            rows = None
        if rows is not None:
            wanted = set(chunk)
            yield from (r for r in rows if r[0] in wanted)
            continue
        for i in chunk:
            try:
                row = conn.execute(f"SELECT {cols} FROM {table} WHERE id = ?", (i,)).fetchone()
            except sqlite3.DatabaseError:
                yield None
                continue
            if row is not None:
                yield row


def _indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (table,),
            )
        ]
    except sqlite3.DatabaseError:
        return []


def _copy_sections(src: sqlite3.Connection, lib: Library) -> tuple[dict[int, int], int]:
    """Old section id -> the library's section of the same name (made when missing)."""
    mapping: dict[int, int] = {}
    made = 0
    cols = _columns(src, "sections")
    if "name" not in cols:
        return mapping, made
    for row in _rows(src, "sections", ["id", "name"], _candidate_ids(src, "sections", [])):
        if row is None or not isinstance(row[1], str) or not row[1].strip():
            continue
        before = lib.section_id(row[1])
        mapping[row[0]] = lib.ensure_section(row[1])
        made += before is None
    return mapping, made


def _copy_sources(src: sqlite3.Connection, lib: Library) -> dict[int, int]:
    keep = [c for c in _columns(src, "sources") if c in set(_columns(lib.conn, "sources"))]
    if "id" not in keep or "path" not in keep:
        return {}
    mapping: dict[int, int] = {}
    fields = [c for c in keep if c not in ("id", "owner")]
    with lib.conn:
        for row in _rows(src, "sources", keep, _candidate_ids(src, "sources", [])):
            if row is None:
                continue
            values = dict(zip(keep, row, strict=True))
            if values.get("status") == "running":
                values["status"], values["error"] = "cancelled", INTERRUPTED
            try:
                cur = lib.conn.execute(
                    f"INSERT INTO sources ({', '.join(fields)}) "
                    f"VALUES ({', '.join('?' for _ in fields)})",
                    [values[c] for c in fields],
                )
            except sqlite3.IntegrityError:
                continue  # a row damaged into nonsense
            if cur.lastrowid is not None:
                mapping[values["id"]] = cur.lastrowid
    return mapping


def recover(
    damaged: Path,
    lib: Library,
    progress: Callable[[int, int], None] | None = None,
) -> Recovered:
    """Copy every readable article (with its section, source, read and star state) into ``lib``.

    Articles already in ``lib`` (same fingerprint) are counted, not copied twice, so recovering
    into a library that has been used since, or twice, is safe. Saved searches come along.
    """
    with _readable(damaged) as src:
        sections, made = _copy_sections(src, lib)
        sources = _copy_sources(src, lib)
        fallback = lib.ensure_section(FALLBACK_SECTION)
        theirs = _columns(src, "articles")
        ours = set(_columns(lib.conn, "articles"))
        keep = ["id", *[c for c in theirs if c in ours and c != "id"]]
        if "fingerprint" not in keep or "title" not in keep:
            return Recovered(0, 0, 0, made, len(sources), 0)
        ids = _candidate_ids(src, "articles", _indexes(src, "articles"))
        fields = keep[1:]
        insert = (
            f"INSERT OR IGNORE INTO articles ({', '.join(fields)}) "
            f"VALUES ({', '.join('?' for _ in fields)})"
        )
        copied = dupes = unreadable = done = 0
        conn = lib.conn
        _begin(conn)
        try:
            for row in _rows(src, "articles", keep, ids):
                done += 1
                if row is None:
                    unreadable += 1
                    continue
                values = dict(zip(keep, row, strict=True))
                values["section_id"] = sections.get(values.get("section_id") or 0, fallback)
                values["source_id"] = sources.get(values.get("source_id") or 0)
                try:
                    cur = conn.execute(insert, [values[c] for c in fields])
                except (sqlite3.IntegrityError, sqlite3.InterfaceError):
                    unreadable += 1  # damaged into values no article can have
                    continue
                if cur.rowcount:
                    copied += 1
                else:
                    dupes += 1
                if done % _COMMIT_EVERY == 0:
                    _commit(conn)
                    _begin(conn)
                    if progress is not None:
                        progress(done, len(ids))
            _commit(conn)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.rollback()
            raise
        searches = _copy_saved_searches(src, lib)
    if progress is not None:
        progress(len(ids), len(ids))
    return Recovered(copied, dupes, unreadable, made, len(sources), searches)


def _begin(conn: sqlite3.Connection) -> None:
    """A batch whose articles are indexed for search in one step at its commit (as an import
    does: several times faster than the trigger's one row at a time)."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO fts_deferred (flag) VALUES (1)")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS recovery_mark (last INTEGER)")
    conn.execute("DELETE FROM recovery_mark")
    conn.execute("INSERT INTO recovery_mark SELECT COALESCE(MAX(id), 0) FROM articles")


def _commit(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body) "
        "SELECT id, title, summary, body FROM articles "
        "WHERE id > (SELECT last FROM recovery_mark)"
    )
    conn.execute("DELETE FROM fts_deferred")
    conn.commit()


def _copy_saved_searches(src: sqlite3.Connection, lib: Library) -> int:
    ours = set(_columns(lib.conn, "saved_searches"))
    keep = [c for c in _columns(src, "saved_searches") if c in ours]
    if "name" not in keep or "query" not in keep:
        return 0
    fields = [c for c in keep if c != "id"]
    copied = 0
    with lib.conn:
        for row in _rows(src, "saved_searches", keep, _candidate_ids(src, "saved_searches", [])):
            if row is None:
                continue
            values = dict(zip(keep, row, strict=True))
            with contextlib.suppress(sqlite3.IntegrityError):
                cur = lib.conn.execute(
                    f"INSERT OR IGNORE INTO saved_searches ({', '.join(fields)}) "
                    f"VALUES ({', '.join('?' for _ in fields)})",
                    [values[c] for c in fields],
                )
                copied += cur.rowcount
    return copied
