"""What a file at a library's path is, found without writing to it; whose import is running.

Kept apart from the store so that the checks can be read (and tested) on their own: nothing here
opens a file for writing, creates a -wal or -shm beside it, or knows the schema beyond the names
of the tables every library has.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Literal, NamedTuple

log = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLITE_READONLY_ROLLBACK: a read-only connection found a hot journal it may not roll back.
_READONLY_ROLLBACK = 776


class LibraryError(Exception):
    """A library that cannot be opened or used; the message is fit to show a user."""


class LibraryDamaged(LibraryError):
    """A library file SQLite cannot read whole: set it aside and recover (reader.core.recovery)."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path.name} is damaged ({detail}).")


# SQLite's primary result codes for a damaged file: SQLITE_CORRUPT, SQLITE_NOTADB.
_CORRUPT_CODES = (11, 26)


def is_corruption(error: BaseException) -> bool:
    """Does this SQLite error say the file is damaged (rather than busy, full or read-only)?"""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


Kind = Literal["missing", "empty", "library", "newer", "foreign", "not-sqlite", "damaged"]
# Tables every Dispatch library has had since its first schema.
_DISPATCH_TABLES = frozenset(
    {"articles", "sections", "sources", "articles_fts", "schema_migrations"}
)
# Small tables checked page by page at every open (milliseconds); the big ones are checked in
# full only when an error reports corruption (see store.Library.damage).
_SMALL_TABLES = ("schema_migrations", "sections", "sources", "section_counts", "saved_searches")


class Identity(NamedTuple):
    """What a file at the library's path is: a library to open, or why it must be refused.

    A named tuple: a frozen dataclass ran its generated methods through the compiler at every
    start of the window (about 4M instructions).
    """

    kind: Kind
    version: int = 0
    detail: str = ""


def identify(path: Path, known_version: int) -> Identity:
    """Tell a Dispatch library from anything else without writing a byte (nor a -wal beside it).

    Cheap enough for every open: the file's header, the schema, and the small tables' pages.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Identity("missing")
    except OSError as e:
        raise LibraryError(f"Cannot read the library {path}: {e.strerror}.") from e
    if size == 0:
        return Identity("empty")
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as e:
        raise LibraryError(f"Cannot read the library {path}: {e.strerror}.") from e
    if not header.startswith(_SQLITE_MAGIC[: len(header)]) or len(header) < len(_SQLITE_MAGIC):
        return Identity("not-sqlite")
    if len(header) < 100:
        return Identity("damaged", detail="the file is cut short")
    problem = _header_problem(header, size)
    if problem == "page size":
        return Identity("damaged", detail="its header is damaged")
    try:
        found = _read_schema(path, immutable=_unchanging(path, header))
    except sqlite3.DatabaseError as e:
        if _rollback_pending(e):
            # A rollback journal left by an import that was killed: the opening's first read
            # rolls it back. Until then the file's pages are not all of one moment: the names
            # tell what it is, not its pages' checks.
            found = _read_schema(path, immutable=True, check=False)
        elif not is_corruption(e):
            raise LibraryError(f"Cannot open the library {path}: {e}.") from e
        else:
            # Read again through SQLite's locks in case a checkpoint was writing under us.
            try:
                found = _read_schema(path, immutable=False)
            except sqlite3.DatabaseError as again:
                if is_corruption(again):
                    return Identity("damaged", detail=plain_error(again))
                raise LibraryError(f"Cannot open the library {path}: {again}.") from again
    version, names, bad_table = found
    if not names:
        return Identity("empty", version) if version == 0 else Identity("foreign", version)
    if version == 0 or not names >= _DISPATCH_TABLES:
        return Identity("foreign", version)
    if version > known_version:
        return Identity("newer", version)
    if bad_table:
        return Identity("damaged", version, f"its table {bad_table} is damaged")
    if problem:  # the file is shorter than its header says: SQLite's full check decides
        damage = _confirm_damage(path)
        if damage:
            return Identity("damaged", version, damage)
    return Identity("library", version)


def _header_problem(header: bytes, size: int) -> str | None:
    """'page size' for a header SQLite cannot use, 'size' for a file shorter than it says."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return "page size"
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the header's page count is only valid then
    if size % page_size or (counted and size < pages * page_size):
        return "size"
    return None


