"""When an opened article counts as read: at once (the default), after some seconds on it, or
never (the reader marks it with M). Chosen on the Reading page of Preferences and kept.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from reader.core.marking import set_flag

from . import settings as S
from .changes import LibraryChange

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

ON_OPEN, AFTER_DELAY, NEVER = "open", "delay", "never"
#: The choices, as the Reading page names them.
MODES = {
    ON_OPEN: "Mark it read",
    AFTER_DELAY: "Mark it read after it has been open for",
    NEVER: "Leave it unread (mark it with the key)",
}
DELAY_RANGE = (1, 600)  # seconds


class ReadMarking(QObject):
    """Decides, for each article opened, whether and when it is marked read."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.mode = window.settings.get(S.MARK_READ)
        if self.mode not in MODES:
            log.warning("unknown mark-read choice %r in the settings: on open", self.mode)
            self.mode = ON_OPEN
        self.seconds = _clamp(window.settings.get(S.MARK_READ_SECONDS))
        self._pending: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def set_mode(self, mode: str, seconds: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mark-read choice {mode!r}")
        self.mode = mode
        self.window.settings.set(S.MARK_READ, mode)
        if seconds is not None:
            self.seconds = _clamp(seconds)
            self.window.settings.set(S.MARK_READ_SECONDS, self.seconds)

    def opened(self, article_id: int, already_read: bool) -> bool:
        """An article was opened: whether to mark it read now (else perhaps later)."""
        self._timer.stop()
        self._pending = None
        if already_read or self.mode == NEVER:
            return False
        if self.mode == ON_OPEN:
            return True
        self._pending = article_id
        self._timer.start(self.seconds * 1000)
        return False

    @property
    def pending(self) -> int | None:
        """The article waiting to be marked read when its time is up."""
        return self._pending if self._timer.isActive() else None

    def mark(self, article_id: int) -> None:
        """Mark an opened article read (never waiting on an import's write lock)."""
        w = self.window
        w.marking.writer.write(
            lambda: set_flag(w.library, [article_id], "read", True),
            lambda change: w.publish(LibraryChange.of_marking(change)),
        )

    def _fire(self) -> None:
        article_id, self._pending = self._pending, None
        if article_id is not None and article_id == self.window.current_article_id:
            self.mark(article_id)


def _clamp(seconds: int) -> int:
    return max(DELAY_RANGE[0], min(DELAY_RANGE[1], int(seconds)))
