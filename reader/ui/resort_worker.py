"""Re-sorting the whole library on a worker thread, and its line in the status bar.

The thread opens its own :class:`~reader.core.store.Library` on the same file (one connection per
thread) and runs :func:`reader.core.section_ops.resort_all`; it reports through signals only,
progress at most every :data:`~reader.ui.library_thread.REPORT_INTERVAL` seconds. Cancel is
polled between batches: what was re-sorted stays re-sorted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal

from reader.core.section_ops import SectionError, resort_all
from reader.core.store import Library, LibraryError

from .library_thread import LibraryThread


class ResortThread(LibraryThread):
    """One re-sort. ``progressed(done, total)``; then ``resorted(Resorted)`` or ``failed(msg)``."""

    resorted = Signal(object)
    expected = (SectionError, LibraryError)

    def __init__(self, library_path: Path, parent=None, batch: int | None = None) -> None:
        super().__init__(library_path, parent)
        self.batch = batch

    def work(self, lib: Library) -> None:
        kwargs = {} if self.batch is None else {"batch": self.batch}
        self.resorted.emit(resort_all(lib, self.report, self._cancel.is_set, **kwargs))

    def stopped(self, error: Exception) -> str:
        return f"Re-sorting stopped: {error}"
