"""Imports another program runs into the open library, shown as they happen.

A ``dispatch import`` in a terminal while the window is open writes through a connection of its
own: nothing told the window, which kept showing what it had read (12,999 articles after a
63,915-article import had ended). The window now looks once a second
(:func:`reader.core.outside_writes.import_mark`) and, when articles or sources came from
elsewhere, announces them as its own imports' batches are announced, so every pane catches up
the same way. While the window imports itself, its batches say it all and nothing more is
announced.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from reader.core.outside_writes import import_mark
from reader.ui.changes import LibraryChange

if TYPE_CHECKING:
    from reader.core.store import Library

log = logging.getLogger(__name__)

POLL_MS = 1000


class OutsideImports(QObject):
    """Polls the library for another program's imports; announces them through ``publish``."""

    def __init__(
        self,
        lib: Library,
        publish: Callable[[LibraryChange], None],
        importing: Callable[[], bool],
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self._lib = lib
        self._publish = publish
        self._importing = importing
        self._mark = import_mark(lib)
        self._own = False  # the window imported since the last look: what changed is its own
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> bool:
        """Announce what came from elsewhere since the last look; whether anything did."""
        if getattr(self._lib, "conn", None) is None:  # the library was closed: the window goes
            self.timer.stop()
            return False
        if self._importing():  # the window's own import: its batches are announced already,
            self._own = True  # and the window's event loop has enough to do
            return False
        try:
            mark = import_mark(self._lib)
        except sqlite3.Error as e:  # busy, or the library went away: the next look tries again
            log.warning("could not look for other programs' imports: %s", e)
            return False
        changed, own = mark != self._mark, self._own
        self._mark, self._own = mark, False
        if not changed or own:
            return False
        self._publish(LibraryChange.of_import(None))
        return True
