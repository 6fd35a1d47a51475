"""A job on the library that runs on a thread with a connection of its own.

Re-sorting, Trash jobs, exports, re-parses and maintenance each open their own
:class:`~reader.core.store.Library` on the window's file (one connection per thread), report
through signals only and close the connection however they end. This holds that frame once; a
job says what it does in :meth:`LibraryThread.work`.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from reader.core.store import Library, LibraryError

log = logging.getLogger(__name__)

#: Progress is reported at most this often (besides its first and last step).
REPORT_INTERVAL = 0.1


class LibraryThread(QThread):
    """``progressed(done, total)`` as the job goes; ``failed(message)`` when it cannot end.

    A subclass does its job in :meth:`work` and emits its own result signal there. Errors of
    the kinds in :attr:`expected` are the core's own words for the reader and are said as they
    are; anything else is logged and said through :meth:`stopped`.
    """

    progressed = Signal(int, int)
    failed = Signal(str)
    expected: tuple[type[Exception], ...] = ()

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library_path = Path(library_path)
        self._cancel = threading.Event()
        self._last_report = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelling(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int) -> None:
        """``progressed``, at most every :data:`REPORT_INTERVAL` seconds (first and last always)."""
        now = time.monotonic()
        if done in (0, total) or now - self._last_report >= REPORT_INTERVAL:
            self._last_report = now
            self.progressed.emit(done, total)

    def work(self, lib: Library) -> None:
        raise NotImplementedError

    def stopped(self, error: Exception) -> str:
        """What the reader is told when the job stopped on an unexpected error."""
        return f"Stopped: {error}"

    def run(self) -> None:
        try:
            lib = Library(self.library_path)
        except LibraryError as e:
            self.failed.emit(str(e))
            return
        try:
            self.work(lib)
        except self.expected as e:
            self.failed.emit(str(e))
        except Exception as e:  # a full disk, a damaged page: said, logged, never raised
            log.exception("%s stopped", type(self).__name__)
            self.failed.emit(self.stopped(e))
        finally:
            lib.close()
