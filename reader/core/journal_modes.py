"""The library's journal: a write-ahead log, except while a big import has the library alone.

The library lives in WAL mode so that the window reads while an import writes. But everything a
write-ahead log holds is written twice (to the log, then by a checkpoint into the file), which
for a 300 MB import is about 2.5 s of CPU out of 24 (four interleaved pairs of ``dispatch
import``, load 0.9-1.9: 23.2-25.0 s against 20.3-22.6 s). So a big import run from the command
line, when no other connection has the library open, switches to a rollback journal (SQLite
refuses while another connection holds the log open) and back to the log when it ends. New pages
need no journal at all, so an import into it writes almost everything once.

A program that opens the library meanwhile (the window, a second ``dispatch``) switches it back
to the log (:func:`use_wal`) and the import carries on in that mode. Changing the mode needs the
write lock, which the import holds for all but a few milliseconds of each batch, and SQLite then
answers "database is locked" at once rather than wait (waiting could deadlock): tried again every
10 ms, an opening waited 0.006-2.3 s (five openings during a 300 MB import). So the opening also
leaves a request beside the library (:func:`wal_request`), which the import sees after its next
commit (:class:`WalOnRequest`) and grants by switching the library back itself: the openings then
took 0.03-0.47 s, and the imports 15.1-16.4 s, as long as with the log all along (15.7-16.3 s).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

#: How long an opening waits for an import to let it switch the library back to its log.
WAL_SWITCH_SECONDS = 30.0
_RETRY_SECONDS = 0.01
#: While an import writes with a rollback journal its commits need every reader gone: it waits
#: this long for one (a reader holding a transaction open for minutes would fail it otherwise).
ALONE_BUSY_MS = 60_000
LIBRARY_BUSY_MS = 5000  # the library's usual busy timeout (reader.core.store)


def _locked(e: sqlite3.OperationalError) -> bool:
    return "locked" in str(e) or "busy" in str(e)


def wal_request(path: Path | str) -> Path:
    """The file an opening leaves beside the library while it waits for an import to let go."""
    return Path(f"{path}-wal-wanted")


def _file_of(conn: sqlite3.Connection) -> str:
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file)
    return ""


def use_wal(conn: sqlite3.Connection, wait: float = WAL_SWITCH_SECONDS) -> str:
    """Put the library in WAL mode; the mode it is in after (``"wal"`` unless SQLite cannot).

    While an import writing with a rollback journal holds the lock, asks it to switch (see the
    module's text) and tries again meanwhile.
    """
    deadline = time.monotonic() + wait
    request: Path | None = None
    try:
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                return str(mode).lower()
            except sqlite3.OperationalError as e:
                if not _locked(e) or time.monotonic() >= deadline:
                    raise
            if request is None and (file := _file_of(conn)):
                request = wal_request(file)
                with contextlib.suppress(OSError):
                    request.touch()
            time.sleep(_RETRY_SECONDS)
    finally:
        if request is not None:
            with contextlib.suppress(OSError):
                request.unlink(missing_ok=True)


class AfterCommit(Protocol):
    """What an import calls after each commit, and once at its end."""

    def committed(self, conn: sqlite3.Connection | None = None) -> None: ...

    def close(self) -> None: ...


class WalOnRequest:
    """Beside an import writing with a rollback journal: after each commit, the library goes back
    to its log if an opening asks; once in WAL mode (so switched, or by the opening itself), the
    import goes on with what ``then`` makes (its checkpointing thread: readahead.Checkpointer)."""

    def __init__(self, path: Path, then: Callable[[], AfterCommit]) -> None:
        self._request = wal_request(path)
        self._then = then
        self._next: AfterCommit | None = None
        with contextlib.suppress(OSError):
            self._request.unlink(missing_ok=True)  # left by an opening that was killed

    def committed(self, conn: sqlite3.Connection | None = None) -> None:
        if self._next is not None:
            self._next.committed(conn)
            return
        if conn is None:
            return
        if self._request.exists():
            log.info("the library goes back to WAL mode: another program opens it")
            use_wal(conn)
        # Granted now, or switched by the opening itself between two batches.
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._next = self._then()

    def alone(self) -> bool:
        """Whether the library is still in rollback-journal mode with no opening asking for the
        log (one stat of the request's file)."""
        return self._next is None and not self._request.exists()

    def close(self) -> None:
        if self._next is not None:
            self._next.close()


@contextlib.contextmanager
def rollback_journal_while_alone(conn: sqlite3.Connection) -> Iterator[bool]:
    """For the span of a big command-line import: a rollback journal if ``conn`` is the only
    connection to the library (True), else the log as it was (False).

    With a rollback journal the commits are synchronous=FULL, as SQLite recommends for that mode
    (NORMAL can lose the last commit, or worse, at a power cut). The log is restored at the end
    (if another program switched it back meanwhile, it already is).
    """
    try:
        mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    except sqlite3.OperationalError as e:  # another connection has the library open
        log.debug("the library stays in WAL mode for this import: %s", e)
        mode = "wal"
    alone = mode == "delete"
    if alone:
        (synchronous,) = conn.execute("PRAGMA synchronous").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA busy_timeout = {ALONE_BUSY_MS}")
    try:
        yield alone
    finally:
        if alone:
            conn.execute(f"PRAGMA busy_timeout = {LIBRARY_BUSY_MS}")
            try:
                back = use_wal(conn)
            except sqlite3.Error as e:
                # Every opening puts it back (reader.core.store): nothing is lost meanwhile.
                log.warning("the library stays in rollback-journal mode until next opened: %s", e)
            else:
                if back == "wal":
                    conn.execute(f"PRAGMA synchronous = {int(synchronous)}")