def _unchanging(path: Path, header: bytes) -> bool:
    """Whether the file can be read as immutable (no locks, nothing created beside it): a
    library in WAL mode with no log is changed by nobody. One in rollback-journal mode may be
    written in place by an import (reader.core.journal_modes): read through SQLite's locks,
    which in that mode create nothing beside it either."""
    return header[18:20] == b"\x02\x02" and not Path(f"{path}-wal").exists()


def _rollback_pending(error: sqlite3.DatabaseError) -> bool:
    return getattr(error, "sqlite_errorcode", None) == _READONLY_ROLLBACK


def ro_uri(path: Path, immutable: bool) -> str:
    return path.absolute().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")


def _read_schema(
    path: Path, immutable: bool, check: bool = True
) -> tuple[int, set[str], str | None]:
    """(user_version, table names, the first small table with damaged pages or None).

    ``immutable`` when there is no -wal: SQLite then reads the file alone and creates nothing
    beside it (another program's database must not even get a -shm).
    """
    conn = sqlite3.connect(ro_uri(path, immutable), uri=True, timeout=5.0)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 or not names >= _DISPATCH_TABLES or not check:
            return version, names, None
        for table in _SMALL_TABLES:
            if table in names:
                rows = conn.execute(f"PRAGMA quick_check({table})").fetchall()
                if rows != [("ok",)]:
                    return version, names, table
        return version, names, None
    finally:
        conn.close()


def plain_error(error: sqlite3.Error) -> str:
    text = str(error)
    if "malformed" in text or "not a database" in text:
        return "SQLite cannot read parts of it"
    return text


def full_check(conn: sqlite3.Connection) -> str | None:
    """PRAGMA quick_check over the whole file: None when sound, else its first findings."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as e:
        if is_corruption(e):
            return plain_error(e)
        raise
    if rows == ["ok"]:
        return None
    log.warning("quick_check: %s", "; ".join(rows))
    return "SQLite's check found damaged pages"


def _confirm_damage(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(ro_uri(path, immutable=False), uri=True, timeout=5.0)
    except sqlite3.Error as e:
        return plain_error(e)
    try:
        return full_check(conn)
    except sqlite3.Error as e:
        return plain_error(e)
    finally:
        conn.close()


def library_writable(path: Path) -> bool:
    """Can this library (and the journal SQLite keeps beside it) be written?"""
    folder = path.parent if str(path.parent) else Path(".")
    sidecars = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    if path.exists() and not os.access(path, os.W_OK):
        return False
    return os.access(folder, os.W_OK) and all(os.access(p, os.W_OK) for p in sidecars)


def check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise LibraryError(f"Cannot write to the library {path}: permission denied.")
        if not os.access(folder, os.W_OK):
            raise LibraryError(
                f"Cannot write in the folder {folder}: permission denied (Dispatch keeps a "
                "journal beside the library). Searching works; importing needs write access."
            )
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            if side.exists() and not os.access(side, os.W_OK):
                raise LibraryError(
                    f"Cannot write to {side}: permission denied (it belongs to another user?)."
                )
    elif not os.access(folder, os.W_OK):
        raise LibraryError(f"Cannot create the library {path}: permission denied.")


def process_owner() -> str:
    """Who runs an import: 'host:boot:pid:start', enough to tell later whether it still runs."""
    pid = os.getpid()
    return f"{_hostname()}:{_boot_id()}:{pid}:{_start_time(pid)}"


def _hostname() -> str:
    """This machine's name. :mod:`socket` is imported here: only an import (or an interrupted
    one) asks who runs it, and its enums and selectors cost every window start 3 ms."""
    import socket

    return socket.gethostname()


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), so a reused pid is told apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def owner_alive(owner: str | None) -> bool:
    """Is the process recorded in ``owner`` (see process_owner) still running?"""
    if not owner:
        return False  # a row from before owners were recorded, or a broken one
    parts = owner.rsplit(":", 3)
    if len(parts) != 4 or not parts[2].isdigit():
        return False
    host, boot, pid_text, start = parts
    pid = int(pid_text)
    if host != _hostname():
        return True  # another machine's import (a shared folder): it cannot be checked from here
    if pid == os.getpid():
        return True
    if boot and boot != _boot_id():
        return False
    if sys.platform == "win32":
        return False  # no cheap check there: an import of a dead window is the likely case
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not start or start == _start_time(pid)
