"""Writes from the GUI thread that never wait on an import's write lock.

The import worker holds SQLite's write lock for each batch it commits (up to about a second
for 2,000 articles and their index). Marking an article read on the GUI thread used to wait
for it (busy_timeout 5 s): the window froze for 0.8-2.6 s. Here a GUI write waits at most
:data:`GUI_WAIT_MS`; when the library is busy it is tried again shortly, from the event loop,
until it goes through, and the caller is told then.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long one GUI write may wait for the lock before it steps back for a retry.
GUI_WAIT_MS = 15
RETRY_MS = 60
#: After this long of a busy library, the write is given up and the reader told.
GIVE_UP_MS = 60_000
#: The wait a library connection has for everything else (reader.core.store).
_DEFAULT_WAIT_MS = 5000


def _busy(e: sqlite3.OperationalError) -> bool:
    code = getattr(e, "sqlite_errorcode", 0) & 0xFF
    return code in (5, 6) or "locked" in str(e) or "busy" in str(e)


@contextmanager
def short_wait(conn: sqlite3.Connection, ms: int = GUI_WAIT_MS) -> Iterator[None]:
    """SQLite's busy wait on ``conn`` cut to ``ms`` for the statements inside."""
    conn.execute(f"PRAGMA busy_timeout = {int(ms)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {_DEFAULT_WAIT_MS}")


class GuiWriter(QObject):
    """Runs GUI writes with a short wait, retrying the ones a busy library turned away.

    Writes run in the order given: a write asked while an earlier one waits its turn queues
    behind it (read, then unread, stays in that order).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        on_give_up: Callable[[str], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.conn = conn
        self.on_give_up = on_give_up
        self._pending: list[tuple[Callable[[], object], Callable[[object], None], int]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(lambda: self._drain(retrying=True))
        self.retries = 0

    @property
    def waiting(self) -> int:
        return len(self._pending)

    def write(self, work: Callable[[], T], done: Callable[[T], None]) -> bool:
        """Run ``work`` now if the library is free, else soon; ``done`` gets its result.

        True when it ran now. ``work`` must be one transaction that leaves nothing written when
        it raises (the core's marking functions are).
        """
        self._pending.append((work, done, 0))  # type: ignore[arg-type]
        if len(self._pending) == 1:
            self._drain()
        return not self._pending

    def _drain(self, retrying: bool = False) -> None:
        """Run the queued writes in order; a busy library defers the rest to the timer.

        An error that is not a busy library is the command's to report: raised to it when it
        asked just now, told through ``on_give_up`` when it comes from a retry.
        """
        while self._pending:
            work, done, waited = self._pending[0]
            try:
                with short_wait(self.conn):
                    result = work()
            except sqlite3.Error as e:
                if self.conn.in_transaction:
                    self.conn.rollback()
                if not isinstance(e, sqlite3.OperationalError) or not _busy(e):
                    self._pending.pop(0)  # not for retrying: the caller's error to report
                    if not retrying:
                        raise
                    log.warning("a deferred GUI write failed: %s", e)
                    if self.on_give_up is not None:
                        self.on_give_up(f"A change could not be saved ({e})")
                    continue
                self.retries += 1
                if waited >= GIVE_UP_MS:
                    self._pending.pop(0)
                    log.warning("a GUI write gave up after %d ms of a busy library", waited)
                    if self.on_give_up is not None:
                        self.on_give_up("The library stayed busy; that change was not saved")
                    continue
                self._pending[0] = (work, done, waited + RETRY_MS)
                self._timer.start()
                return
            except BaseException:
                self._pending.pop(0)
                raise
            self._pending.pop(0)
            done(result)
